"""Conformance cases for the spectral ops (RFFT, IRFFT, FFT, IFFT and their 2-D / 3-D forms),
the complex ops (Complex, Real, Imag, ComplexAbs, Angle, Conj) and complex arithmetic and
casts: odd and even fft_length, cropping (the raw RFFT op crops a longer input and refuses
a shorter one; tf.signal.rfft pads with a Pad op first), batch dimensions, empty tensors
and TF's errors (those TF's shape functions leave to the kernel; a rank or fft_length
shape mismatch already fails when the graph is built)."""
import numpy as np
import tensorflow as tf

from make_op_cases import Case

rng = np.random.default_rng(11)
raw = tf.raw_ops


def real(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def cplx(*shape, dtype=np.complex64):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def length(*values):
    return np.array(values, np.int32)


def hermitian(shape, fft_shape, dtype=np.complex64):
    """The half spectrum of a real signal: the input an inverse real FFT is defined on
    (other inputs give algorithm-dependent results in 2-D and 3-D)."""
    axes = tuple(range(-len(fft_shape), 0))
    signal = rng.standard_normal(tuple(shape) + tuple(fft_shape))
    return np.fft.rfftn(signal, s=fft_shape, axes=axes).astype(dtype)


def rfft(x, n):
    return raw.RFFT(input=x, fft_length=n)


def rfft_complex128(x, n):
    return raw.RFFT(input=x, fft_length=n, Tcomplex=tf.complex128)


def irfft(x, n):
    return raw.IRFFT(input=x, fft_length=n)


def irfft_double(x, n):
    return raw.IRFFT(input=x, fft_length=n, Treal=tf.float64)


CASES = [
    # RFFT: even and odd lengths, exact and cropped, batch dimensions.
    Case("rfft_even", rfft, [real(16), length(16)]),
    Case("rfft_odd", rfft, [real(4, 7), length(7)]),
    Case("rfft_crop_even", rfft, [real(3, 20), length(12)]),
    Case("rfft_crop_odd", rfft, [real(3, 20), length(9)]),
    Case("rfft_batch_dims", rfft, [real(2, 3, 5, 10), length(10)]),
    Case("rfft_length_1", rfft, [real(3, 4), length(1)]),
    Case("rfft_length_2", rfft, [real(3, 4), length(2)]),
    Case("rfft_512_frames", rfft, [real(2, 6, 512), length(512)]),
    Case("rfft_float64", rfft_complex128, [real(3, 11, dtype=np.float64), length(11)]),
    Case("rfft_empty_batch", rfft, [real(0, 8), length(8)]),
    # (An input whose transformed dimension is 0 under a non-zero fft_length gives TF an
    # output of uninitialized memory; tftrt gives zeros. No case can pin that down.)
    Case("rfft_err_shorter_input", rfft, [real(2, 6), length(8)]),
    Case("rfft_err_negative_length", rfft, [real(2, 6), length(-2)]),
    Case("rfft_err_wrong_pair", lambda x, n: raw.RFFT(input=x, fft_length=n, Tcomplex=tf.complex128),
         [real(2, 6), length(6)]),
    # IRFFT: the input holds fft_length / 2 + 1 values (more are cropped).
    Case("irfft_even", irfft, [hermitian((3,), (8,)), length(8)]),
    Case("irfft_odd", irfft, [hermitian((3,), (9,)), length(9)]),
    Case("irfft_crop", irfft, [hermitian((2,), (16,)), length(8)]),
    Case("irfft_batch_dims", irfft, [hermitian((2, 3), (10,)), length(10)]),
    Case("irfft_not_hermitian", irfft, [cplx(2, 5), length(8)]),
    Case("irfft_double", irfft_double, [hermitian((2,), (7,), np.complex128), length(7)]),
    Case("irfft_length_1", irfft, [cplx(2, 1), length(1)]),
    Case("irfft_empty_batch", irfft, [cplx(0, 5), length(8)]),
    Case("irfft_err_short", irfft, [cplx(2, 3), length(8)]),
    Case("irfft_err_real_input", lambda x, n: raw.IRFFT(input=x, fft_length=n),
         [cplx(2, 5, dtype=np.complex128), length(8)]),
    # FFT / IFFT of every rank.
    Case("fft_even", lambda x: raw.FFT(input=x), [cplx(2, 8)]),
    Case("fft_odd", lambda x: raw.FFT(input=x), [cplx(3, 7)]),
    Case("fft_complex128", lambda x: raw.FFT(input=x), [cplx(2, 9, dtype=np.complex128)]),
    Case("ifft_even", lambda x: raw.IFFT(input=x), [cplx(2, 3, 8)]),
    Case("ifft_odd", lambda x: raw.IFFT(input=x), [cplx(5)]),
    Case("fft_empty", lambda x: raw.FFT(input=x), [cplx(2, 0)]),
    Case("fft2d", lambda x: raw.FFT2D(input=x), [cplx(2, 4, 6)]),
    Case("ifft2d", lambda x: raw.IFFT2D(input=x), [cplx(3, 5, dtype=np.complex128)]),
    Case("fft3d", lambda x: raw.FFT3D(input=x), [cplx(2, 3, 4, 5)]),
    Case("ifft3d", lambda x: raw.IFFT3D(input=x), [cplx(2, 2, 3)]),
    # 2-D and 3-D real transforms: every transformed dimension crops.
    Case("rfft2d", lambda x, n: raw.RFFT2D(input=x, fft_length=n), [real(2, 6, 8), length(6, 8)]),
    Case("rfft2d_crop", lambda x, n: raw.RFFT2D(input=x, fft_length=n),
         [real(2, 6, 8), length(4, 5)]),
    Case("irfft2d", lambda x, n: raw.IRFFT2D(input=x, fft_length=n),
         [hermitian((2,), (6, 8)), length(6, 8)]),
    Case("irfft2d_odd", lambda x, n: raw.IRFFT2D(input=x, fft_length=n),
         [hermitian((1,), (5, 7)), length(5, 7)]),
    Case("rfft3d", lambda x, n: raw.RFFT3D(input=x, fft_length=n),
         [real(2, 3, 4, 6), length(3, 4, 6)]),
    Case("irfft3d", lambda x, n: raw.IRFFT3D(input=x, fft_length=n),
         [hermitian((1,), (3, 4, 6)), length(3, 4, 6)]),
]

# The complex ops, in both precisions.
SPECIAL = np.array([0, 1, -1, 1j, -1j, -2 + 0j, 3 - 4j, -0.5 - 0.25j, 1e-30 + 1e-30j],
                   np.complex64)
for dtype, name in [(np.complex64, "c64"), (np.complex128, "c128")]:
    real_tout = tf.float32 if dtype == np.complex64 else tf.float64
    x = cplx(3, 5, dtype=dtype)
    CASES += [
        Case("complex_abs_" + name, lambda z, t=real_tout: raw.ComplexAbs(x=z, Tout=t), [x]),
        Case("complex_abs_special_" + name, lambda z, t=real_tout: raw.ComplexAbs(x=z, Tout=t),
             [SPECIAL.astype(dtype)]),
        Case("real_" + name, lambda z, t=real_tout: raw.Real(input=z, Tout=t), [x]),
        Case("imag_" + name, lambda z, t=real_tout: raw.Imag(input=z, Tout=t), [x]),
        Case("angle_" + name, lambda z, t=real_tout: raw.Angle(input=z, Tout=t), [x]),
        Case("angle_special_" + name, lambda z, t=real_tout: raw.Angle(input=z, Tout=t),
             [SPECIAL.astype(dtype)]),
        Case("conj_" + name, lambda z: raw.Conj(input=z), [x]),
    ]
CASES += [
    Case("complex_from_parts", lambda a, b: raw.Complex(real=a, imag=b, Tout=tf.complex64),
         [real(2, 3), real(2, 3)]),
    Case("complex_broadcast", lambda a, b: raw.Complex(real=a, imag=b, Tout=tf.complex64),
         [real(2, 1, 4), real(3, 1)]),
    Case("complex_float64", lambda a, b: raw.Complex(real=a, imag=b, Tout=tf.complex128),
         [real(4, dtype=np.float64), real(4, dtype=np.float64)]),
]

# Complex arithmetic that TF has (with broadcasting) and casts to and from complex.
for op_name, op in [("add", raw.AddV2), ("add_v1", raw.Add), ("sub", raw.Sub), ("mul", raw.Mul),
                    ("realdiv", raw.RealDiv), ("div", raw.Div)]:
    CASES.append(Case("complex_%s" % op_name, lambda a, b, op=op: op(x=a, y=b),
                      [cplx(2, 3, 4), cplx(3, 1)]))
CASES.append(Case("complex_mul_c128", lambda a, b: raw.Mul(x=a, y=b),
                  [cplx(5, dtype=np.complex128), cplx(5, dtype=np.complex128)]))
for src, dst, name in [(np.float32, tf.complex64, "float_to_c64"),
                       (np.float64, tf.complex64, "double_to_c64"),
                       (np.int32, tf.complex64, "int32_to_c64"),
                       (np.float16, tf.complex128, "half_to_c128"),
                       (np.complex64, tf.float32, "c64_to_float"),
                       (np.complex64, tf.int32, "c64_to_int32"),
                       (np.complex64, tf.bool, "c64_to_bool"),
                       (np.complex64, tf.complex128, "c64_to_c128"),
                       (np.complex128, tf.complex64, "c128_to_c64"),
                       (np.complex128, tf.float16, "c128_to_half")]:
    if np.issubdtype(src, np.complexfloating):
        value = np.concatenate([cplx(6, dtype=src) * 10, np.array([0, 1j, -0.0 + 2j], src)])
    elif np.issubdtype(src, np.integer):
        value = rng.integers(-100, 100, 6).astype(src)
    else:
        value = (real(6) * 10).astype(src)
    CASES.append(Case("cast_" + name, lambda v, dst=dst: raw.Cast(x=v, DstT=dst), [value]))

# Ops that only move elements carry complex tensors (one storage path per element size).
z64, z128 = cplx(2, 3, 4), cplx(3, 4, dtype=np.complex128)
CASES += [
    Case("complex_identity", lambda z: raw.Identity(input=z), [z64]),
    Case("complex_reshape", lambda z, s: raw.Reshape(tensor=z, shape=s),
         [z64, np.array([4, -1], np.int32)]),
    Case("complex_transpose", lambda z, p: raw.Transpose(x=z, perm=p),
         [z64, np.array([2, 0, 1], np.int32)]),
    Case("complex_conjugate_transpose", lambda z, p: raw.ConjugateTranspose(x=z, perm=p),
         [z128, np.array([1, 0], np.int32)]),
    Case("complex_strided_slice",
         lambda z, b, e, s: raw.StridedSlice(input=z, begin=b, end=e, strides=s),
         [z64, np.array([0, 2, 0], np.int32), np.array([2, 0, 4], np.int32),
          np.array([1, -1, 2], np.int32)]),
    Case("complex_concat", lambda a, b, axis: raw.ConcatV2(values=[a, b], axis=axis),
         [z64, cplx(2, 1, 4), np.int32(1)]),
    Case("complex_pack", lambda a, b: raw.Pack(values=[a, b], axis=1), [z128, cplx(3, 4, dtype=np.complex128)]),
    Case("complex_expand_dims", lambda z, d: raw.ExpandDims(input=z, axis=d), [z64, np.int32(-1)]),
    Case("complex_gather", lambda z, i, a: raw.GatherV2(params=z, indices=i, axis=a),
         [z64, np.array([2, 0], np.int32), np.int32(1)]),
    Case("complex_pad", lambda z, p: raw.Pad(input=z, paddings=p),
         [z128, np.array([[1, 0], [0, 2]], np.int32)]),
    Case("complex_tile", lambda z, m: raw.Tile(input=z, multiples=m),
         [z128, np.array([2, 1], np.int32)]),
]

# Unary math that TF has for complex numbers.
for op_name in ["Neg", "Square", "Reciprocal", "Inv", "Exp", "Log", "Sqrt", "Tanh", "Sin", "Cos"]:
    for dtype, name in [(np.complex64, "c64"), (np.complex128, "c128")]:
        CASES.append(Case("complex_%s_%s" % (op_name.lower(), name),
                          lambda z, op=getattr(raw, op_name): op(x=z), [cplx(2, 5, dtype=dtype)]))

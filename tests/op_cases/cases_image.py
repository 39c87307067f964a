"""Conformance cases for the image resize ops (NHWC): ResizeBilinear, ResizeNearestNeighbor,
ResizeArea, in every coordinate mode (legacy, align_corners, half_pixel_centers)."""
import numpy as np
import tensorflow as tf

from make_op_cases import Case

rng = np.random.default_rng(1)
raw = tf.raw_ops


def image(*shape, dtype=np.float32):
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(max(info.min, -1000), min(info.max, 1000), shape).astype(dtype)
    return (rng.standard_normal(shape) * 10).astype(dtype)


def size(h, w):
    return np.array([h, w], np.int32)


MODES = {
    "legacy": dict(align_corners=False, half_pixel_centers=False),
    "align": dict(align_corners=True, half_pixel_centers=False),
    "half": dict(align_corners=False, half_pixel_centers=True),
}

# (name, image shape, output size): up, down, mixed, to/from 1 pixel, same size.
GEOMETRIES = [
    ("up", (1, 4, 4, 3), (8, 8)),
    ("down", (2, 7, 9, 2), (3, 4)),
    ("mixed", (1, 5, 3, 1), (2, 7)),
    ("odd_up", (1, 3, 5, 4), (7, 11)),
    ("to_1x1", (1, 4, 6, 2), (1, 1)),
    ("from_1x1", (1, 1, 1, 3), (3, 2)),
    ("same", (1, 4, 5, 2), (4, 5)),
]

CASES = []
for op_name, op in [("bilinear", raw.ResizeBilinear), ("nearest", raw.ResizeNearestNeighbor)]:
    for mode, attrs in MODES.items():
        for geometry, shape, out in GEOMETRIES:
            CASES.append(Case("resize_%s_%s_%s" % (op_name, mode, geometry),
                              lambda x, s, op=op, attrs=attrs: op(images=x, size=s, **attrs),
                              [image(*shape), size(*out)]))
    for dtype in [np.uint8, np.int32, np.int64, np.float16, np.float64, np.int8, np.uint16]:
        for mode in ["legacy", "half"]:
            CASES.append(Case("resize_%s_%s_%s" % (op_name, mode, np.dtype(dtype).name),
                              lambda x, s, op=op, attrs=MODES[mode]: op(images=x, size=s, **attrs),
                              [image(2, 5, 4, 3, dtype=dtype), size(7, 3)]))
    CASES.append(Case("resize_%s_empty_batch" % op_name,
                      lambda x, s, op=op: op(images=x, size=s), [image(0, 3, 3, 2), size(5, 5)]))
    CASES.append(Case("resize_%s_err_size" % op_name,
                      lambda x, s, op=op: op(images=x, size=s), [image(1, 3, 3, 2), size(0, 5)]))
    CASES.append(Case("resize_%s_err_modes" % op_name,
                      lambda x, s, op=op: op(images=x, size=s, align_corners=True,
                                             half_pixel_centers=True),
                      [image(1, 3, 3, 2), size(5, 5)]))

# Bilinear keeps infinities on a same-size resize (a copy) but not when interpolating.
special = np.array([np.inf, -np.inf, np.nan, 1.0], np.float32).reshape(1, 2, 2, 1)
CASES.append(Case("resize_bilinear_same_inf", lambda x, s: raw.ResizeBilinear(images=x, size=s),
                  [special, size(2, 2)]))

for geometry, shape, out in GEOMETRIES + [("down_3x", (1, 9, 12, 3), (3, 4)),
                                          ("down_frac", (2, 10, 7, 2), (3, 3))]:
    for align in [False, True]:
        CASES.append(Case("resize_area_%s%s" % (geometry, "_align" if align else ""),
                          lambda x, s, align=align: raw.ResizeArea(images=x, size=s,
                                                                   align_corners=align),
                          [image(*shape), size(*out)]))
for dtype in [np.uint8, np.int32, np.float64]:
    CASES.append(Case("resize_area_%s" % np.dtype(dtype).name,
                      lambda x, s: raw.ResizeArea(images=x, size=s),
                      [image(1, 6, 5, 3, dtype=dtype), size(4, 2)]))
# A single input row or column with align_corners (the aligned scale would be 0).
for shape, out in [((1, 1, 8, 1), (3, 4)), ((1, 2, 1, 2), (5, 3)), ((1, 1, 1, 1), (2, 2))]:
    for op_name, op in [("area", raw.ResizeArea), ("bilinear", raw.ResizeBilinear),
                        ("nearest", raw.ResizeNearestNeighbor)]:
        CASES.append(Case("resize_%s_align_single_%dx%d_to_%dx%d" % ((op_name,) + shape[1:3] + out),
                          lambda x, s, op=op: op(images=x, size=s, align_corners=True),
                          [image(*shape), size(*out)]))

"""Conformance cases for the detection ops: NonMaxSuppression V2-V5 (ties, thresholds, soft
NMS, padding, empty inputs, half), CombinedNonMaxSuppression (q = 1 and per-class boxes,
clip_boxes, pad_per_class, ties), CropAndResize (bilinear / nearest, boxes leaving the image,
flipped boxes, single-pixel crops), and image decoding (DecodeJpeg / DecodePng / DecodeImage:
channels, dtype, ratio, DCT method, fancy upscaling, 16-bit, palette, gray, alpha, truncated
and corrupt data)."""
import struct
import zlib

import numpy as np
import tensorflow as tf

from make_op_cases import Case

rng = np.random.default_rng(11)
raw = tf.raw_ops


def boxes(n, overlap=0.25):
    """n boxes in [0, 1] clustered so that many overlap; some with swapped corners."""
    centers = rng.uniform(0.2, 0.8, (n, 2))
    centers[n // 2:] = centers[: n - n // 2] + rng.normal(0, overlap * 0.2, (n - n // 2, 2))
    sizes = rng.uniform(0.1, 0.4, (n, 2))
    b = np.concatenate([centers - sizes / 2, centers + sizes / 2], axis=1)
    flip = rng.random(n) < 0.2
    b[flip] = b[flip][:, [2, 3, 0, 1]]
    return b.astype(np.float32)


def scores(n):
    return rng.uniform(0, 1, n).astype(np.float32)


def i32(v):
    return np.array(v, np.int32)


def f32(v):
    return np.array(v, np.float32)


CASES = []

# --- single-class NMS ---------------------------------------------------------------
B = boxes(24)
S = scores(24)
TIED = np.round(S * 4) / 4  # many equal scores: lower index first
IDENTICAL = np.tile(f32([[0.1, 0.1, 0.5, 0.5]]), (6, 1))
for name, s in [("random", S), ("ties", TIED)]:
    for iou in [0.0, 0.3, 0.5, 1.0]:
        CASES.append(Case("nms_v2_%s_iou%g" % (name, iou),
                          lambda b, s, m, t: raw.NonMaxSuppressionV2(
                              boxes=b, scores=s, max_output_size=m, iou_threshold=t),
                          [B, s, i32(10), f32(iou)]))
    for score_threshold in [-1.0, 0.25, 0.5, 0.99]:
        CASES.append(Case("nms_v3_%s_score%g" % (name, score_threshold),
                          lambda b, s, m, t, st: raw.NonMaxSuppressionV3(
                              boxes=b, scores=s, max_output_size=m, iou_threshold=t,
                              score_threshold=st),
                          [B, s, i32(8), f32(0.4), f32(score_threshold)]))
    for pad in [False, True]:
        CASES.append(Case("nms_v4_%s_pad%d" % (name, pad),
                          lambda b, s, m, t, st, pad=pad: raw.NonMaxSuppressionV4(
                              boxes=b, scores=s, max_output_size=m, iou_threshold=t,
                              score_threshold=st, pad_to_max_output_size=pad),
                          [B, s, i32(20), f32(0.3), f32(0.3)]))
    for sigma in [0.0, 0.5, 1.0]:
        CASES.append(Case("nms_v5_%s_sigma%g" % (name, sigma),
                          lambda b, s, m, t, st, sg: raw.NonMaxSuppressionV5(
                              boxes=b, scores=s, max_output_size=m, iou_threshold=t,
                              score_threshold=st, soft_nms_sigma=sg, pad_to_max_output_size=True),
                          [B, s, i32(12), f32(0.5), f32(0.1), f32(sigma)]))
CASES.append(Case("nms_v3_identical_boxes",
                  lambda b, s, m, t, st: raw.NonMaxSuppressionV3(
                      boxes=b, scores=s, max_output_size=m, iou_threshold=t, score_threshold=st),
                  [IDENTICAL, f32([0.5, 0.9, 0.5, 0.9, 0.1, 0.7]), i32(6), f32(0.5), f32(0.0)]))
CASES.append(Case("nms_v1_attr",
                  lambda b, s, m: raw.NonMaxSuppression(boxes=b, scores=s, max_output_size=m,
                                                        iou_threshold=0.4),
                  [B, S, i32(7)]))
CASES.append(Case("nms_v3_half",
                  lambda b, s, m, t, st: raw.NonMaxSuppressionV3(
                      boxes=b, scores=s, max_output_size=m, iou_threshold=t, score_threshold=st),
                  [B.astype(np.float16), S.astype(np.float16), i32(10), f32(0.4), f32(0.2)]))
CASES.append(Case("nms_v5_half_soft",
                  lambda b, s, m, t, st, sg: raw.NonMaxSuppressionV5(
                      boxes=b, scores=s, max_output_size=m, iou_threshold=t, score_threshold=st,
                      soft_nms_sigma=sg),
                  [B.astype(np.float16), S.astype(np.float16), i32(10),
                   np.float16(0.5), np.float16(0.1), np.float16(0.5)]))
CASES.append(Case("nms_v3_empty",
                  lambda b, s, m, t, st: raw.NonMaxSuppressionV3(
                      boxes=b, scores=s, max_output_size=m, iou_threshold=t, score_threshold=st),
                  [np.zeros((0, 4), np.float32), np.zeros((0,), np.float32), i32(5), f32(0.5),
                   f32(0.0)]))
CASES.append(Case("nms_v4_zero_max_pad",
                  lambda b, s, m, t, st: raw.NonMaxSuppressionV4(
                      boxes=b, scores=s, max_output_size=m, iou_threshold=t, score_threshold=st,
                      pad_to_max_output_size=True),
                  [B, S, i32(0), f32(0.5), f32(0.0)]))
for name, args in [
    ("iou_above_1", [B, S, i32(5), f32(1.5), f32(0.0)]),
    ("negative_max", [B, S, i32(-1), f32(0.5), f32(0.0)]),
]:
    CASES.append(Case("nms_v3_err_" + name,
                      lambda b, s, m, t, st: raw.NonMaxSuppressionV3(
                          boxes=b, scores=s, max_output_size=m, iou_threshold=t,
                          score_threshold=st),
                      args))
CASES.append(Case("nms_v5_err_negative_sigma",
                  lambda b, s, m, t, st, sg: raw.NonMaxSuppressionV5(
                      boxes=b, scores=s, max_output_size=m, iou_threshold=t, score_threshold=st,
                      soft_nms_sigma=sg),
                  [B, S, i32(5), f32(0.5), f32(0.0), f32(-0.5)]))

# --- CombinedNonMaxSuppression -------------------------------------------------------


def batch_boxes(batch, n, q):
    return np.stack([np.stack([boxes(n) for _ in range(q)], axis=1) for _ in range(batch)])


def combined(name, bx, sc, per_class, total, iou, score, **attrs):
    CASES.append(Case("combined_nms_" + name,
                      lambda b, s, m, t, i, st: raw.CombinedNonMaxSuppression(
                          boxes=b, scores=s, max_output_size_per_class=m, max_total_size=t,
                          iou_threshold=i, score_threshold=st, **attrs),
                      [bx, sc, i32(per_class), i32(total), f32(iou), f32(score)]))


SC = rng.uniform(0, 1, (2, 16, 3)).astype(np.float32)
combined("q1", batch_boxes(2, 16, 1) * 1.2 - 0.1, SC, 4, 8, 0.5, 0.2)
combined("q1_noclip", batch_boxes(2, 16, 1) * 1.2 - 0.1, SC, 4, 8, 0.5, 0.2, clip_boxes=False)
combined("per_class_boxes", batch_boxes(2, 16, 3), SC, 3, 20, 0.4, 0.1)
combined("pad_per_class", batch_boxes(2, 16, 1), SC, 2, 20, 0.5, 0.3, pad_per_class=True)
combined("pad_per_class_small_total", batch_boxes(2, 16, 1), SC, 4, 5, 0.5, 0.3,
         pad_per_class=True)
combined("ties", batch_boxes(2, 16, 1), np.round(SC * 3) / 3, 5, 12, 0.5, 0.0)
combined("all_below_threshold", batch_boxes(2, 16, 1), SC * 0.1, 4, 6, 0.5, 0.5)
combined("more_per_class_than_boxes", batch_boxes(1, 4, 1), SC[:1, :4], 10, 10, 0.5, 0.0)
combined("err_per_class_zero", batch_boxes(1, 4, 1), SC[:1, :4], 0, 10, 0.5, 0.0)
combined("err_iou", batch_boxes(1, 16, 1), SC[:1], 4, 10, 1.5, 0.0)

# --- CropAndResize -------------------------------------------------------------------
IMAGE = rng.normal(0, 10, (2, 9, 11, 3)).astype(np.float32)
CROP_BOXES = f32([[0.1, 0.2, 0.7, 0.9], [0.0, 0.0, 1.0, 1.0], [-0.2, 0.3, 0.5, 1.3],
                  [0.8, 0.9, 0.2, 0.1], [0.5, 0.5, 0.5, 0.5]])
CROP_INDEX = i32([0, 1, 1, 0, 1])
for method in ["bilinear", "nearest"]:
    for size in [(5, 4), (1, 1), (1, 6), (13, 2)]:
        CASES.append(Case("crop_and_resize_%s_%dx%d" % (method, size[0], size[1]),
                          lambda im, b, i, c, method=method: raw.CropAndResize(
                              image=im, boxes=b, box_ind=i, crop_size=c, method=method,
                              extrapolation_value=-3.5),
                          [IMAGE, CROP_BOXES, CROP_INDEX, i32(size)]))
for dtype in [np.uint8, np.int32, np.float16, np.float64]:
    image = (np.abs(IMAGE) * 10).astype(dtype)
    CASES.append(Case("crop_and_resize_%s" % np.dtype(dtype).name,
                      lambda im, b, i, c: raw.CropAndResize(image=im, boxes=b, box_ind=i,
                                                            crop_size=c),
                      [image, CROP_BOXES, CROP_INDEX, i32([4, 6])]))
CASES.append(Case("crop_and_resize_no_boxes",
                  lambda im, b, i, c: raw.CropAndResize(image=im, boxes=b, box_ind=i, crop_size=c),
                  [IMAGE, np.zeros((0, 4), np.float32), np.zeros((0,), np.int32), i32([3, 3])]))
for name, args in [
    ("box_index", [IMAGE, CROP_BOXES, i32([0, 1, 2, 0, 1]), i32([3, 3])]),
    ("crop_size", [IMAGE, CROP_BOXES, CROP_INDEX, i32([0, 3])]),
    ("nan_box", [IMAGE, f32([[0.1, np.nan, 0.5, 0.5]]), i32([0]), i32([3, 3])]),
]:
    CASES.append(Case("crop_and_resize_err_" + name,
                      lambda im, b, i, c: raw.CropAndResize(image=im, boxes=b, box_ind=i,
                                                            crop_size=c),
                      args))

# --- image decoding ------------------------------------------------------------------


def smooth_image(h, w, c, dtype=np.uint8):
    """Seeded random but smooth (bicubic upsampling of a coarse grid), as photos are."""
    coarse = rng.uniform(0, 1, (1, 4, 5, c)).astype(np.float32)
    fine = tf.image.resize(coarse, [h, w], method="bicubic").numpy()[0]
    top = np.iinfo(dtype).max
    return np.clip(np.round(fine * top), 0, top).astype(dtype)


def as_bytes(t):
    return np.array(t.numpy() if hasattr(t, "numpy") else t, dtype=object).astype(np.bytes_)


JPEG_RGB = tf.io.encode_jpeg(smooth_image(37, 29, 3), quality=90).numpy()
JPEG_444 = tf.io.encode_jpeg(smooth_image(16, 24, 3), quality=75, chroma_downsampling=False).numpy()
JPEG_GRAY = tf.io.encode_jpeg(smooth_image(21, 33, 1), quality=95).numpy()
JPEG_PROGRESSIVE = tf.io.encode_jpeg(smooth_image(40, 40, 3), progressive=True).numpy()
PNG_RGB = tf.io.encode_png(smooth_image(13, 17, 3)).numpy()
PNG_RGBA = tf.io.encode_png(smooth_image(12, 9, 4)).numpy()
PNG_GRAY = tf.io.encode_png(smooth_image(10, 14, 1)).numpy()
PNG_GRAY_ALPHA = tf.io.encode_png(smooth_image(7, 8, 2)).numpy()
PNG_16 = tf.io.encode_png(smooth_image(11, 6, 3, np.uint16)).numpy()
PNG_GRAY_16 = tf.io.encode_png(smooth_image(5, 9, 1, np.uint16)).numpy()


def palette_png(height, width):
    """A 2-bit palette PNG with a tRNS chunk (TF's encoder writes none), built by hand."""
    def chunk(kind, payload):
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))
    indices = rng.integers(0, 4, (height, width))
    # 2 bits per pixel, 4 pixels per byte, each row behind filter byte 0.
    two_bits = np.unpackbits(indices.astype(np.uint8)[..., None], axis=-1)[..., 6:]
    rows = b"".join(b"\0" + np.packbits(row.reshape(-1)).tobytes() for row in two_bits)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 2, 3, 0, 0, 0))
            + chunk(b"PLTE", bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]))
            + chunk(b"tRNS", bytes([255, 128, 0]))
            + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


PNG_PALETTE = palette_png(5, 7)

IMAGES = {"jpeg_rgb": JPEG_RGB, "jpeg_444": JPEG_444, "jpeg_gray": JPEG_GRAY,
          "jpeg_progressive": JPEG_PROGRESSIVE, "png_rgb": PNG_RGB, "png_rgba": PNG_RGBA,
          "png_gray": PNG_GRAY, "png_gray_alpha": PNG_GRAY_ALPHA, "png_16": PNG_16,
          "png_gray_16": PNG_GRAY_16, "png_palette": PNG_PALETTE}


def decode_case(name, op, data, **attrs):
    CASES.append(Case(name, lambda c: op(contents=c, **attrs), [np.bytes_(data.rstrip(b"\0"))]))


for image_name, data in IMAGES.items():
    is_jpeg = image_name.startswith("jpeg")
    for channels in [0, 1, 3] + ([] if is_jpeg else [4]):
        for dtype in [tf.uint8, tf.uint16, tf.float32]:
            decode_case("decode_image_%s_c%d_%s" % (image_name, channels, dtype.name),
                        raw.DecodeImage, data, channels=channels, dtype=dtype,
                        expand_animations=False)
    if is_jpeg:
        decode_case("decode_jpeg_%s" % image_name, raw.DecodeJpeg, data)
        decode_case("decode_jpeg_%s_accurate" % image_name, raw.DecodeJpeg, data,
                    dct_method="INTEGER_ACCURATE")
        decode_case("decode_jpeg_%s_no_fancy" % image_name, raw.DecodeJpeg, data,
                    fancy_upscaling=False, channels=3)
        for ratio in [2, 4, 8]:
            decode_case("decode_jpeg_%s_ratio%d" % (image_name, ratio), raw.DecodeJpeg, data,
                        ratio=ratio)
    else:
        for dtype in [tf.uint8, tf.uint16]:
            decode_case("decode_png_%s_%s" % (image_name, dtype.name), raw.DecodePng, data,
                        dtype=dtype)
# Cross-format, as TF allows: DecodeJpeg of a PNG, DecodePng of a JPEG.
decode_case("decode_jpeg_of_png", raw.DecodeJpeg, PNG_RGBA, channels=3)
decode_case("decode_png_of_jpeg", raw.DecodePng, JPEG_RGB, channels=1)
# Truncated and corrupt data: TF's errors, or TF's recovery when asked for.
TRUNCATED = JPEG_PROGRESSIVE[: len(JPEG_PROGRESSIVE) * 2 // 3].rstrip(b"\0")
decode_case("decode_jpeg_err_truncated", raw.DecodeJpeg, TRUNCATED)
decode_case("decode_jpeg_truncated_recover", raw.DecodeJpeg,
            JPEG_RGB[: len(JPEG_RGB) * 2 // 3].rstrip(b"\0"), try_recover_truncated=True)
decode_case("decode_jpeg_err_header_only", raw.DecodeJpeg, JPEG_RGB[:40])
decode_case("decode_png_err_truncated", raw.DecodePng, PNG_RGB[: len(PNG_RGB) // 2])
CORRUPT_PNG = bytearray(PNG_RGB)
CORRUPT_PNG[40] ^= 0xFF  # inside IDAT: a CRC mismatch
decode_case("decode_png_err_crc", raw.DecodePng, bytes(CORRUPT_PNG))
decode_case("decode_image_err_unknown_format", raw.DecodeImage, b"not an image at all",
            expand_animations=False)
decode_case("decode_image_err_jpeg_4_channels", raw.DecodeImage, JPEG_RGB, channels=4,
            expand_animations=False)


def bmp(pixels, top_down=False):
    """An uncompressed BMP (TF has no BMP encoder): BGR(A) or gray rows padded to 4 bytes,
    bottom-up unless `top_down` (a negative height); gray images carry a (ignored) palette."""
    height, width, channels = pixels.shape
    palette = bytes(np.repeat(np.arange(256, dtype=np.uint8), 4)) if channels == 1 else b""
    stored = pixels[..., [2, 1, 0, 3][:channels]] if channels >= 3 else pixels
    row_size = (channels * width + 3) // 4 * 4
    rows = stored if top_down else stored[::-1]
    # Nonzero padding (readers skip it): numpy's fixed-width bytes in the .npy would drop
    # trailing NULs of the last row.
    data = b"".join(r.tobytes().ljust(row_size, b"\x7f") for r in rows)
    offset = 54 + len(palette)
    header = (b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset)
              + struct.pack("<IiiHHIIiiII", 40, width, -height if top_down else height, 1,
                            8 * channels, 0, len(data), 2835, 2835, 0, 0))
    return header + palette + data


BMPS = {"bmp24": bmp(smooth_image(9, 7, 3)), "bmp32_top_down": bmp(smooth_image(6, 5, 4), True),
        "bmp8": bmp(smooth_image(5, 6, 1))}
for image_name, data in BMPS.items():
    for channels in [0, 3, 4]:
        decode_case("decode_bmp_%s_c%d" % (image_name, channels), raw.DecodeBmp, data,
                    channels=channels)
    if not image_name.endswith("top_down"):  # TF 2.20 crashes (bad_alloc) on those
        decode_case("decode_image_%s_float" % image_name, raw.DecodeImage, data,
                    dtype=tf.float32, expand_animations=False)
decode_case("decode_bmp_err_one_channel", raw.DecodeBmp, BMPS["bmp24"], channels=1)
decode_case("decode_bmp_err_size", raw.DecodeBmp, BMPS["bmp24"][:-3])
decode_case("decode_bmp_err_of_png", raw.DecodeBmp, PNG_RGB)
decode_case("decode_jpeg_err_of_bmp", raw.DecodeJpeg, BMPS["bmp24"])


def cmyk_jpeg():
    """A CMYK JPEG (with Adobe's marker, as Pillow writes it; TF's encoder writes none).
    Pillow comes with TensorFlow (through tensorboard)."""
    import io
    from PIL import Image
    buffer = io.BytesIO()
    Image.fromarray(smooth_image(12, 10, 3)).convert("CMYK").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


JPEG_CMYK = cmyk_jpeg()
for channels in [0, 3]:
    decode_case("decode_jpeg_cmyk_c%d" % channels, raw.DecodeJpeg, JPEG_CMYK, channels=channels)
decode_case("decode_jpeg_err_cmyk_to_gray", raw.DecodeJpeg, JPEG_CMYK, channels=1)

# --- NonMaxSuppressionWithOverlaps: a similarity matrix instead of boxes ------------------
OVERLAPS = rng.uniform(0, 1, (10, 10)).astype(np.float32)
OVERLAPS = (OVERLAPS + OVERLAPS.T) / 2
for name, overlaps_scores in [("random", scores(10)), ("ties", np.round(scores(10) * 3) / 3)]:
    for threshold in [0.3, 0.6, 1.5]:  # no range check on the threshold
        CASES.append(Case("nms_overlaps_%s_%g" % (name, threshold),
                          lambda o, s, m, t, st: raw.NonMaxSuppressionWithOverlaps(
                              overlaps=o, scores=s, max_output_size=m, overlap_threshold=t,
                              score_threshold=st),
                          [OVERLAPS, overlaps_scores.astype(np.float32), i32(6), f32(threshold),
                           f32(0.2)]))

// Image decoding ops: DecodeJpeg, DecodePng, DecodeBmp and DecodeImage (tf.io.decode_image
// in TF 2).
// As in TF's DecodeImageV2Op (kernels/image/decode_image_op.cc) every one of them sniffs
// the format from the magic bytes, so DecodeJpeg decodes a PNG and DecodePng a JPEG; the
// op only picks the attributes (JPEG flags, channels, dtype). JPEG, PNG and BMP are decoded
// (jpeg_decoder.cc, png_decoder.cc, bmp_decoder.cc); GIF and WebP are refused as
// unimplemented.
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "graph/attrs.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"
#include "runtime/ops/image_decode_internal.h"

namespace tftrt {
namespace {

using image_decode::DecodedImage;

enum class ImageFormat { kJpeg, kPng, kGif, kBmp, kWebp, kUnknown };

ImageFormat SniffFormat(std::string_view data) {
  auto starts_with = [&](std::string_view magic) { return data.substr(0, magic.size()) == magic; };
  if (starts_with("\xff\xd8\xff")) return ImageFormat::kJpeg;
  if (starts_with("\x89PNG\r\n\x1a\n")) return ImageFormat::kPng;
  if (starts_with("GIF8")) return ImageFormat::kGif;
  if (starts_with("BM")) return ImageFormat::kBmp;
  if (starts_with("RIFF") && data.size() > 12 && data.substr(8, 4) == "WEBP") {
    return ImageFormat::kWebp;
  }
  return ImageFormat::kUnknown;
}

// The attributes of one decode node, read as TF's kernel constructor reads them.
struct DecodeAttrs {
  int channels = 0;
  DataType dtype = DataType::kUInt8;
  image_decode::JpegOptions jpeg;
};

StatusOr<DecodeAttrs> ReadDecodeAttrs(const OpKernelContext& ctx) {
  const Node& node = ctx.node();
  DecodeAttrs attrs;
  if (node.op == "DecodeJpeg") {
    TFTRT_ASSIGN_OR_RETURN(int64_t ratio, GetIntAttrOr(node, "ratio", 1));
    if (ratio != 1 && ratio != 2 && ratio != 4 && ratio != 8) {
      return OpError(ctx, "ratio must be 1, 2, 4, or 8, got " + std::to_string(ratio));
    }
    attrs.jpeg.ratio = static_cast<int>(ratio);
    TFTRT_ASSIGN_OR_RETURN(attrs.jpeg.fancy_upscaling,
                           GetBoolAttrOr(node, "fancy_upscaling", true));
    TFTRT_ASSIGN_OR_RETURN(attrs.jpeg.try_recover_truncated,
                           GetBoolAttrOr(node, "try_recover_truncated", false));
    TFTRT_ASSIGN_OR_RETURN(attrs.jpeg.acceptable_fraction,
                           GetFloatAttrOr(node, "acceptable_fraction", 1.0f));
    TFTRT_ASSIGN_OR_RETURN(std::string dct, GetStringAttrOr(node, "dct_method", ""));
    if (!dct.empty() && dct != "INTEGER_FAST" && dct != "INTEGER_ACCURATE") {
      return OpError(ctx, "dct_method must be one of {'', 'INTEGER_FAST', 'INTEGER_ACCURATE'}");
    }
    attrs.jpeg.integer_fast_dct = dct != "INTEGER_ACCURATE";
  } else if (node.op != "DecodeBmp") {
    TFTRT_ASSIGN_OR_RETURN(attrs.dtype, GetTypeAttr(node, "dtype"));
    const bool float_ok = node.op == "DecodeImage";
    if (attrs.dtype != DataType::kUInt8 && attrs.dtype != DataType::kUInt16 &&
        !(float_ok && attrs.dtype == DataType::kFloat)) {
      return OpError(ctx, "`dtype` for `" + node.op + "` must be unit8, unit16" +
                              (float_ok ? ", float" : "") +
                              " but got: " + std::string(DataTypeName(attrs.dtype)));
    }
  }
  TFTRT_ASSIGN_OR_RETURN(int64_t channels, GetIntAttrOr(node, "channels", 0));
  if (channels != 0 && channels != 1 && channels != 3 && channels != 4) {
    return OpError(ctx, "`channels` must be 0, 1, 3 or 4 but got " + std::to_string(channels));
  }
  attrs.channels = static_cast<int>(channels);
  attrs.jpeg.channels = attrs.channels;
  return attrs;
}

// The decoded samples in the op's dtype: uint8 as decoded, JPEG's 8 bits scaled by 256 to
// uint16, and float scaled to [0, 1] from 8 (JPEG) or 16 (PNG) bits, as TF converts.
Tensor ToOutput(const DecodedImage& image, DataType dtype) {
  Tensor out(dtype, {image.height, image.width, image.channels});
  const int64_t n = out.NumElements();
  const bool wide = !image.samples16.empty();
  if (dtype == DataType::kUInt8) {
    std::copy_n(image.samples8.data(), n, out.flat<uint8_t>());
  } else if (dtype == DataType::kUInt16) {
    uint16_t* o = out.flat<uint16_t>();
    for (int64_t i = 0; i < n; ++i) {
      o[i] = wide ? image.samples16[i] : static_cast<uint16_t>(image.samples8[i] * 256);
    }
  } else {
    const float scale = wide ? static_cast<float>(1. / std::numeric_limits<uint16_t>::max())
                             : static_cast<float>(1. / std::numeric_limits<uint8_t>::max());
    float* o = out.flat<float>();
    for (int64_t i = 0; i < n; ++i) {
      o[i] = static_cast<float>(wide ? image.samples16[i] : image.samples8[i]) * scale;
    }
  }
  return out;
}

// Decodes `input` by its magic bytes. As in TF, DecodeJpeg, DecodePng and DecodeImage take
// JPEG and PNG alike; BMP only DecodeBmp and DecodeImage, and DecodeBmp nothing else.
StatusOr<DecodedImage> DecodeByFormat(const OpKernelContext& ctx, const DecodeAttrs& attrs,
                                      std::string_view input) {
  const std::string& op = ctx.node().op;
  const ImageFormat format = SniffFormat(input);
  if (op == "DecodeBmp" && format != ImageFormat::kBmp && format != ImageFormat::kUnknown) {
    return OpError(ctx,
                   "Trying to decode a non-BMP image using DecodeBmp op. Use "
                   "`decode_jpeg`, `decode_png` or `decode_image` instead.");
  }
  switch (format) {
    case ImageFormat::kJpeg:
      if (attrs.channels == 4) return OpError(ctx, "JPEG does not support 4 channels");
      return image_decode::DecodeJpeg(input, attrs.jpeg);
    case ImageFormat::kPng:
      return image_decode::DecodePng(input, attrs.channels,
                                     attrs.dtype == DataType::kUInt8 ? 8 : 16);
    case ImageFormat::kBmp:
      if (attrs.channels == 1) {
        return OpError(ctx, "`channels` must be 0, 3 or 4 for BMP, but got 1");
      }
      if (op != "DecodeBmp" && op != "DecodeImage") {
        return OpError(ctx,
                       "Trying to decode BMP format using a wrong op. Use `decode_bmp` or "
                       "`decode_image` instead. Op used: " +
                           op);
      }
      return image_decode::DecodeBmp(input, attrs.channels);
    case ImageFormat::kGif:
    case ImageFormat::kWebp:
      return OpUnimplemented(ctx,
                             "only JPEG, PNG and BMP images are decoded (GIF and WebP "
                             "are not implemented)");
    case ImageFormat::kUnknown:
      break;
  }
  return OpError(ctx,
                 "Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, BMP, WebP "
                 "required.");
}

Status Decode(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(DecodeAttrs attrs, ReadDecodeAttrs(ctx));
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& contents = ctx.input(0);
  if (contents.dtype() != DataType::kString || contents.rank() != 0) {
    return OpError(ctx,
                   "`contents` must be scalar but got shape" + ShapeToString(contents.shape()));
  }
  const std::string& input = contents.flat<std::string>()[0];
  if (input.empty()) return OpError(ctx, "Input is empty.");
  StatusOr<DecodedImage> decoded = DecodeByFormat(ctx, attrs, input);
  if (!decoded.ok()) {
    const Status& error = decoded.status();
    // The decoders' own errors do not name the op yet.
    if (error.message().rfind(ctx.node().op + ":", 0) == 0) return error;
    return Status(error.code(), ctx.node().op + ": " + error.message());
  }
  ctx.set_output(0, ToOutput(*decoded, attrs.dtype));
  return Status::Ok();
}

}  // namespace

void RegisterDecodeImageOps(KernelRegistry& registry) {
  registry.Register("DecodeJpeg", Decode);
  registry.Register("DecodePng", Decode);
  registry.Register("DecodeImage", Decode);
  registry.Register("DecodeBmp", Decode);
}

}  // namespace tftrt

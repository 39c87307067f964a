// Image decoding on damaged data: every prefix of TF-encoded JPEG, PNG and BMP files, and
// those files with bytes flipped, must decode or fail with InvalidArgument; never crash,
// never another error. The files are the inputs of the decode op cases that TensorFlow wrote
// (tests/op_cases/cases_detect.py). Failures here matter because decoders take
// bytes straight from clients (the TF Serving export pattern of the image_bytes fixture).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/optional_library.h"
#include "runtime/kernel.h"
#include "testing/op_cases.h"

namespace tftrt {
namespace {

// The decoders' verdict on `data` under `node`'s attributes.
Status Decode(const Node& node, std::string data) {
  KernelFn kernel = KernelRegistry::Global().Find(node.op);
  EXPECT_NE(kernel, nullptr);
  OpKernelContext ctx(node, {Tensor::Scalar(std::move(data))}, nullptr);
  return kernel(ctx);
}

class DamagedImageTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    op_case_ = testing::ReadOpCase(GetParam());
    if (!op_case_.has_value()) GTEST_SKIP() << "no op case " << GetParam();
    image_ = op_case_->inputs[0].flat<std::string>()[0];
    if (IsMissingLibrary(Decode(op_case_->node, image_))) GTEST_SKIP() << "decoder not built";
  }

  static void ExpectDecodesOrRejects(const Status& status, const std::string& what) {
    EXPECT_TRUE(status.ok() || status.code() == StatusCode::kInvalidArgument)
        << what << ": " << status.ToString();
  }

  std::optional<testing::OpCase> op_case_;
  std::string image_;
};

TEST_P(DamagedImageTest, EveryPrefixDecodesOrFailsCleanly) {
  for (size_t length = 0; length < image_.size(); ++length) {
    ExpectDecodesOrRejects(Decode(op_case_->node, image_.substr(0, length)),
                           "prefix of " + std::to_string(length) + " bytes");
  }
}

TEST_P(DamagedImageTest, FlippedBytesDecodeOrFailCleanly) {
  std::mt19937 random(1234);
  for (int trial = 0; trial < 300; ++trial) {
    std::string damaged = image_;
    for (int flips = 0; flips < 1 + trial % 4; ++flips) {
      damaged[random() % damaged.size()] ^= static_cast<char>(1 + random() % 255);
    }
    ExpectDecodesOrRejects(Decode(op_case_->node, damaged), "trial " + std::to_string(trial));
  }
}

// One case per format and decoder path: baseline and progressive JPEG (also recovering
// truncated data), 8- and 16-bit, palette and gray PNG, BMP.
INSTANTIATE_TEST_SUITE_P(Images, DamagedImageTest,
                         ::testing::Values("decode_jpeg_jpeg_rgb", "decode_jpeg_jpeg_progressive",
                                           "decode_jpeg_truncated_recover", "decode_jpeg_cmyk_c0",
                                           "decode_png_png_16_uint16",
                                           "decode_png_png_palette_uint8",
                                           "decode_image_png_gray_alpha_c0_float32",
                                           "decode_bmp_bmp24_c0"));

}  // namespace
}  // namespace tftrt

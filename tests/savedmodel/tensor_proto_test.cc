#include "savedmodel/tensor_proto.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace tftrt {
namespace {

tensorflow::TensorProto MakeProto(tensorflow::DataType dtype, const Shape& shape) {
  tensorflow::TensorProto proto;
  proto.set_dtype(dtype);
  ShapeToProto(shape, proto.mutable_tensor_shape());
  return proto;
}

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.flat<T>(), t.flat<T>() + t.NumElements());
}

TEST(DataTypeFromProtoTest, KnownAndUnknown) {
  EXPECT_EQ(DataTypeFromProto(1).value(), DataType::kFloat);
  EXPECT_EQ(DataTypeFromProto(23).value(), DataType::kUInt64);
  auto invalid = DataTypeFromProto(0);
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(invalid.status().message().find("DT_INVALID"), std::string::npos);
  auto quantized = DataTypeFromProto(11);
  ASSERT_FALSE(quantized.ok());
  EXPECT_NE(quantized.status().message().find("DT_QINT8"), std::string::npos);
  auto ref = DataTypeFromProto(101);
  ASSERT_FALSE(ref.ok());
  EXPECT_NE(ref.status().message().find("DT_FLOAT_REF"), std::string::npos);
  EXPECT_EQ(DataTypeFromProto(BaseDataTypeValue(101)).value(), DataType::kFloat);
  auto unknown = DataTypeFromProto(999);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("999"), std::string::npos);
  EXPECT_EQ(DataTypeProtoName(19), "DT_HALF");
  EXPECT_EQ(DataTypeProtoName(999), "DataType(999)");
}

TEST(ShapeProtoTest, RoundTrips) {
  tensorflow::TensorShapeProto proto;
  ShapeToProto({2, 3, 0}, &proto);
  EXPECT_EQ(ShapeFromProto(proto).value(), (Shape{2, 3, 0}));
  ShapeToProto({}, &proto);
  EXPECT_EQ(proto.dim_size(), 0);
  EXPECT_TRUE(ShapeFromProto(proto).value().empty());

  PartialShape partial;
  partial.unknown_rank = false;
  partial.dims = {-1, 28, 28, 1};
  PartialShapeToProto(partial, &proto);
  EXPECT_FALSE(ShapeFromProto(proto).ok());
  auto back = PartialShapeFromProto(proto).value();
  EXPECT_FALSE(back.unknown_rank);
  EXPECT_EQ(back.dims, partial.dims);

  PartialShapeToProto(PartialShape{}, &proto);
  EXPECT_TRUE(proto.unknown_rank());
  EXPECT_TRUE(PartialShapeFromProto(proto).value().unknown_rank);
  EXPECT_FALSE(ShapeFromProto(proto).ok());

  proto.Clear();
  proto.add_dim()->set_size(-2);
  EXPECT_FALSE(PartialShapeFromProto(proto).ok());
}

TEST(TensorFromProtoTest, TensorContent) {
  auto proto = MakeProto(tensorflow::DT_FLOAT, {2, 3});
  const float values[6] = {1, 2, 3, 4, 5, 6};
  proto.set_tensor_content(std::string(reinterpret_cast<const char*>(values), sizeof(values)));
  Tensor t = TensorFromProto(proto).value();
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(Values<float>(t), (std::vector<float>{1, 2, 3, 4, 5, 6}));

  proto.mutable_tensor_content()->pop_back();
  auto bad = TensorFromProto(proto);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("23 bytes, expected 24"), std::string::npos);
}

TEST(TensorFromProtoTest, LastValueRepeatsAndNoneIsZero) {
  auto proto = MakeProto(tensorflow::DT_FLOAT, {4});
  proto.add_float_val(1.5f);
  proto.add_float_val(2.5f);
  EXPECT_EQ(Values<float>(TensorFromProto(proto).value()),
            (std::vector<float>{1.5f, 2.5f, 2.5f, 2.5f}));

  auto zeros = MakeProto(tensorflow::DT_INT64, {3});
  EXPECT_EQ(Values<int64_t>(TensorFromProto(zeros).value()), (std::vector<int64_t>{0, 0, 0}));

  // Extra values are ignored, as TensorFlow does.
  auto extra = MakeProto(tensorflow::DT_INT32, {2});
  for (int v : {7, 8, 9}) extra.add_int_val(v);
  EXPECT_EQ(Values<int32_t>(TensorFromProto(extra).value()), (std::vector<int32_t>{7, 8}));

  auto strings = MakeProto(tensorflow::DT_STRING, {3});
  strings.add_string_val("a");
  strings.add_string_val("bc");
  EXPECT_EQ(Values<std::string>(TensorFromProto(strings).value()),
            (std::vector<std::string>{"a", "bc", "bc"}));
}

TEST(TensorFromProtoTest, TypedFieldsOfEveryDtype) {
  auto half = MakeProto(tensorflow::DT_HALF, {2});
  half.add_half_val(0x3c00);  // 1.0
  half.add_half_val(0xc000);  // -2.0
  Tensor h = TensorFromProto(half).value();
  EXPECT_EQ(HalfToFloat(h.flat<Half>()[0]), 1.0f);
  EXPECT_EQ(HalfToFloat(h.flat<Half>()[1]), -2.0f);

  auto bf16 = MakeProto(tensorflow::DT_BFLOAT16, {});
  bf16.add_half_val(0x3fc0);  // 1.5
  EXPECT_EQ(BFloat16ToFloat(TensorFromProto(bf16).value().flat<BFloat16>()[0]), 1.5f);

  auto i8 = MakeProto(tensorflow::DT_INT8, {2});
  i8.add_int_val(-5);
  i8.add_int_val(100);
  EXPECT_EQ(Values<int8_t>(TensorFromProto(i8).value()), (std::vector<int8_t>{-5, 100}));
  auto u8 = MakeProto(tensorflow::DT_UINT8, {1});
  u8.add_int_val(250);
  EXPECT_EQ(TensorFromProto(u8).value().flat<uint8_t>()[0], 250);
  auto i16 = MakeProto(tensorflow::DT_INT16, {1});
  i16.add_int_val(-30000);
  EXPECT_EQ(TensorFromProto(i16).value().flat<int16_t>()[0], -30000);
  auto u16 = MakeProto(tensorflow::DT_UINT16, {1});
  u16.add_int_val(60000);
  EXPECT_EQ(TensorFromProto(u16).value().flat<uint16_t>()[0], 60000);
  auto u32 = MakeProto(tensorflow::DT_UINT32, {1});
  u32.add_uint32_val(4000000000u);
  EXPECT_EQ(TensorFromProto(u32).value().flat<uint32_t>()[0], 4000000000u);
  auto u64 = MakeProto(tensorflow::DT_UINT64, {1});
  u64.add_uint64_val(~0ull);
  EXPECT_EQ(TensorFromProto(u64).value().flat<uint64_t>()[0], ~0ull);
  auto i64 = MakeProto(tensorflow::DT_INT64, {1});
  i64.add_int64_val(-(1ll << 40));
  EXPECT_EQ(TensorFromProto(i64).value().flat<int64_t>()[0], -(1ll << 40));
  auto d = MakeProto(tensorflow::DT_DOUBLE, {1});
  d.add_double_val(0.1);
  EXPECT_EQ(TensorFromProto(d).value().flat<double>()[0], 0.1);
  auto b = MakeProto(tensorflow::DT_BOOL, {3});
  b.add_bool_val(false);
  b.add_bool_val(true);
  EXPECT_EQ(Values<bool>(TensorFromProto(b).value()), (std::vector<bool>{false, true, true}));

  auto c64 = MakeProto(tensorflow::DT_COMPLEX64, {2});
  for (float v : {1.f, 2.f, 3.f, 4.f}) c64.add_scomplex_val(v);
  Tensor c = TensorFromProto(c64).value();
  EXPECT_EQ(c.flat<Complex64>()[1].re, 3.f);
  EXPECT_EQ(c.flat<Complex64>()[1].im, 4.f);
  auto c128 = MakeProto(tensorflow::DT_COMPLEX128, {2});
  c128.add_dcomplex_val(5);
  c128.add_dcomplex_val(6);
  Tensor cc = TensorFromProto(c128).value();
  EXPECT_EQ(cc.flat<Complex128>()[1].re, 5);
  EXPECT_EQ(cc.flat<Complex128>()[1].im, 6);
}

TEST(TensorFromProtoTest, StringTensorContentEncoding) {
  auto proto = MakeProto(tensorflow::DT_STRING, {2});
  // TF's string list: all varint32 lengths, then all bytes.
  proto.set_tensor_content(std::string("\x02\x03") + "hi" + "you");
  EXPECT_EQ(Values<std::string>(TensorFromProto(proto).value()),
            (std::vector<std::string>{"hi", "you"}));
  proto.set_tensor_content(std::string("\x02\x03") + "hi");
  EXPECT_FALSE(TensorFromProto(proto).ok());
}

TEST(TensorFromProtoTest, Errors) {
  auto unknown = MakeProto(tensorflow::DT_FLOAT, {});
  unknown.set_dtype(static_cast<tensorflow::DataType>(77));
  EXPECT_FALSE(TensorFromProto(unknown).ok());

  auto partial = MakeProto(tensorflow::DT_FLOAT, {-1, 2});
  auto status = TensorFromProto(partial).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("not fully defined"), std::string::npos);

  auto huge = MakeProto(tensorflow::DT_DOUBLE, {1ll << 40, 1ll << 40});
  EXPECT_FALSE(TensorFromProto(huge).ok());

  auto resource = MakeProto(tensorflow::DT_RESOURCE, {});
  EXPECT_EQ(TensorFromProto(resource).status().code(), StatusCode::kUnimplemented);

  // A few bytes must not allocate gigabytes: 2^30 repeated floats (4 GiB), and 2^27
  // repeated strings (4 GiB of std::string), are refused before allocating, saying how much.
  auto repeated = MakeProto(tensorflow::DT_FLOAT, {1 << 30});
  repeated.add_float_val(1);
  status = TensorFromProto(repeated).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("asks for 1073741824 elements of 4 bytes"), std::string::npos)
      << status.ToString();
  auto strings = MakeProto(tensorflow::DT_STRING, {1 << 27});
  strings.add_string_val("x");
  EXPECT_EQ(TensorFromProto(strings).status().code(), StatusCode::kInvalidArgument);
  // A repeat within the limit fills the shape as before.
  auto allowed = MakeProto(tensorflow::DT_INT8, {1 << 20});
  allowed.add_int_val(3);
  EXPECT_EQ(Values<int8_t>(TensorFromProto(allowed).value()).back(), 3);

  auto empty = MakeProto(tensorflow::DT_FLOAT, {0, 3});
  empty.add_float_val(1);
  EXPECT_EQ(TensorFromProto(empty).value().NumElements(), 0);
}

template <typename T>
void ExpectRoundTrip(const std::vector<T>& values, const Shape& shape) {
  Tensor t = Tensor::FromVector(values, shape);
  tensorflow::TensorProto proto;
  TensorToProto(t, &proto);
  Tensor back = TensorFromProto(proto).value();
  ASSERT_EQ(back.dtype(), t.dtype());
  ASSERT_EQ(back.shape(), t.shape());
  if constexpr (std::is_same_v<T, std::string>) {
    EXPECT_EQ(Values<std::string>(back), values);
  } else {
    EXPECT_EQ(std::memcmp(back.raw_data(), t.raw_data(), t.ByteSize()), 0)
        << DataTypeName(t.dtype());
  }
}

TEST(TensorToProtoTest, RoundTripEveryDtype) {
  ExpectRoundTrip<float>({1.5f, -2, NAN, INFINITY, 0, 7}, {2, 3});
  ExpectRoundTrip<double>({1e300, -0.0}, {2});
  ExpectRoundTrip<int32_t>({-1, 2, 3}, {3, 1});
  ExpectRoundTrip<uint8_t>({0, 255}, {2});
  ExpectRoundTrip<int16_t>({-32768, 32767}, {2});
  ExpectRoundTrip<int8_t>({-128, 127}, {2});
  ExpectRoundTrip<int64_t>({1ll << 62, -5}, {2});
  ExpectRoundTrip<bool>({true, false, true}, {3});
  ExpectRoundTrip<uint16_t>({65535, 1}, {2});
  ExpectRoundTrip<uint32_t>({4000000000u}, {1});
  ExpectRoundTrip<uint64_t>({~0ull}, {1});
  ExpectRoundTrip<Half>({FloatToHalf(1.5f), FloatToHalf(-65504)}, {2});
  ExpectRoundTrip<BFloat16>({FloatToBFloat16(3.25f)}, {});
  ExpectRoundTrip<Complex64>({{1, 2}, {3, 4}}, {2});
  ExpectRoundTrip<Complex128>({{1, 2}}, {1});
  ExpectRoundTrip<std::string>({"", "abc", std::string("\0\xff", 2)}, {3});
  ExpectRoundTrip<float>({}, {0, 4});
}

TEST(TensorToProtoTest, WritesTensorContentAndStringVal) {
  tensorflow::TensorProto proto;
  TensorToProto(Tensor::FromVector<float>({1, 2}), &proto);
  EXPECT_EQ(proto.dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(proto.tensor_content().size(), 8u);
  EXPECT_EQ(proto.float_val_size(), 0);
  TensorToProto(Tensor::Scalar<std::string>("x"), &proto);
  EXPECT_EQ(proto.string_val_size(), 1);
  EXPECT_TRUE(proto.tensor_content().empty());
  EXPECT_EQ(proto.tensor_shape().dim_size(), 0);
}

}  // namespace
}  // namespace tftrt

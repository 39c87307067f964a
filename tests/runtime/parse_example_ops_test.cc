// ParseExampleV2 beyond the conformance cases (tests/op_cases/cases_parsing.py): the
// messages of its errors, which must name the example and the feature.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/example.pb.h"
#include "runtime/kernel_test_util.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::RunKernel;
using testing::TensorsMatch;

AttrMap ParseAttrs() {
  return {{"Tdense", TypeListAttr({DataType::kFloat})},
          {"dense_shapes", ShapeListAttr({PartialShape{false, {1}}})},
          {"num_sparse", IntAttr(0)},
          {"sparse_types", TypeListAttr({})},
          {"ragged_value_types", TypeListAttr({})},
          {"ragged_split_types", TypeListAttr({})}};
}

std::string SerializedExample(const std::string& key, float value) {
  tensorflow::Example example;
  (*example.mutable_features()->mutable_feature())[key].mutable_float_list()->add_value(value);
  return example.SerializeAsString();
}

StatusOr<std::vector<Tensor>> ParseX(std::vector<std::string> serialized, Tensor default_value) {
  const Tensor no_strings(DataType::kString, {0});
  return RunKernel("ParseExampleV2", ParseAttrs(),
                   {Tensor::FromVector(serialized), no_strings, no_strings,
                    Tensor::FromVector<std::string>({"x"}), no_strings, default_value});
}

TEST(ParseExampleTest, ParsesDenseFloatsWithDefaults) {
  auto outputs = ParseX({SerializedExample("x", 2.5f), SerializedExample("y", 1.0f)},
                        Tensor::FromVector<float>({-1.0f}));
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  EXPECT_TRUE(TensorsMatch((*outputs)[0], Tensor::FromVector<float>({2.5f, -1.0f}, {2, 1}), 0));
}

TEST(ParseExampleTest, ErrorsNameTheExampleAndFeature) {
  auto status =
      ParseX({SerializedExample("x", 1.0f), "\x0a\x05garbage"}, Tensor(DataType::kFloat, {0}))
          .status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("example 1"), std::string::npos) << status.ToString();

  status = ParseX({SerializedExample("x", 1.0f), SerializedExample("y", 1.0f)},
                  Tensor(DataType::kFloat, {0}))
               .status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("example 1"), std::string::npos) << status.ToString();
  EXPECT_NE(status.message().find("'x'"), std::string::npos) << status.ToString();
  EXPECT_NE(status.message().find("required"), std::string::npos) << status.ToString();
}

}  // namespace
}  // namespace tftrt

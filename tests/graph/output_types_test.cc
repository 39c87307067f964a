// Output dtypes from OpDefs and attributes, including counts that come from a corrupt model.
#include "graph/output_types.h"

#include <gtest/gtest.h>

#include "graph/attrs.h"

namespace tftrt {
namespace {

Node Unpack(int64_t num) {
  Node node;
  node.name = "unpack";
  node.op = "Unpack";
  node.attrs["T"] = TypeAttr(DataType::kFloat);
  node.attrs["num"] = IntAttr(num);
  return node;
}

TEST(OutputTypesTest, NumberAttrRepeatsTheType) {
  auto types = OutputTypes(Unpack(3), OpDefs::Builtin());
  ASSERT_TRUE(types.ok()) << types.status().ToString();
  EXPECT_EQ(*types, std::vector<DataType>(3, DataType::kFloat));
}

// A negative count threw std::length_error; a huge one was allocated (2^40: 4 TiB).
TEST(OutputTypesTest, CorruptCountIsAnError) {
  for (int64_t num : {int64_t{-1}, int64_t{1} << 40}) {
    auto types = OutputTypes(Unpack(num), OpDefs::Builtin());
    ASSERT_FALSE(types.ok()) << num;
    EXPECT_EQ(types.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(types.status().message().find("is not a count of outputs"), std::string::npos)
        << types.status().ToString();
  }
}

}  // namespace
}  // namespace tftrt

// Lookup table ops (runtime/ops/lookup_ops.cc). Tables are resources, which the op
// conformance harness cannot feed; the expected values and messages here are what
// TensorFlow 2.20 gave for the same calls (tf.raw_ops, eager CPU, one shared_name each).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/kernel_test_util.h"
#include "runtime/lookup_table.h"

namespace tftrt {
namespace {

using testing::MovedInputs;
using testing::RunKernel;

Tensor Strings(const std::vector<std::string>& values) { return Tensor::FromVector(values); }
Tensor Int64s(const std::vector<int64_t>& values) { return Tensor::FromVector(values); }

Tensor NewTable(DataType key, DataType value) {
  auto handle = RunKernel("HashTableV2",
                          {{"key_dtype", TypeAttr(key)}, {"value_dtype", TypeAttr(value)}}, {});
  EXPECT_TRUE(handle.ok()) << handle.status().ToString();
  return (*handle)[0];
}

StatusOr<Tensor> Find(const Tensor& table, Tensor keys, Tensor default_value) {
  TFTRT_ASSIGN_OR_RETURN(
      auto out, RunKernel("LookupTableFindV2", {},
                          MovedInputs(Tensor(table), std::move(keys), std::move(default_value))));
  return out[0];
}

int64_t Size(const Tensor& table) {
  auto out = RunKernel("LookupTableSizeV2", {}, MovedInputs(Tensor(table)));
  EXPECT_TRUE(out.ok());
  return (*out)[0].flat<int64_t>()[0];
}

Status Initialize(const Tensor& table, Tensor keys, Tensor values) {
  return RunKernel("InitializeTableV2", {},
                   MovedInputs(Tensor(table), std::move(keys), std::move(values)))
      .status();
}

TEST(LookupOps, InitializeFindAndSize) {
  Tensor table = NewTable(DataType::kString, DataType::kInt64);
  ASSERT_TRUE(Initialize(table, Strings({"a", "b", "a"}), Int64s({1, 2, 1})).ok());
  EXPECT_EQ(Size(table), 2);
  auto found = Find(table, Strings({"a", "z", "b"}), Tensor::Scalar<int64_t>(-1));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(std::vector<int64_t>(found->flat<int64_t>(), found->flat<int64_t>() + 3),
            std::vector<int64_t>({1, -1, 2}));
  // A default per key.
  found = Find(table, Strings({"a", "z"}), Int64s({7, 8}));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->flat<int64_t>()[1], 8);
  // The same data again is accepted; other data is not.
  EXPECT_TRUE(Initialize(table, Strings({"b", "a"}), Int64s({2, 1})).ok());
  const Status other = Initialize(table, Strings({"a"}), Int64s({4}));
  EXPECT_NE(other.message().find("Table was already initialized with different data."),
            std::string::npos)
      << other.ToString();
}

TEST(LookupOps, Errors) {
  Tensor table = NewTable(DataType::kString, DataType::kInt64);
  const Status uninitialized = Find(table, Strings({"a"}), Tensor::Scalar<int64_t>(-1)).status();
  EXPECT_NE(uninitialized.message().find("Table not initialized."), std::string::npos);
  const Status duplicate = Initialize(table, Strings({"a", "b", "a"}), Int64s({1, 2, 3}));
  EXPECT_NE(duplicate.message().find(
                "HashTable has different value for same key. Key a has 1 and trying to add "
                "value 3"),
            std::string::npos)
      << duplicate.ToString();
  Tensor good = NewTable(DataType::kString, DataType::kInt64);
  ASSERT_TRUE(Initialize(good, Strings({"a"}), Int64s({1})).ok());
  EXPECT_FALSE(Find(good, Int64s({1}), Tensor::Scalar<int64_t>(-1)).ok());  // key dtype
}

class TextFileTable : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("tftrt_vocab_" + std::to_string(::getpid()) + ".txt"))
                .string();
    std::ofstream(path_) << "apple\t5\nbanana\t7\r\ncherry\t9\n";
  }
  void TearDown() override { std::filesystem::remove(path_); }

  StatusOr<Tensor> Load(DataType key, DataType value, AttrMap attrs) {
    Tensor table = NewTable(key, value);
    TFTRT_RETURN_IF_ERROR(RunKernel("InitializeTableFromTextFileV2", std::move(attrs),
                                    MovedInputs(Tensor(table), Tensor::Scalar<std::string>(path_)))
                              .status());
    return table;
  }

  std::string path_;
};

TEST_F(TextFileTable, ColumnsWholeLinesAndLineNumbers) {
  // Columns 0 -> 1.
  auto table = Load(DataType::kString, DataType::kInt64,
                    {{"key_index", IntAttr(0)}, {"value_index", IntAttr(1)}});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto found = Find(*table, Strings({"banana", "apple", "x"}), Tensor::Scalar<int64_t>(-1));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(std::vector<int64_t>(found->flat<int64_t>(), found->flat<int64_t>() + 3),
            std::vector<int64_t>({7, 5, -1}));
  EXPECT_EQ(Size(*table), 3);

  // Whole line (its "\r" dropped) -> line number + offset.
  table = Load(DataType::kString, DataType::kInt64,
               {{"key_index", IntAttr(-2)}, {"value_index", IntAttr(-1)}, {"offset", IntAttr(10)}});
  ASSERT_TRUE(table.ok());
  found =
      Find(*table, Strings({"banana\t7", "banana\t7\r", "apple\t5"}), Tensor::Scalar<int64_t>(-1));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(std::vector<int64_t>(found->flat<int64_t>(), found->flat<int64_t>() + 3),
            std::vector<int64_t>({11, -1, 10}));

  // Line number -> column 0, the first vocab_size lines only.
  table =
      Load(DataType::kInt64, DataType::kString,
           {{"key_index", IntAttr(-1)}, {"value_index", IntAttr(0)}, {"vocab_size", IntAttr(2)}});
  ASSERT_TRUE(table.ok());
  found = Find(*table, Int64s({0, 1, 2}), Tensor::Scalar<std::string>("?"));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(std::vector<std::string>(found->flat<std::string>(), found->flat<std::string>() + 3),
            std::vector<std::string>({"apple", "banana", "?"}));
  EXPECT_EQ(Size(*table), 2);
}

TEST_F(TextFileTable, TensorFlowErrors) {
  auto expect_error = [&](DataType key, DataType value, AttrMap attrs, const std::string& text) {
    const Status status = Load(key, value, std::move(attrs)).status();
    EXPECT_NE(status.message().find(text), std::string::npos) << status.ToString();
  };
  expect_error(DataType::kString, DataType::kInt64,
               {{"key_index", IntAttr(0)}, {"value_index", IntAttr(1)}, {"vocab_size", IntAttr(5)}},
               "Invalid vocab_size in " + path_ + ": expected 5 but got 3");
  expect_error(
      DataType::kString, DataType::kInt64, {{"key_index", IntAttr(0)}, {"value_index", IntAttr(2)}},
      "Invalid number of columns in " + path_ + " line 0 (apple\t5) : expected at least 3 got 2");
  expect_error(DataType::kInt64, DataType::kInt64,
               {{"key_index", IntAttr(0)}, {"value_index", IntAttr(1)}},
               "Field apple in line 0 is not a valid int64.");
  expect_error(
      DataType::kString, DataType::kString,
      {{"key_index", IntAttr(0)}, {"value_index", IntAttr(-2)}, {"delimiter", StringAttr("an")}},
      "delimiter should be only 1 char");
}

}  // namespace
}  // namespace tftrt

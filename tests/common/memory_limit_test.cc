// Resource limits: a model or an input that claims more memory than the machine has is
// refused before allocating, with an error that says how much was asked and what asked it,
// through the public paths (ParseNpy, ParseNpz, ReadSavedModel, a Const, `tftrt run`);
// never a std::bad_alloc. Cases that fit the file they come from but not memory set
// TFTRT_MEMORY_LIMIT_BYTES low, as a small machine would have.
#include "common/memory_limit.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/mem_env.h"
#include "common/npy.h"
#include "common/npz.h"
#include "savedmodel/saved_model_reader.h"
#include "savedmodel/saved_model_test_util.h"
#include "savedmodel/saved_model_writer.h"
#include "savedmodel/tensor_proto.h"
#include "testing/tool_runner.h"
#include "tftrt/converter.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

// Sets TFTRT_MEMORY_LIMIT_BYTES for the scope (unset: the machine's memory).
class ScopedMemoryLimit {
 public:
  explicit ScopedMemoryLimit(const char* value) {
    if (const char* old = std::getenv(kMemoryLimitVariable)) old_ = old;
    if (value == nullptr) {
      ::unsetenv(kMemoryLimitVariable);
    } else {
      ::setenv(kMemoryLimitVariable, value, 1);
    }
  }
  ~ScopedMemoryLimit() {
    if (old_.empty()) {
      ::unsetenv(kMemoryLimitVariable);
    } else {
      ::setenv(kMemoryLimitVariable, old_.c_str(), 1);
    }
  }

 private:
  std::string old_;
};

bool Contains(const Status& status, const std::string& text) {
  return status.message().find(text) != std::string::npos;
}

TEST(MemoryLimitTest, HumanBytes) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(uint64_t{4} << 40), "4.0 TiB");
  EXPECT_EQ(HumanBytes(UINT64_MAX), "16.0 EiB");
}

TEST(MemoryLimitTest, RefusesATensorOverThePhysicalMemory) {
  ScopedMemoryLimit machine(nullptr);
  const Status status = CheckTensorAllocation(DataType::kFloat, {1000000, 1000000});
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(status,
                       "tensor of shape [1000000,1000000] float32 needs 3.6 TiB, more "
                       "than this machine's memory ("))
      << status.ToString();
  EXPECT_TRUE(Contains(status, "; TFTRT_MEMORY_LIMIT_BYTES)")) << status.ToString();
  EXPECT_TRUE(CheckTensorAllocation(DataType::kFloat, {1000, 1000}).ok());
  // No element at all, however large the other dimensions.
  EXPECT_TRUE(CheckTensorAllocation(DataType::kFloat, {0, int64_t{1} << 62}).ok());
  // A count that overflows 64 bits is refused too, not wrapped around.
  const Status overflow =
      CheckTensorAllocation(DataType::kDouble, {int64_t{1} << 40, int64_t{1} << 40});
  EXPECT_EQ(overflow.code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(overflow, "overflows 64 bits")) << overflow.ToString();
}

TEST(MemoryLimitTest, TheVariableSetsTheLimit) {
  {
    ScopedMemoryLimit limit("1048576");
    const Status status = CheckTensorAllocation(DataType::kString, {65536});
    EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
    EXPECT_TRUE(Contains(status,
                         "tensor of shape [65536] string needs 2.0 MiB, more than the "
                         "memory limit (1.0 MiB; TFTRT_MEMORY_LIMIT_BYTES)"))
        << status.ToString();
    EXPECT_TRUE(CheckTensorAllocation(DataType::kFloat, {65536}).ok());  // 256 KiB
  }
  {
    // Small tensors are not checked (it would cost every Tensor a getenv).
    ScopedMemoryLimit limit("1");
    EXPECT_TRUE(CheckTensorAllocation(DataType::kFloat, {16}).ok());
    EXPECT_EQ(CheckTensorAllocation(DataType::kFloat, {1 << 20}).code(),
              StatusCode::kResourceExhausted);
  }
  for (const char* bad : {"0", "-1", "1e9", "12abc"}) {
    ScopedMemoryLimit limit(bad);
    const Status status = CheckMemoryLimit(1, "x");
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(Contains(status, std::string("TFTRT_MEMORY_LIMIT_BYTES='") + bad + "'"))
        << status.ToString();
  }
}

// Tensor's constructor cannot return a Status: it throws AllocationRefused, a std::bad_alloc
// carrying the error, before allocating anything.
TEST(MemoryLimitTest, TensorConstructorRefusesBeforeAllocating) {
  ScopedMemoryLimit machine(nullptr);
  try {
    Tensor huge(DataType::kFloat, {1000000, 1000000});
    FAIL() << "a 3.6 TiB tensor was made";
  } catch (const AllocationRefused& refused) {
    EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
    EXPECT_TRUE(Contains(refused.status(), "needs 3.6 TiB")) << refused.what();
  }
  const Status caught = CatchAllocationFailure([] {
    return Tensor(DataType::kInt64, {int64_t{1} << 20, int64_t{1} << 20}).is_valid()
               ? Status::Ok()
               : Status::Internal("unreachable");
  });
  EXPECT_EQ(caught.code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(caught, "needs 8.0 TiB")) << caught.ToString();
}

// A .npy of 1-byte strings: the file holds the data, but each element is a std::string in
// memory (32 bytes): the limit refuses it with the file's name.
TEST(MemoryLimitTest, ParseNpyRefusesStringsOverTheLimit) {
  const int64_t n = 65536;
  std::string header =
      "{'descr': '|S1', 'fortran_order': False, 'shape': (" + std::to_string(n) + ",), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string bytes = "\x93NUMPY\x01";
  bytes += '\0';
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header + std::string(n, 'a');
  EXPECT_TRUE(ParseNpy(bytes, "strings.npy").ok());  // the machine's memory: fits
  ScopedMemoryLimit limit("1048576");
  const auto parsed = ParseNpy(bytes, "strings.npy");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(parsed.status(), "strings.npy")) << parsed.status().ToString();
  EXPECT_TRUE(Contains(parsed.status(), "tensor of shape [65536] string needs 2.0 MiB"))
      << parsed.status().ToString();
}

// A .npy whose header claims more than the file holds is refused before allocating.
TEST(MemoryLimitTest, ParseNpyRefusesAShapeTheFileDoesNotHold) {
  ScopedMemoryLimit machine(nullptr);
  const Tensor small = Tensor::FromVector<float>({1, 2, 3, 4});
  std::string bytes = SerializeNpy(small).value();
  const size_t at = bytes.find("(4,)");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 4, "(1000000, 1000000)");  // the header keeps its padding to 64
  const auto parsed = ParseNpy(bytes, "huge.npy");
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Contains(parsed.status(), "huge.npy")) << parsed.status().ToString();
  EXPECT_TRUE(Contains(parsed.status(), "[1000000,1000000]")) << parsed.status().ToString();
}

// An .npz member inflates to its declared size: that size is checked before the buffer is
// made.
TEST(MemoryLimitTest, ParseNpzRefusesAMemberOverTheLimit) {
  const fs::path dir =
      fs::temp_directory_path() / ("tftrt_memory_limit_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path script = dir / "make.py";
  const fs::path npz = dir / "zeros.npz";
  // numpy's own writer (the .venv has it), a member of 4 MiB of zeros, deflated to a few KiB.
  std::ofstream(script) << "import numpy as np\nnp.savez_compressed('" << npz.string()
                        << "', z=np.zeros(1 << 20, np.float32))\n";
  const std::string python = std::string(TFTRT_SOURCE_DIR) + "/.venv/bin/python";
  if (!fs::exists(python) || std::system((python + " " + script.string()).c_str()) != 0) {
    fs::remove_all(dir);
    GTEST_SKIP() << "no numpy in " << python;
  }
  std::ifstream in(npz, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::remove_all(dir);
  EXPECT_TRUE(ParseNpz(bytes, "zeros.npz").ok());
  ScopedMemoryLimit limit("1048576");
  const auto parsed = ParseNpz(bytes, "zeros.npz");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(parsed.status(), "zeros.npz: member 'z.npy' (inflated) needs 4.0 MiB"))
      << parsed.status().ToString();
}

// A checkpoint string variable: its shard holds one byte per string, memory 32.
TEST(MemoryLimitTest, ReadSavedModelRefusesAVariableOverTheLimit) {
  MemEnv env;
  SavedModelContents contents = testing::SmallModel();
  contents.variables.emplace_back("big/.ATTRIBUTES/VARIABLE_VALUE",
                                  Tensor(DataType::kString, {65536}));
  ASSERT_TRUE(WriteSavedModel(&env, "m", contents).ok());
  auto bundle = ReadSavedModel(&env, "m");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_TRUE(bundle->variables->Read("big/.ATTRIBUTES/VARIABLE_VALUE").ok());
  ScopedMemoryLimit limit("1048576");
  const auto read = bundle->variables->Read("big/.ATTRIBUTES/VARIABLE_VALUE");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(read.status(), "tensor 'big/.ATTRIBUTES/VARIABLE_VALUE' in data shard"))
      << read.status().ToString();
  EXPECT_TRUE(Contains(read.status(), "needs 2.0 MiB")) << read.status().ToString();
}

// A Const whose shape repeats one value a trillion times: refused by the repeated-values
// limit, saying how much the shape asks.
TEST(MemoryLimitTest, TensorFromProtoRefusesAHugeRepeatedConst) {
  tensorflow::TensorProto proto;
  proto.set_dtype(tensorflow::DT_FLOAT);
  proto.mutable_tensor_shape()->add_dim()->set_size(1000000);
  proto.mutable_tensor_shape()->add_dim()->set_size(1000000);
  proto.add_float_val(1);
  const auto parsed = TensorFromProto(proto);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Contains(parsed.status(),
                       "float32[1000000,1000000] asks for 1000000000000 "
                       "elements of 4 bytes (3.6 TiB)"))
      << parsed.status().ToString();
}

// A Const that holds all its values, more than the limit allows.
TEST(MemoryLimitTest, TensorFromProtoRefusesAConstOverTheLimit) {
  tensorflow::TensorProto proto;
  TensorToProto(Tensor(DataType::kFloat, {512, 1024}), &proto);  // 2 MiB of content
  EXPECT_TRUE(TensorFromProto(proto).ok());
  ScopedMemoryLimit limit("1048576");
  const auto parsed = TensorFromProto(proto);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(parsed.status(), "tensor of shape [512,1024] float32 needs 2.0 MiB"))
      << parsed.status().ToString();
}

// A SavedModel (no variables) whose signature maps float x to y = huge + x, where huge is
// [1000000,1000000] float32: Fill(dims, x), or (`constant_inputs`) the broadcast sum of two
// constants of [1000000,1] and [1,1000000], which constant folding tries at conversion
// (AddV2 has no output-size check of its own: Tensor's constructor refuses it).
SavedModelContents HugeOutputModel(bool constant_inputs) {
  SavedModelContents contents;
  contents.saved_model.set_saved_model_schema_version(1);
  const std::string huge = constant_inputs ? R"(
      node { name: "column" op: "Const"
             attr { key: "dtype" value { type: DT_FLOAT } }
             attr { key: "value" value { tensor { dtype: DT_FLOAT float_val: 1
                    tensor_shape { dim { size: 1000000 } dim { size: 1 } } } } } }
      node { name: "row" op: "Const"
             attr { key: "dtype" value { type: DT_FLOAT } }
             attr { key: "value" value { tensor { dtype: DT_FLOAT float_val: 1
                    tensor_shape { dim { size: 1 } dim { size: 1000000 } } } } } }
      node { name: "huge" op: "AddV2" input: "column" input: "row"
             attr { key: "T" value { type: DT_FLOAT } } })"
                                           : R"(
      node { name: "dims" op: "Const"
             attr { key: "dtype" value { type: DT_INT64 } }
             attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { dim { size: 2 } }
                                                  int64_val: 1000000 int64_val: 1000000 } } } }
      node { name: "huge" op: "Fill" input: "dims" input: "x"
             attr { key: "T" value { type: DT_FLOAT } }
             attr { key: "index_type" value { type: DT_INT64 } } })";
  const std::string text = R"(
    meta_info_def { tags: "serve" }
    graph_def {
      node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } })" +
                           huge + R"(
      node { name: "y" op: "AddV2" input: "huge" input: "x"
             attr { key: "T" value { type: DT_FLOAT } } }
    }
    signature_def {
      key: "serving_default"
      value {
        inputs { key: "x" value { name: "x:0" dtype: DT_FLOAT tensor_shape {} } }
        outputs { key: "y" value { name: "y:0" dtype: DT_FLOAT } }
      }
    }
    object_graph_def { nodes { user_object {} } })";
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(text, contents.saved_model.add_meta_graphs()));
  return contents;
}

constexpr char kHugeFill[] =
    "tensor of shape [1000000,1000000] float32 needs 3.6 TiB, more than this machine's memory";

// `tftrt run` on the model: an error message that says how much, exit status 1, no abort.
TEST(MemoryLimitTest, RunRefusesAHugeFill) {
  ScopedMemoryLimit machine(nullptr);
  const fs::path dir =
      fs::temp_directory_path() / ("tftrt_memory_limit_run_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ASSERT_TRUE(
      WriteSavedModel(Env::Default(), (dir / "model").string(), HugeOutputModel(false)).ok());
  ASSERT_TRUE(WriteNpyFile((dir / "x.npy").string(), Tensor::Scalar<float>(1)).ok());
  std::string output;
  const int exit_status = testing::RunTool("run " + (dir / "model").string() +
                                               " --input x=" + (dir / "x.npy").string() +
                                               " --output-dir " + (dir / "out").string(),
                                           &output);
  fs::remove_all(dir);
  EXPECT_EQ(exit_status, 1) << output;
  EXPECT_NE(output.find(std::string("Fill: ") + kHugeFill), std::string::npos) << output;
  EXPECT_EQ(output.find("bad_alloc"), std::string::npos) << output;
}

// Conversion folds constant nodes with their kernels: an output too large to fold stays in
// the graph (no exception out of Convert), and running the converted function reports it.
TEST(MemoryLimitTest, ConverterLeavesAHugeConstantUnfolded) {
  ScopedMemoryLimit machine(nullptr);
  MemEnv env;
  ASSERT_TRUE(WriteSavedModel(&env, "model", HugeOutputModel(true)).ok());
  ConverterOptions options;
  options.input_saved_model_dir = "model";
  options.env = &env;
  auto converter = Converter::Create(options);
  ASSERT_TRUE(converter.ok()) << converter.status().ToString();
  auto function = converter->Convert();
  ASSERT_TRUE(function.ok()) << function.status().ToString();
  const auto outputs = (*function)->Run({{"x", Tensor::Scalar<float>(1)}});
  ASSERT_FALSE(outputs.ok());
  EXPECT_EQ(outputs.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(outputs.status().message().find(kHugeFill), std::string::npos)
      << outputs.status().ToString();
}

}  // namespace
}  // namespace tftrt

// The seed API's contract: parameter validation, the order of convert / build / save and
// their errors (ValueError = InvalidArgument, NotImplementedError = Unimplemented,
// RuntimeError = FailedPrecondition), the engine cache's LRU limit through Build, saving
// (atomic, no overwrite by default, input untouched), the segmenter's environment
// variables, and the summary.
#include "tftrt/converter.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "backends/registry.h"
#include "engine/engine_blob.h"
#include "engine/engine_cache_file.h"
#include "graph/attrs.h"
#include "graph/export.h"
#include "graph/signature_export.h"
#include "testing/fixtures.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

std::string CnnModelDir() { return testing::FixturesDir() + "/cnn/model"; }

class ConverterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(CnnModelDir())) GTEST_SKIP() << CnnModelDir() << " is absent";
    out_ = fs::temp_directory_path() /
           ("tftrt_converter_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(out_);
  }
  void TearDown() override { fs::remove_all(out_); }

  static ConverterOptions Options(ConversionParams params = {}) {
    ConverterOptions options;
    options.input_saved_model_dir = CnnModelDir();
    options.conversion_params = params;
    return options;
  }

  static Converter MustCreate(ConversionParams params = {}) {
    auto converter = Converter::Create(Options(params));
    EXPECT_TRUE(converter.ok()) << converter.status().ToString();
    return std::move(converter).value();
  }

  // A generator yielding one image batch per batch size.
  static InputFn Batches(std::vector<int64_t> batch_sizes) {
    auto next = std::make_shared<size_t>(0);
    return [batch_sizes, next]() -> std::optional<InputSet> {
      if (*next == batch_sizes.size()) return std::nullopt;
      Tensor image(DataType::kFloat, {batch_sizes[(*next)++], 32, 32, 3});
      float* data = image.flat<float>();
      for (int64_t i = 0; i < image.NumElements(); ++i) data[i] = static_cast<float>(i % 7) / 7;
      return InputSet{{"image", image}};
    };
  }

  fs::path out_;
};

StatusCode CodeOf(const StatusOr<Converter>& converter) { return converter.status().code(); }

TEST_F(ConverterTest, CreateValidatesParameters) {
  ConversionParams bad_precision;
  bad_precision.precision_mode = "FP64";
  EXPECT_EQ(CodeOf(Converter::Create(Options(bad_precision))), StatusCode::kInvalidArgument);
  for (int size : {0, -2}) {
    ConversionParams params;
    params.minimum_segment_size = size;
    auto converter = Converter::Create(Options(params));
    EXPECT_EQ(CodeOf(converter), StatusCode::kInvalidArgument);
    EXPECT_NE(converter.status().message().find("minimum segment size"), std::string::npos);
  }
  ConversionParams no_engines;
  no_engines.maximum_cached_engines = 0;
  EXPECT_EQ(CodeOf(Converter::Create(Options(no_engines))), StatusCode::kInvalidArgument);
  ConversionParams lower_case;
  lower_case.precision_mode = "fp16";
  EXPECT_TRUE(Converter::Create(Options(lower_case)).ok());
}

TEST_F(ConverterTest, CreateRejectsMissingModelTagOrSignature) {
  ConverterOptions missing_dir = Options();
  missing_dir.input_saved_model_dir = "/nonexistent/model";
  EXPECT_EQ(CodeOf(Converter::Create(missing_dir)), StatusCode::kInvalidArgument);
  ConverterOptions missing_tag = Options();
  missing_tag.input_saved_model_tags = {"gpu"};
  EXPECT_EQ(CodeOf(Converter::Create(missing_tag)), StatusCode::kInvalidArgument);
  ConverterOptions missing_key = Options();
  missing_key.input_saved_model_signature_key = "no_such_signature";
  auto converter = Converter::Create(missing_key);
  EXPECT_EQ(CodeOf(converter), StatusCode::kInvalidArgument);
  EXPECT_NE(converter.status().message().find("no_such_signature"), std::string::npos);
  ConverterOptions bad_pass = Options();
  bad_pass.disabled_passes = {"no_such_pass"};
  EXPECT_EQ(CodeOf(Converter::Create(bad_pass)), StatusCode::kInvalidArgument);
}

TEST_F(ConverterTest, CalibrationFunctionRules) {
  ConversionParams int8;
  int8.precision_mode = "INT8";
  Converter needs_calibration = MustCreate(int8);
  EXPECT_EQ(needs_calibration.Convert().status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(needs_calibration.Convert(Batches({1, 1})).ok());

  Converter fp32 = MustCreate();
  auto converted = fp32.Convert(Batches({1}));
  EXPECT_EQ(converted.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(converted.status().message().find("Should not specify"), std::string::npos);

  // Without calibration the ranges come from quantization ops; this model has none, so
  // its engines are FP16 (as TF-TRT demotes them).
  int8.use_calibration = false;
  Converter explicit_ranges = MustCreate(int8);
  ASSERT_TRUE(explicit_ranges.Convert().ok());
  auto summary = explicit_ranges.Summary();
  ASSERT_TRUE(summary.ok());
  ASSERT_FALSE(summary->engines.empty());
  EXPECT_EQ(summary->engines[0].precision, "FP16");
}

TEST_F(ConverterTest, CalibrationInputSetsMustAllLookLikeTheFirst) {
  ConversionParams int8;
  int8.precision_mode = "INT8";
  auto converted = MustCreate(int8).Convert(Batches({2, 2, 3}));
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.status().code(), StatusCode::kInvalidArgument);
  for (const char* part :
       {"calibration input set 2", "'image'", "float32[3,32,32,3]", "float32[2,32,32,3]"}) {
    EXPECT_NE(converted.status().message().find(part), std::string::npos)
        << converted.status().ToString();
  }
  auto nothing = MustCreate(int8).Convert(Batches({}));
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(nothing.status().message().find("no input set"), std::string::npos);
}

TEST_F(ConverterTest, MethodOrderErrors) {
  Converter converter = MustCreate();
  EXPECT_EQ(converter.Build(Batches({1})).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(converter.Save(out_.string()).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(converter.Summary().status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(converter.Convert().ok());
  EXPECT_EQ(converter.Convert().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(converter.Build(nullptr).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(converter.Build(Batches({1})).ok());
  EXPECT_EQ(converter.Build(Batches({1})).code(), StatusCode::kUnimplemented);
}

TEST_F(ConverterTest, BuildKeepsTheMostRecentEnginesUpToTheLimit) {
  ConversionParams params;
  params.maximum_cached_engines = 2;
  Converter converter = MustCreate(params);
  ASSERT_TRUE(converter.Convert().ok());
  ASSERT_TRUE(converter.Build(Batches({1, 2, 3, 2})).ok());
  ASSERT_TRUE(converter.Save(out_.string()).ok());
  std::ifstream in(out_ / "assets" / "trt-serialized-engine.TRTEngineOp_000_000", std::ios::binary);
  // The engine node's name carries a process-wide graph number; find its asset file.
  fs::path asset;
  for (const auto& file : fs::directory_iterator(out_ / "assets")) asset = file.path();
  ASSERT_FALSE(asset.empty()) << "no engine was saved";
  std::ifstream file(asset, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  auto blobs = ParseEngineCacheFile(contents.str());
  ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
  // Batches 1, 2, 3, 2: batch 1 was least recently used and was evicted; the file lists
  // the rest least recently used first.
  ASSERT_EQ(blobs->size(), 2u);
  std::vector<int64_t> batches;
  for (const std::string& blob : *blobs) {
    auto network = DeserializeEngine(blob, **SelectBackend(Device::kAuto));
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    batches.push_back(network->input(0).shape().dim(0).size());
  }
  EXPECT_EQ(batches, (std::vector<int64_t>{3, 2}));
}

TEST_F(ConverterTest, SaveIsAtomicAndLeavesTheInputAlone) {
  auto snapshot = [](const fs::path& dir) {
    std::map<std::string, uintmax_t> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file()) files[entry.path().string()] = entry.file_size();
    }
    return files;
  };
  const auto before = snapshot(CnnModelDir());
  Converter converter = MustCreate();
  ASSERT_TRUE(converter.Convert().ok());
  ASSERT_TRUE(converter.Save(out_.string()).ok());
  EXPECT_EQ(converter.Save(out_.string()).code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(converter.Save(out_.string(), /*overwrite=*/true).ok());
  EXPECT_EQ(snapshot(CnnModelDir()), before);
  // Weights live in the variables bundle, not in saved_model.pb.
  EXPECT_TRUE(fs::exists(out_ / "variables" / "variables.index"));
  EXPECT_LT(fs::file_size(out_ / "saved_model.pb"), 64u * 1024);
}

TEST_F(ConverterTest, SaveRefusesTheInputDirectoryItsInsideAndItsParents) {
  // A copy of the fixture, so that a failure here cannot damage the other tests' input.
  const fs::path input = out_ / "model";
  fs::create_directories(out_);
  fs::copy(CnnModelDir(), input, fs::copy_options::recursive);
  ConverterOptions options = Options();
  options.input_saved_model_dir = input.string();
  auto converter = Converter::Create(options);
  ASSERT_TRUE(converter.ok()) << converter.status().ToString();
  ASSERT_TRUE(converter->Convert().ok());
  for (const fs::path& target : {input, input / "converted", out_, input / ".." / "model"}) {
    const Status saved = converter->Save(target.string(), /*overwrite=*/true);
    EXPECT_EQ(saved.code(), StatusCode::kInvalidArgument) << target;
    EXPECT_NE(saved.message().find("input SavedModel"), std::string::npos) << saved.ToString();
  }
  EXPECT_TRUE(fs::exists(input / "saved_model.pb"));
  EXPECT_FALSE(fs::exists(input / "converted"));
  EXPECT_TRUE(converter->Save((out_ / "model_trt").string()).ok());
}

TEST_F(ConverterTest, MinusOneConvertsNothing) {
  ConversionParams params;
  params.minimum_segment_size = -1;
  Converter converter = MustCreate(params);
  ASSERT_TRUE(converter.Convert().ok());
  auto summary = converter.Summary();
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->engines.empty());
  EXPECT_EQ(summary->converted_ops, 0);
}

TEST_F(ConverterTest, DenylistKeepsOpsNative) {
  ::setenv("TF_TRT_OP_DENYLIST", "Conv2D,MaxPool", 1);
  Converter converter = MustCreate();
  auto converted = converter.Convert();
  ::unsetenv("TF_TRT_OP_DENYLIST");
  ASSERT_TRUE(converted.ok()) << converted.status().ToString();
  auto summary = converter.Summary();
  ASSERT_TRUE(summary.ok());
  for (const EngineSummary& engine : summary->engines) {
    EXPECT_FALSE(engine.op_counts.contains("Conv2D"));
    EXPECT_FALSE(engine.op_counts.contains("MaxPool"));
  }
  int denylisted = 0;
  for (const NativeNodeSummary& node : summary->native_nodes) {
    if (node.op == "Conv2D" || node.op == "MaxPool") {
      EXPECT_NE(node.reason.find("denylisted"), std::string::npos) << node.reason;
      ++denylisted;
    }
  }
  EXPECT_EQ(denylisted, 4);
}

TEST_F(ConverterTest, EngineLimitKeepsTheLargestSegments) {
  ::setenv("TF_TRT_OP_DENYLIST", "MaxPool", 1);
  ::setenv("TF_TRT_MAX_ALLOWED_ENGINES", "1", 1);
  ConversionParams params;
  params.minimum_segment_size = 1;
  Converter converter = MustCreate(params);
  auto converted = converter.Convert();
  ::unsetenv("TF_TRT_OP_DENYLIST");
  ::unsetenv("TF_TRT_MAX_ALLOWED_ENGINES");
  ASSERT_TRUE(converted.ok()) << converted.status().ToString();
  auto summary = converter.Summary();
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary->engines.size(), 1u);
  bool limited = false;
  for (const NativeNodeSummary& node : summary->native_nodes) {
    limited |= node.reason.find("engine limit") != std::string::npos;
  }
  EXPECT_TRUE(limited) << FormatSummary(*summary);
}

TEST_F(ConverterTest, SummaryOfTheSavedModelMatchesTheConverter) {
  Converter converter = MustCreate();
  ASSERT_TRUE(converter.Convert().ok());
  ASSERT_TRUE(converter.Save(out_.string()).ok());
  auto in_memory = converter.Summary();
  auto saved = SummarizeSavedModel(out_.string());
  ASSERT_TRUE(in_memory.ok());
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  ASSERT_EQ(saved->engines.size(), in_memory->engines.size());
  EXPECT_EQ(saved->converted_ops, in_memory->converted_ops);
  EXPECT_EQ(saved->total_ops, in_memory->total_ops);
  EXPECT_EQ(saved->engines[0].op_counts, in_memory->engines[0].op_counts);
  const std::string text = FormatSummary(*saved);
  EXPECT_NE(text.find("[*] Total number of TensorRT engines: 1"), std::string::npos) << text;
  EXPECT_NE(text.find("% of OPs Converted"), std::string::npos);
}

// A constant of >= 256 bytes that a native node reads is saved as a variable; the summary
// of the saved model still reports it as the constant the converter kept native, not as an
// unconverted ReadVariableOp.
TEST(ConverterSummaryTest, ConstantsSavedAsVariablesStayConstantsInTheSummary) {
  const fs::path dir =
      fs::temp_directory_path() / ("tftrt_converter_summary_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto graph = std::make_shared<Graph>("atan2");
  Node* x = AddGraphArg(*graph, "x", DataType::kFloat, PartialShape{false, {-1, 128}});
  Node* w = graph->AddNode("w", "Const", {{"dtype", TypeAttr(DataType::kFloat)}});
  w->constant = Tensor::FromVector<float>(std::vector<float>(128, 2.0f));
  const AttrMap float_attrs = {{"T", TypeAttr(DataType::kFloat)}};
  Node* atan2 = graph->AddNode("atan2", "Atan2", float_attrs, {{x, 0}, {w, 0}});
  Node* y = graph->AddNode("y", "Relu", float_attrs, {{atan2, 0}});
  graph->rets().push_back({"y", {y, 0}, DataType::kFloat, PartialShape{false, {-1, 128}}});
  SignatureExport model;
  model.graph = graph;
  ASSERT_TRUE(ExportSignature(Env::Default(), (dir / "in").string(), model).ok());

  ConverterOptions options;
  options.input_saved_model_dir = (dir / "in").string();
  options.conversion_params.minimum_segment_size = 1;
  auto converter = Converter::Create(options);
  ASSERT_TRUE(converter.ok()) << converter.status().ToString();
  ASSERT_TRUE(converter->Convert().ok());
  ASSERT_TRUE(converter->Save((dir / "out").string()).ok());
  auto in_memory = converter->Summary();
  auto saved = SummarizeSavedModel((dir / "out").string());
  ASSERT_TRUE(in_memory.ok());
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  auto ops_and_reasons = [](const ConversionSummary& summary) {
    std::vector<std::pair<std::string, std::string>> nodes;
    for (const NativeNodeSummary& node : summary.native_nodes) {
      nodes.push_back({node.op, node.reason});
    }
    return nodes;
  };
  EXPECT_EQ(ops_and_reasons(*saved), ops_and_reasons(*in_memory)) << FormatSummary(*saved);
  const std::string text = FormatSummary(*saved);
  EXPECT_EQ(text.find("ReadVariableOp"), std::string::npos) << text;
  EXPECT_NE(text.find("(Const): graph boundary: constant read outside the engines"),
            std::string::npos)
      << text;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tftrt

// INT8 end to end. On the digits_cnn fixture (a small CNN trained by make_fixtures.py on
// scikit-learn's digits): calibration in Convert, the calibration table kept on the
// engine nodes and reused by Build() for other shapes (no second calibration), by saved
// models that build engines at run time, and held-out top-1 accuracy within one point of
// FP32; the accuracy report (summary with evaluation inputs) and the INT8 error limit that
// keeps sensitive layers in FP16. On the qdq_cnn fixture: INT8 without calibration, ranges
// from quantization ops.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "backends/registry.h"
#include "common/env.h"
#include "common/npy.h"
#include "engine/calibration/calibration_table.h"
#include "engine/engine_blob.h"
#include "engine/engine_cache_file.h"
#include "engine/int8_as_fp16.h"
#include "engine/quantization_ranges.h"
#include "graph/attrs.h"
#include "graph/load_signature.h"
#include "runtime/engine_cache.h"
#include "testing/fixtures.h"
#include "testing/tensor_compare.h"
#include "tftrt/converter.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

fs::path DigitsDir() { return fs::path(testing::FixturesDir()) / "digits_cnn"; }

Tensor MustRead(const fs::path& path) {
  auto tensor = ReadNpyFile(path.string());
  EXPECT_TRUE(tensor.ok()) << tensor.status().ToString();
  return tensor.ok() ? *tensor : Tensor();
}

// The first `rows` rows of `tensor`.
Tensor FirstRows(const Tensor& tensor, int64_t rows) {
  Shape shape = tensor.shape();
  shape[0] = rows;
  Tensor head(tensor.dtype(), shape);
  std::memcpy(head.raw_data(), tensor.raw_data(), head.ByteSize());
  return head;
}

// A generator over `sets` that counts the sets it hands out.
InputFn Generator(std::vector<InputSet> sets, std::shared_ptr<int> pulls) {
  return [sets = std::move(sets), pulls]() -> std::optional<InputSet> {
    if (*pulls == static_cast<int>(sets.size())) return std::nullopt;
    return sets[(*pulls)++];
  };
}

// Top-1 accuracy of probabilities [N, 10] against int32 labels [N].
double Top1(const Tensor& probs, const Tensor& labels) {
  const int64_t n = probs.dim(0);
  const int64_t classes = probs.dim(1);
  int correct = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float* row = probs.flat<float>() + i * classes;
    const int64_t best = std::max_element(row, row + classes) - row;
    correct += best == labels.ElementAsInt64(i);
  }
  return static_cast<double>(correct) / n;
}

class Int8ConversionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(DigitsDir() / "model")) {
      GTEST_SKIP() << DigitsDir() << " is absent (tests/fixtures/make_fixtures.py makes it)";
    }
    heldout_ = MustRead(DigitsDir() / "int8" / "heldout" / "image.npy");
    labels_ = MustRead(DigitsDir() / "int8" / "heldout" / "labels.npy");
    for (const auto& entry : fs::directory_iterator(DigitsDir() / "int8" / "calibration")) {
      calibration_dirs_.push_back(entry.path());
    }
    std::sort(calibration_dirs_.begin(), calibration_dirs_.end());
    out_ = fs::temp_directory_path() /
           ("tftrt_int8_conversion_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(out_);
  }
  void TearDown() override { fs::remove_all(out_); }

  Converter MustCreate(const std::string& precision, int max_cached_engines = 1) {
    ConverterOptions options;
    options.input_saved_model_dir = (DigitsDir() / "model").string();
    options.conversion_params.precision_mode = precision;
    options.conversion_params.maximum_cached_engines = max_cached_engines;
    options.model_options.device = "cpu";
    auto converter = Converter::Create(options);
    EXPECT_TRUE(converter.ok()) << converter.status().ToString();
    return std::move(converter).value();
  }

  std::vector<InputSet> CalibrationSets() const {
    std::vector<InputSet> sets;
    for (const fs::path& dir : calibration_dirs_)
      sets.push_back({{"image", MustRead(dir / "image.npy")}});
    return sets;
  }

  // Converts to INT8, calibrating on the fixture's batches.
  std::shared_ptr<Model> ConvertInt8(Converter& converter) {
    auto function = converter.Convert(Generator(CalibrationSets(), calibration_pulls_));
    EXPECT_TRUE(function.ok()) << function.status().ToString();
    EXPECT_EQ(*calibration_pulls_, static_cast<int>(calibration_dirs_.size()));
    return function.ok() ? *function : nullptr;
  }

  double HeldOutAccuracy(Model& model) {
    auto outputs = model.Run({{"image", heldout_}});
    EXPECT_TRUE(outputs.ok()) << outputs.status().ToString();
    return outputs.ok() ? Top1(outputs->at("probs"), labels_) : 0.0;
  }

  Tensor heldout_, labels_;
  std::vector<fs::path> calibration_dirs_;
  std::shared_ptr<int> calibration_pulls_ = std::make_shared<int>(0);
  fs::path out_;
};

TEST_F(Int8ConversionTest, HeldOutAccuracyIsWithinOnePointOfFp32) {
  Converter fp32 = MustCreate("FP32");
  auto fp32_function = fp32.Convert();
  ASSERT_TRUE(fp32_function.ok()) << fp32_function.status().ToString();
  const double fp32_accuracy = HeldOutAccuracy(**fp32_function);
  EXPECT_GT(fp32_accuracy, 0.9);

  Converter int8 = MustCreate("INT8");
  std::shared_ptr<Model> int8_function = ConvertInt8(int8);
  ASSERT_NE(int8_function, nullptr);
  const double int8_accuracy = HeldOutAccuracy(*int8_function);
  EXPECT_GE(int8_accuracy, fp32_accuracy - 0.01)
      << "INT8 " << int8_accuracy << ", FP32 " << fp32_accuracy;
  std::printf("digits_cnn held-out top-1: FP32 %.4f, INT8 %.4f\n", fp32_accuracy, int8_accuracy);

  // An INT8 engine ran (not the native segment): results differ from FP32's.
  auto a = int8_function->Run({{"image", heldout_}});
  auto b = (*fp32_function)->Run({{"image", heldout_}});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(testing::TensorsMatch(a->at("probs"), b->at("probs"), 1e-5));
  for (const EngineNodeReport& report : int8_function->EngineReports()) {
    EXPECT_EQ(report.calibration_batches, static_cast<int64_t>(calibration_dirs_.size()));
    EXPECT_EQ(report.native_fallbacks, 0) << report.node;
    EXPECT_GE(report.engine_runs, 1) << report.node;
  }
}

// Build() for another input shape builds from the kept table: the calibration function is
// not pulled again, no node calibrates again, and the saved engines carry the table's
// ranges.
TEST_F(Int8ConversionTest, BuildForAnotherShapeReusesTheCalibrationTable) {
  Converter converter = MustCreate("INT8", /*max_cached_engines=*/4);
  std::shared_ptr<Model> function = ConvertInt8(converter);
  ASSERT_NE(function, nullptr);
  auto build_pulls = std::make_shared<int>(0);
  ASSERT_TRUE(converter
                  .Build(Generator({{{"image", FirstRows(heldout_, 7)}}, {{"image", heldout_}}},
                                   build_pulls))
                  .ok());
  EXPECT_EQ(*build_pulls, 2);
  EXPECT_EQ(*calibration_pulls_, static_cast<int>(calibration_dirs_.size()));
  const auto reports = function->EngineReports();
  ASSERT_FALSE(reports.empty());
  for (const EngineNodeReport& report : reports) {
    EXPECT_EQ(report.calibration_batches, static_cast<int64_t>(calibration_dirs_.size()));
    EXPECT_EQ(report.builds, 3) << "the calibration shape, then [7] and [500]";
    EXPECT_EQ(report.cached_engines, 3);
  }
  ASSERT_TRUE(converter.Save(out_.string()).ok());

  // The saved engine nodes keep their tables.
  auto saved = LoadSignature(Env::Default(), out_.string(), "serving_default", {"serve"});
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  std::map<std::string, CalibrationTable> tables;
  for (const Node* node : saved->graph->nodes()) {
    if (node->op != "TRTEngineOp") continue;
    auto data = GetStringAttr(*node, "calibration_data");
    ASSERT_TRUE(data.ok());
    auto table = ParseCalibrationTable(*data);
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    EXPECT_TRUE(table->contains("TensorRTInputPH_0:0")) << *data;
    tables[EngineCacheName(node->name)] = *table;
  }
  ASSERT_EQ(tables.size(), reports.size());

  // Every saved engine is INT8 with the table's ranges.
  int engines = 0;
  for (const auto& [name, table] : tables) {
    auto contents = Env::Default()->ReadFileToString(
        (out_ / "assets" / ("trt-serialized-engine." + name)).string());
    ASSERT_TRUE(contents.ok()) << contents.status().ToString();
    auto blobs = ParseEngineCacheFile(*contents);
    ASSERT_TRUE(blobs.ok());
    for (const std::string& blob : *blobs) {
      auto plan = DeserializeEngine(blob, CpuEngineBackend());
      ASSERT_TRUE(plan.ok()) << plan.status().ToString();
      EXPECT_EQ(plan->precision(), "INT8");
      int int8_layers = 0;
      for (const EngineLayer& layer : plan->layer()) int8_layers += layer.precision() == "INT8";
      EXPECT_GE(int8_layers, 4) << "2 convolutions, the depthwise one, 2 matmuls";
      for (const EngineTensor& tensor : plan->tensor()) {
        if (tensor.dynamic_range() > 0) {
          EXPECT_EQ(tensor.dynamic_range(), table.at(tensor.name()));
        }
      }
      ++engines;
    }
  }
  EXPECT_EQ(engines, 3);
}

// A saved model whose engine nodes carry calibration data builds INT8 engines at run time
// for shapes it has no engine for, without calibrating, and the same engines as the
// converter builds (the table's tensor names survive saving and loading).
TEST_F(Int8ConversionTest, ASavedModelBuildsInt8EnginesAtRunTimeFromItsTable) {
  Converter converter = MustCreate("INT8");
  std::shared_ptr<Model> function = ConvertInt8(converter);
  ASSERT_NE(function, nullptr);
  ASSERT_TRUE(converter.Save(out_.string()).ok());

  auto loaded = Model::Load(out_.string(), "serving_default", {"serve"}, {.device = "cpu"});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto from_load = (*loaded)->Run({{"image", heldout_}});  // [500]: not the calibration shape
  ASSERT_TRUE(from_load.ok()) << from_load.status().ToString();
  for (const EngineNodeReport& report : (*loaded)->EngineReports()) {
    EXPECT_EQ(report.builds, 1) << report.node;
    EXPECT_EQ(report.engine_runs, 1) << report.node;
    EXPECT_EQ(report.native_fallbacks, 0) << report.node;
    EXPECT_EQ(report.calibration_batches, 0) << report.node;
  }
  auto from_converter = function->Run({{"image", heldout_}});
  ASSERT_TRUE(from_converter.ok());
  EXPECT_TRUE(testing::SameBytes(from_load->at("probs"), from_converter->at("probs")));

  Converter fp32 = MustCreate("FP32");
  auto fp32_function = fp32.Convert();
  ASSERT_TRUE(fp32_function.ok());
  EXPECT_GE(Top1(from_load->at("probs"), labels_), HeldOutAccuracy(**fp32_function) - 0.01);
}

// The plans of the engines saved in `dir`.
std::vector<EngineNetwork> SavedPlans(const fs::path& dir) {
  std::vector<EngineNetwork> plans;
  for (const auto& file : fs::directory_iterator(dir / "assets")) {
    auto contents = Env::Default()->ReadFileToString(file.path().string());
    EXPECT_TRUE(contents.ok());
    if (!contents.ok()) continue;
    auto blobs = ParseEngineCacheFile(*contents);
    EXPECT_TRUE(blobs.ok());
    if (!blobs.ok()) continue;
    for (const std::string& blob : *blobs) {
      auto plan = DeserializeEngine(blob, CpuEngineBackend());
      EXPECT_TRUE(plan.ok()) << plan.status().ToString();
      if (plan.ok()) plans.push_back(std::move(plan).value());
    }
  }
  return plans;
}

// ||a - b|| / ||b|| over two float tensors.
double RelativeL2(const Tensor& a, const Tensor& b) {
  double diff2 = 0, ref2 = 0;
  for (int64_t i = 0; i < b.NumElements(); ++i) {
    const double d = static_cast<double>(a.flat<float>()[i]) - b.flat<float>()[i];
    diff2 += d * d;
    ref2 += static_cast<double>(b.flat<float>()[i]) * b.flat<float>()[i];
  }
  return std::sqrt(diff2 / ref2);
}

// The one engine of a summary.
const EngineSummary& OnlyEngine(const ConversionSummary& summary) {
  EXPECT_EQ(summary.engines.size(), 1u);
  return summary.engines.front();
}

// Summary lists the INT8 layers of the built engine; with evaluation inputs each comes
// with its error and sensitivity, and the engine's output error is the relative L2 error
// of the model's INT8 output against FP32 (the whole model is one engine).
TEST_F(Int8ConversionTest, SummaryMeasuresEachInt8LayerAgainstFp32) {
  Converter converter = MustCreate("INT8");
  std::shared_ptr<Model> function = ConvertInt8(converter);
  ASSERT_NE(function, nullptr);
  auto plain = converter.Summary();
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  const EngineSummary& listed = OnlyEngine(*plain);
  ASSERT_GE(listed.int8_layers.size(), 4u) << "2 convolutions, the depthwise one, 2 matmuls";
  for (const Int8LayerSummary& layer : listed.int8_layers) {
    EXPECT_FALSE(layer.fp16);
    EXPECT_TRUE(std::isnan(layer.error)) << "not measured without evaluation inputs";
  }
  EXPECT_NE(FormatSummary(*plain).find("INT8 layers: " + std::to_string(listed.int8_layers.size())),
            std::string::npos)
      << FormatSummary(*plain);

  const Tensor evaluation = FirstRows(heldout_, 64);
  auto pulls = std::make_shared<int>(0);
  auto measured = converter.Summary(Generator({{{"image", evaluation}}}, pulls));
  ASSERT_TRUE(measured.ok()) << measured.status().ToString();
  EXPECT_EQ(*pulls, 1);
  const EngineSummary& engine = OnlyEngine(*measured);
  ASSERT_EQ(engine.int8_layers.size(), listed.int8_layers.size());
  for (const Int8LayerSummary& layer : engine.int8_layers) {
    EXPECT_GT(layer.error, 0) << layer.layer;
    EXPECT_LT(layer.error, 0.2) << layer.layer;
    EXPECT_GT(layer.sensitivity, 0) << layer.layer;
    EXPECT_LE(layer.sensitivity, engine.int8_output_error * 1.5) << layer.layer;
  }

  Converter fp32 = MustCreate("FP32");
  auto fp32_function = fp32.Convert();
  ASSERT_TRUE(fp32_function.ok());
  auto int8_probs = function->Run({{"image", evaluation}});
  auto fp32_probs = (*fp32_function)->Run({{"image", evaluation}});
  ASSERT_TRUE(int8_probs.ok() && fp32_probs.ok());
  const double expected = RelativeL2(int8_probs->at("probs"), fp32_probs->at("probs"));
  EXPECT_GT(expected, 0);
  EXPECT_NEAR(engine.int8_output_error, expected, 1e-3 * expected);
  std::printf("%s", FormatSummary(*measured).c_str());
}

// LimitInt8Error keeps the most sensitive layers in FP16 until the output error is within
// the bound; the built, saved and reloaded engines follow the choice.
TEST_F(Int8ConversionTest, LimitInt8ErrorKeepsTheMostSensitiveLayersInFp16) {
  Converter converter = MustCreate("INT8");
  std::shared_ptr<Model> function = ConvertInt8(converter);
  ASSERT_NE(function, nullptr);
  const InputSet evaluation = {{"image", FirstRows(heldout_, 64)}};
  auto before = converter.Summary(Generator({evaluation}, std::make_shared<int>(0)));
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  const EngineSummary& all_int8 = OnlyEngine(*before);
  const auto most_sensitive =
      std::max_element(all_int8.int8_layers.begin(), all_int8.int8_layers.end(),
                       [](const auto& a, const auto& b) { return a.sensitivity < b.sensitivity; });

  // A bound the all-INT8 engine meets keeps every layer in INT8.
  Status loose = converter.LimitInt8Error(Generator({evaluation}, std::make_shared<int>(0)),
                                          all_int8.int8_output_error * 1.01);
  ASSERT_TRUE(loose.ok()) << loose.ToString();
  auto listed = converter.Summary();  // kept: the loop reads into it
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  for (const Int8LayerSummary& layer : OnlyEngine(*listed).int8_layers) {
    EXPECT_FALSE(layer.fp16) << layer.layer;
  }

  // Half the all-INT8 error needs the most sensitive layer in FP16, at least.
  const double bound = all_int8.int8_output_error / 2;
  Status limited =
      converter.LimitInt8Error(Generator({evaluation}, std::make_shared<int>(0)), bound);
  ASSERT_TRUE(limited.ok()) << limited.ToString();
  auto after = converter.Summary(Generator({evaluation}, std::make_shared<int>(0)));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  const EngineSummary& engine = OnlyEngine(*after);
  EXPECT_LE(engine.int8_output_error, bound);
  int kept = 0;
  for (const Int8LayerSummary& layer : engine.int8_layers) {
    kept += layer.fp16;
    if (layer.layer == most_sensitive->layer) {
      EXPECT_TRUE(layer.fp16) << layer.layer;
    }
  }
  EXPECT_GE(kept, 1);
  EXPECT_LT(kept, static_cast<int>(engine.int8_layers.size())) << "some layers stay INT8";
  // The engine built again for the evaluation shapes runs, with those layers in FP16.
  auto outputs = function->Run(evaluation);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  for (const EngineNodeReport& report : function->EngineReports()) {
    EXPECT_EQ(report.native_fallbacks, 0) << report.node;
    EXPECT_EQ(report.cached_engines, 1) << report.node;
  }

  ASSERT_TRUE(converter.Save(out_.string()).ok());
  for (const EngineNetwork& plan : SavedPlans(out_)) {
    int int8_layers = 0;
    for (const EngineLayer& layer : plan.layer()) int8_layers += layer.precision() == "INT8";
    EXPECT_EQ(int8_layers, static_cast<int>(engine.int8_layers.size()) - kept);
  }
  auto saved =
      SummarizeSavedModel(out_.string(), "serving_default", {"serve"},
                          Generator({evaluation}, std::make_shared<int>(0)), {.device = "cpu"});
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  const EngineSummary& reloaded = OnlyEngine(*saved);
  EXPECT_NEAR(reloaded.int8_output_error, engine.int8_output_error,
              1e-6 * engine.int8_output_error);
  int reloaded_kept = 0;
  for (const Int8LayerSummary& layer : reloaded.int8_layers) reloaded_kept += layer.fp16;
  EXPECT_EQ(reloaded_kept, kept);
}

TEST_F(Int8ConversionTest, LimitInt8ErrorRejectsWhatItCannotDo) {
  const InputSet evaluation = {{"image", FirstRows(heldout_, 16)}};
  Converter unconverted = MustCreate("INT8");
  EXPECT_EQ(
      unconverted.LimitInt8Error(Generator({evaluation}, std::make_shared<int>(0)), 0.1).code(),
      StatusCode::kFailedPrecondition);

  Converter fp16 = MustCreate("FP16");
  ASSERT_TRUE(fp16.Convert().ok());
  EXPECT_EQ(fp16.LimitInt8Error(Generator({evaluation}, std::make_shared<int>(0)), 0.1).code(),
            StatusCode::kInvalidArgument);

  Converter converter = MustCreate("INT8");
  ASSERT_NE(ConvertInt8(converter), nullptr);
  for (double bad : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    EXPECT_EQ(
        converter.LimitInt8Error(Generator({evaluation}, std::make_shared<int>(0)), bad).code(),
        StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(converter.LimitInt8Error(nullptr, 0.1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(converter.LimitInt8Error(Generator({}, std::make_shared<int>(0)), 0.1).code(),
            StatusCode::kInvalidArgument);
  // Below even the FP16 engine's error: nothing changes.
  Status impossible =
      converter.LimitInt8Error(Generator({evaluation}, std::make_shared<int>(0)), 1e-12);
  EXPECT_EQ(impossible.code(), StatusCode::kFailedPrecondition) << impossible.ToString();
  EXPECT_NE(impossible.message().find("FP16"), std::string::npos) << impossible.ToString();
  auto listed = converter.Summary();  // kept: the loop reads into it
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  for (const Int8LayerSummary& layer : OnlyEngine(*listed).int8_layers) {
    EXPECT_FALSE(layer.fp16) << layer.layer;
  }
  ASSERT_TRUE(converter.Build(Generator({evaluation}, std::make_shared<int>(0))).ok());
  EXPECT_EQ(converter.LimitInt8Error(Generator({evaluation}, std::make_shared<int>(0)), 0.1).code(),
            StatusCode::kFailedPrecondition)
      << "after build()";
}

// A backend without INT8 kernels runs INT8 layers as FP16 layers with INT8's numbers
// (engine/int8_as_fp16.h): on the cpu backend the lowered plan gives the INT8 plan's
// results up to half rounding, much closer to them than FP32 is.
TEST_F(Int8ConversionTest, Int8LayersAsFp16KeepInt8Numbers) {
  Converter converter = MustCreate("INT8");
  ASSERT_NE(ConvertInt8(converter), nullptr);
  ASSERT_TRUE(converter.Save(out_.string()).ok());
  const std::vector<EngineNetwork> plans = SavedPlans(out_);
  ASSERT_EQ(plans.size(), 1u);
  const EngineNetwork& int8 = plans[0];
  const EngineNetwork lowered = Int8LayersAsFp16(int8);
  EXPECT_EQ(lowered.precision(), "FP16");
  int int8_inputs = 0, fake_quants = 0;
  for (const EngineLayer& layer : int8.layer()) {
    if (layer.precision() != "INT8") continue;
    for (const EngineOperand& operand : layer.input()) int8_inputs += operand.has_tensor();
  }
  for (const EngineLayer& layer : lowered.layer()) {
    EXPECT_NE(layer.precision(), "INT8") << layer.name();
    fake_quants += layer.op() == kFakeQuantInt8Op;
    for (const EngineOperand& operand : layer.input()) {
      if (operand.has_weight()) {
        EXPECT_NE(operand.weight().dtype(), tensorflow::DT_INT8);
      }
    }
  }
  EXPECT_EQ(fake_quants, int8_inputs);
  for (const EngineTensor& tensor : lowered.tensor()) EXPECT_FALSE(tensor.int8()) << tensor.name();

  const Tensor image = FirstRows(heldout_, int8.input(0).shape().dim(0).size());
  auto run = [&](const EngineNetwork& plan) {
    auto engine = CpuEngineBackend().Compile(plan);
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    auto outputs = (*engine)->Run({image});
    EXPECT_TRUE(outputs.ok()) << outputs.status().ToString();
    return outputs->at(0);
  };
  const Tensor int8_probs = run(int8);
  const Tensor lowered_probs = run(lowered);
  Converter fp32 = MustCreate("FP32");
  auto fp32_function = fp32.Convert();
  ASSERT_TRUE(fp32_function.ok());
  auto fp32_probs = (*fp32_function)->Run({{"image", image}});
  ASSERT_TRUE(fp32_probs.ok());
  const double lowered_error = RelativeL2(lowered_probs, int8_probs);
  const double fp32_error = RelativeL2(fp32_probs->at("probs"), int8_probs);
  EXPECT_LT(lowered_error, 0.1 * fp32_error) << lowered_error << " vs FP32's " << fp32_error;
  std::printf("relative L2 error against the INT8 plan: as FP16 %.3g, FP32 %.3g\n", lowered_error,
              fp32_error);
}

// The cuda backend runs INT8 engines (as FP16 layers with INT8's numbers, for now) in strict
// mode: the results are the cpu backend's INT8 ones up to half rounding, and held-out
// accuracy stays within a point of FP32.
TEST_F(Int8ConversionTest, CudaRunsInt8EnginesWithInt8Numbers) {
  std::string why;
  if (CudaBackend(&why) == nullptr) GTEST_SKIP() << "no cuda backend here: " << why;
  Converter cpu = MustCreate("INT8");
  std::shared_ptr<Model> cpu_function = ConvertInt8(cpu);
  ASSERT_NE(cpu_function, nullptr);
  ConverterOptions options;
  options.input_saved_model_dir = (DigitsDir() / "model").string();
  options.conversion_params.precision_mode = "INT8";
  options.model_options = {.device = "cuda", .require_engines = true};
  auto cuda = Converter::Create(options);
  ASSERT_TRUE(cuda.ok()) << cuda.status().ToString();
  auto cuda_function = cuda->Convert(Generator(CalibrationSets(), std::make_shared<int>(0)));
  ASSERT_TRUE(cuda_function.ok()) << cuda_function.status().ToString();

  auto on_cuda = (*cuda_function)->Run({{"image", heldout_}});
  ASSERT_TRUE(on_cuda.ok()) << on_cuda.status().ToString();
  auto on_cpu = cpu_function->Run({{"image", heldout_}});
  Converter fp32 = MustCreate("FP32");
  auto fp32_function = fp32.Convert();
  ASSERT_TRUE(on_cpu.ok() && fp32_function.ok());
  auto fp32_probs = (*fp32_function)->Run({{"image", heldout_}});
  ASSERT_TRUE(fp32_probs.ok());
  const Tensor& int8_probs = on_cpu->at("probs");
  const double cuda_error = RelativeL2(on_cuda->at("probs"), int8_probs);
  const double fp32_error = RelativeL2(fp32_probs->at("probs"), int8_probs);
  EXPECT_LT(cuda_error, 0.1 * fp32_error) << cuda_error << " vs FP32's " << fp32_error;
  EXPECT_GE(Top1(on_cuda->at("probs"), labels_), Top1(fp32_probs->at("probs"), labels_) - 0.01);
  for (const EngineNodeReport& report : (*cuda_function)->EngineReports()) {
    EXPECT_EQ(report.backend.rfind("cuda", 0), 0u) << report.backend;
    EXPECT_EQ(report.native_fallbacks, 0) << report.node;
    EXPECT_GE(report.engine_runs, 1) << report.node;
  }
  std::printf("relative L2 error against the cpu's INT8 engine: cuda %.3g, FP32 %.3g\n", cuda_error,
              fp32_error);
}

// use_calibration=False: the quantization ops' ranges make the convolutions and the matmul
// INT8 (the ops themselves pass their inputs through), and the results stay close to
// TensorFlow's fake-quantized float ones.
TEST(ExplicitQuantizationTest, RangesComeFromQuantizationOps) {
  const fs::path fixture = fs::path(testing::FixturesDir()) / "qdq_cnn";
  if (!fs::is_directory(fixture / "model")) GTEST_SKIP() << fixture << " is absent";
  ConverterOptions options;
  options.input_saved_model_dir = (fixture / "model").string();
  options.conversion_params.precision_mode = "INT8";
  options.conversion_params.use_calibration = false;
  options.model_options.device = "cpu";
  auto converter = Converter::Create(options);
  ASSERT_TRUE(converter.ok()) << converter.status().ToString();
  auto function = converter->Convert();
  ASSERT_TRUE(function.ok()) << function.status().ToString();
  auto summary = converter->Summary();
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary->engines.size(), 1u);
  EXPECT_EQ(summary->engines[0].precision, "INT8");
  EXPECT_EQ(summary->engines[0].op_counts.at("FakeQuantWithMinMaxArgs"), 1);

  const fs::path cases = fixture / "cases" / "serving_default";
  std::vector<InputSet> sets;
  for (const char* c : {"0", "1"})
    sets.push_back({{"image", MustRead(cases / c / "inputs" / "image.npy")}});
  for (size_t i = 0; i < sets.size(); ++i) {
    auto outputs = (*function)->Run(sets[i]);
    ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
    const Tensor expected = MustRead(cases / std::to_string(i) / "outputs" / "logits.npy");
    // Not TF's grids: TensorRT's ranges are symmetric, so FakeQuant's [0, 4] (255 steps)
    // becomes [-4, 4] (127 steps a side), and activations between layers are half.
    EXPECT_TRUE(testing::TensorsMatch(outputs->at("logits"), expected, testing::Tolerance{0.06}));
  }
  for (const EngineNodeReport& report : (*function)->EngineReports()) {
    EXPECT_EQ(report.native_fallbacks, 0);
    EXPECT_EQ(report.calibration_batches, 0);
  }

  auto pulls = std::make_shared<int>(0);
  ASSERT_TRUE(converter->Build(Generator({sets[0]}, pulls)).ok());
  const fs::path out = fs::temp_directory_path() /
                       ("tftrt_explicit_quantization_test_" + std::to_string(::getpid()));
  fs::remove_all(out);
  ASSERT_TRUE(converter->Save(out.string()).ok());
  const std::vector<EngineNetwork> plans = SavedPlans(out);
  fs::remove_all(out);
  ASSERT_EQ(plans.size(), 1u);
  std::vector<std::string> int8_ops;
  std::vector<float> input_ranges;
  for (const EngineLayer& layer : plans[0].layer()) {
    EXPECT_FALSE(IsQuantizationOp(layer.op())) << layer.name() << " passes its input through";
    if (layer.precision() != "INT8") continue;
    int8_ops.push_back(layer.op());
    input_ranges.push_back(plans[0].tensor(layer.input(0).tensor()).dynamic_range());
  }
  EXPECT_EQ(int8_ops, (std::vector<std::string>{"Conv2D", "Conv2D", "MatMul"}));
  // max(|min|, |max|) of FakeQuantWithMinMaxArgs [-1, 1], QuantizeAndDequantizeV3 [0, 3]
  // and FakeQuantWithMinMaxVars [0, 4] (variables, frozen).
  EXPECT_EQ(input_ranges, (std::vector<float>{1.0f, 3.0f, 4.0f}));
}

}  // namespace
}  // namespace tftrt

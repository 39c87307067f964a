// The engine conformance harness (as ggml's test-backend-ops): every TF-written case of
// every converter op (tests/op_cases) becomes a one-layer engine, built and run on every
// backend this machine has (cpu always; cuda where a GPU is) in every precision (FP32 with
// TF32 off, TF32, FP16), and its outputs are compared with TensorFlow's within
// testing::EngineTolerance — relative L2 and, for FP16, max-abs — and, off the cpu
// backend, with the cpu backend's result in the same precision. Ops whose results jump
// (Floor, comparisons, ArgMax, ...) see different inputs once FP16 rounds them, so their
// FP16 cells are compared with the cpu backend's FP16 emulation only.
//
// It fails when a converter op has no case, and prints an op x backend x precision table
// ("-" where the backend reports the op unsupported, so the segmenter keeps it native).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>

#include "backends/registry.h"
#include "engine/build_engine.h"
#include "engine/ops/op_converter.h"
#include "graph/output_types.h"
#include "passes/pass_test_util.h"
#include "testing/op_cases.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

const char* const kPrecisions[] = {"FP32", "TF32", "FP16"};

constexpr double kHalfMax = 65504;

// Whether every float value of `tensors` is finite in half precision (or not finite).
bool FitsHalf(const std::vector<Tensor>& tensors) {
  for (const Tensor& tensor : tensors) {
    if (tensor.dtype() != DataType::kFloat) continue;
    for (int64_t i = 0; i < tensor.NumElements(); ++i) {
      const float value = tensor.flat<float>()[i];
      if (std::isfinite(value) && std::abs(value) > kHalfMax) return false;
    }
  }
  return true;
}

// Ops whose outputs are discontinuous in their float inputs.
bool JumpsOnRounding(const std::string& op) {
  static const std::set<std::string> kOps = {
      "Floor",    "Ceil",         "Round",  "Sign",
      "Greater",  "GreaterEqual", "Less",   "LessEqual",
      "Equal",    "NotEqual",     "ArgMax", "ArgMin",
      "FloorDiv", "FloorMod",     "Cast",   "ResizeNearestNeighbor",
      "TopKV2",   "CombinedNonMaxSuppression"};
  return kOps.contains(op);
}

struct Backend {
  std::string name;
  const EngineBackend* backend;
};

std::vector<Backend> Backends() {
  std::vector<Backend> backends = {{"cpu", &CpuEngineBackend()}};
  if (const EngineBackend* cuda = CudaBackend()) backends.push_back({"cuda", cuda});
  return backends;
}

// Cell results, for the table printed at the end.
class Table {
 public:
  static Table& Get() {
    static Table* table = new Table();
    return *table;
  }
  void Record(const std::string& op, const std::string& column, bool ok) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& [passed, total] = cells_[op][column];
    passed += ok ? 1 : 0;
    ++total;
    columns_.insert(column);
  }
  void Print() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::printf("\nengine conformance (passed/cases per op, backend and precision):\n%-24s", "op");
    for (const std::string& column : columns_) std::printf(" %11s", column.c_str());
    std::printf("\n");
    int failing = 0;
    for (const auto& [op, row] : cells_) {
      std::printf("%-24s", op.c_str());
      for (const std::string& column : columns_) {
        auto it = row.find(column);
        if (it == row.end()) {
          std::printf(" %11s", "-");
          continue;
        }
        const auto [passed, total] = it->second;
        failing += passed != total ? 1 : 0;
        std::printf(" %5d/%-5d", passed, total);
      }
      std::printf("\n");
    }
    std::printf("%d failing cell(s)\n", failing);
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::string> columns_;
  std::map<std::string, std::map<std::string, std::pair<int, int>>> cells_;
};

class PrintTable : public ::testing::Environment {
 public:
  void TearDown() override { Table::Get().Print(); }
};
const auto* const kPrintTable = ::testing::AddGlobalTestEnvironment(new PrintTable());

// A one-node segment for an op case: weight inputs are constants, the others engine
// inputs; its rets are the outputs TF recorded (the first only for batch norm, whose other
// outputs are training statistics).
struct Segment {
  std::unique_ptr<Graph> graph = std::make_unique<Graph>("segment");
  std::vector<EngineArg> args;
  std::vector<Tensor> inputs;    // the engine inputs' values
  std::vector<Tensor> expected;  // TF's outputs, one per ret
  std::vector<DataType> dtypes;  // the node's input and output dtypes, as the segmenter asks
};

// The segment of `op_case`, or why its node cannot go into an engine.
StatusOr<Segment> MakeSegment(const testing::OpCase& op_case, const OpConverter& converter) {
  Segment segment;
  Graph& graph = *segment.graph;
  const int n = static_cast<int>(op_case.inputs.size());
  std::vector<Output> inputs;
  NodeSignature signature;
  for (int i = 0; i < n; ++i) {
    const Tensor& value = op_case.inputs[i];
    // Shape operands are constants in an engine (folded when the segment computes them).
    const bool weight = IsWeightInput(converter, i, n) ||
                        std::find(converter.shape_inputs.begin(), converter.shape_inputs.end(),
                                  i) != converter.shape_inputs.end();
    const std::string name = "in" + std::to_string(i);
    Node* input = weight ? testing::AddConstNode(graph, name, value)
                         : testing::AddArg(graph, name, value.dtype(), value.shape());
    if (!weight) {
      segment.args.push_back({value.dtype(), value.shape(), nullptr});
      segment.inputs.push_back(value);
    }
    inputs.push_back({input, 0});
    signature.input_dtypes.push_back(value.dtype());
    signature.input_is_constant.push_back(weight);
  }
  Node* node = graph.AddNode("op", op_case.node.op, op_case.node.attrs, inputs);
  TFTRT_ASSIGN_OR_RETURN(signature.output_dtypes, OutputTypes(*node, OpDefs::Builtin()));
  if (auto reason = ConverterTable::Global().Validate(*node, signature)) {
    return Status::Unimplemented(reason->detail);
  }
  if (segment.args.empty()) return Status::Unimplemented("every input is a weight");
  segment.dtypes = signature.input_dtypes;
  segment.dtypes.insert(segment.dtypes.end(), signature.output_dtypes.begin(),
                        signature.output_dtypes.end());
  const size_t rets = converter.kind == LAYER_KIND_NORMALIZATION ? 1 : op_case.outputs.size();
  for (size_t i = 0; i < rets; ++i) {
    testing::AddRet(graph, "out" + std::to_string(i), {node, static_cast<int>(i)},
                    signature.output_dtypes.at(i));
    segment.expected.push_back(op_case.outputs[i]);
  }
  return segment;
}

StatusOr<std::vector<Tensor>> RunOn(const Segment& segment, const EngineBackend& backend,
                                    const std::string& precision) {
  BuildOptions options;
  options.precision = precision == "FP16" ? Precision::kFP16 : Precision::kFP32;
  options.allow_tf32 = precision == "TF32";
  TFTRT_ASSIGN_OR_RETURN(
      std::unique_ptr<Engine> engine,
      BuildEngine("conformance", *segment.graph, segment.args, options, backend));
  return engine->Run(segment.inputs);
}

::testing::AssertionResult OutputsMatch(const std::vector<Tensor>& actual,
                                        const std::vector<Tensor>& expected,
                                        const testing::Tolerance& tolerance) {
  if (actual.size() != expected.size()) {
    return ::testing::AssertionFailure()
           << actual.size() << " outputs, expected " << expected.size();
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    auto match = testing::TensorsMatch(actual[i], expected[i], tolerance);
    if (!match) return ::testing::AssertionFailure() << "output " << i << ": " << match.message();
  }
  return ::testing::AssertionSuccess();
}

// The converter op cases TF did not reject.
std::vector<std::string> EngineCaseNames() {
  std::vector<std::string> names;
  for (const std::string& name : testing::OpCaseNames()) {
    std::optional<testing::OpCase> op_case = testing::ReadOpCase(name);
    if (!op_case.has_value() || op_case->error.has_value()) continue;
    if (ConverterTable::Global().Find(op_case->node.op) != nullptr) names.push_back(name);
  }
  return names;
}

// The engine precision's tolerance; FP16's where the case's own tensors are half (TF's half
// kernels round between steps, engines compute in float and round once).
testing::Tolerance CaseTolerance(const testing::OpCase& op_case, const std::string& precision) {
  auto is_half = [](const Tensor& tensor) { return tensor.dtype() == DataType::kHalf; };
  const bool half = std::any_of(op_case.inputs.begin(), op_case.inputs.end(), is_half) ||
                    std::any_of(op_case.outputs.begin(), op_case.outputs.end(), is_half);
  return testing::EngineTolerance(half ? "FP16" : precision);
}

class EngineConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(EngineConformance, MatchesTensorFlowOnEveryBackend) {
  std::optional<testing::OpCase> op_case = testing::ReadOpCase(GetParam());
  ASSERT_TRUE(op_case.has_value());
  const std::string& op = op_case->node.op;
  auto segment = MakeSegment(*op_case, *ConverterTable::Global().Find(op));
  if (!segment.ok()) GTEST_SKIP() << "not an engine case: " << segment.status().message();
  for (const char* precision : kPrecisions) {
    // FP16 rounds the inputs: TF's float32 results stay the reference unless the op jumps
    // or a value leaves half's range; then the cpu backend's exact FP16 emulation is.
    const bool fp16 = std::string(precision) == "FP16";
    const bool tf_reference =
        !fp16 || (!JumpsOnRounding(op) && FitsHalf(op_case->inputs) && FitsHalf(segment->expected));
    StatusOr<std::vector<Tensor>> cpu_outputs = Status::Internal("not run");
    for (const Backend& backend : Backends()) {
      // The segmenter keeps what a backend does not run native: no cell to fill.
      const LayerKind kind = ConverterTable::Global().Find(op)->kind;
      if (backend.backend->Supports(kind, op, segment->dtypes).has_value()) continue;
      const std::string column = backend.name + ":" + precision;
      StatusOr<std::vector<Tensor>> outputs = RunOn(*segment, *backend.backend, precision);
      if (backend.name == "cpu") cpu_outputs = outputs;
      ::testing::AssertionResult ok = ::testing::AssertionSuccess();
      if (!outputs.ok()) {
        ok = ::testing::AssertionFailure() << outputs.status().ToString();
      } else if (tf_reference) {
        ok = OutputsMatch(*outputs, segment->expected, CaseTolerance(*op_case, precision));
      }
      if (ok && outputs.ok() && backend.name != "cpu") {
        if (!cpu_outputs.ok()) {
          ok = ::testing::AssertionFailure() << "the cpu backend failed";
        } else {
          ok = OutputsMatch(*outputs, *cpu_outputs, CaseTolerance(*op_case, precision));
          if (!ok) ok << " (against the cpu backend)";
        }
      }
      Table::Get().Record(op, column, static_cast<bool>(ok));
      EXPECT_TRUE(ok) << column;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, EngineConformance, ::testing::ValuesIn(EngineCaseNames()),
                         [](const auto& info) { return testing::OpCaseTestName(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(EngineConformance);

TEST(EngineConformanceSetup, EveryConverterOpHasACase) {
  if (testing::OpCaseNames().empty()) {
    GTEST_FAIL() << "no op cases in " << testing::OpCasesDir()
                 << ": run tests/op_cases/make_op_cases.py --out <dir> and set "
                    "TFTRT_OP_CASES_DIR";
  }
  std::set<std::string> covered;
  for (const std::string& name : EngineCaseNames()) {
    std::optional<testing::OpCase> op_case = testing::ReadOpCase(name);
    const OpConverter* converter = ConverterTable::Global().Find(op_case->node.op);
    if (MakeSegment(*op_case, *converter).ok()) covered.insert(op_case->node.op);
  }
  for (const std::string& op : ConverterTable::Global().Ops()) {
    if (IsIdentityLike(op)) continue;  // aliased, never a layer
    if (IsEngineOnlyOp(op)) continue;  // no TF case: tests/engine/*_folding_test.cc
    EXPECT_TRUE(covered.contains(op))
        << "converter op " << op << " has no engine case in tests/op_cases";
  }
}

}  // namespace
}  // namespace tftrt

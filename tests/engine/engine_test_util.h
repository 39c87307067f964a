// Helpers for the engine, segmenter and engine-node tests: dtypes of hand-built graphs,
// random data, bit-exact comparison, converting a graph (segments -> engine nodes) and
// running it with its segment functions on the native executor.
#ifndef TFTRT_TESTS_ENGINE_ENGINE_TEST_UTIL_H_
#define TFTRT_TESTS_ENGINE_ENGINE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/cpu_engine.h"
#include "backends/registry.h"
#include "engine/network_builder.h"
#include "graph/attrs.h"
#include "graph/op_defs.h"
#include "graph/output_types.h"
#include "passes/pass_test_util.h"
#include "runtime/engine_cache.h"
#include "runtime/executor.h"
#include "segment/engine_node.h"
#include "segment/segmenter.h"

namespace tftrt {

// Lets GoogleTest print reason kinds by name (found by argument-dependent lookup).
inline void PrintTo(NativeReasonKind kind, std::ostream* os) { *os << NativeReasonKindName(kind); }

namespace testing {

// tftrt's builtin OpDef table (an empty MetaGraphDef adds no ops of its own).
inline const OpDefs& BuiltinOpDefs() {
  static const OpDefs* op_defs = new OpDefs(tensorflow::MetaGraphDef());
  return *op_defs;
}

inline StatusOr<GraphTypes> InferTypes(const Graph& graph) {
  return GraphTypes::Infer(graph, BuiltinOpDefs());
}

// NHWC, stride 1, SAME padding.
inline AttrMap ConvAttrs() {
  return {{"strides", IntListAttr({1, 1, 1, 1})},
          {"padding", StringAttr("SAME")},
          {"data_format", StringAttr("NHWC")}};
}

// Uniform float values in [low, high), reproducible from `seed`.
inline Tensor RandomTensor(Shape shape, uint32_t seed, float low = -1.0f, float high = 1.0f) {
  Tensor tensor(DataType::kFloat, std::move(shape));
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> distribution(low, high);
  float* data = tensor.flat<float>();
  for (int64_t i = 0; i < tensor.NumElements(); ++i) data[i] = distribution(generator);
  return tensor;
}

// Same dtype, shape and bytes.
inline ::testing::AssertionResult BitIdentical(const Tensor& actual, const Tensor& expected) {
  if (actual.dtype() != expected.dtype() || actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure()
           << "got " << actual.DebugString() << ", expected " << expected.DebugString();
  }
  if (std::memcmp(actual.raw_data(), expected.raw_data(), expected.ByteSize()) != 0) {
    return ::testing::AssertionFailure() << "values differ\n  got      " << actual.ValuesString()
                                         << "\n  expected " << expected.ValuesString();
  }
  return ::testing::AssertionSuccess();
}

inline bool IsHalfExact(float value) { return HalfToFloat(FloatToHalf(value)) == value; }

// Every element of a float tensor holds a value that half precision represents exactly.
inline ::testing::AssertionResult AllHalfExact(const Tensor& tensor) {
  if (tensor.dtype() != DataType::kFloat) {
    return ::testing::AssertionFailure() << "not float: " << tensor.DebugString();
  }
  for (int64_t i = 0; i < tensor.NumElements(); ++i) {
    const float value = tensor.flat<float>()[i];
    if (!IsHalfExact(value)) {
      return ::testing::AssertionFailure()
             << "element " << i << " = " << value << " is not a half-precision value";
    }
  }
  return ::testing::AssertionSuccess();
}

// Segments `graph` and replaces each segment by an engine node (as Converter::Convert
// does); the segment functions go to `functions`.
inline StatusOr<std::vector<Node*>> ConvertGraph(Graph& graph, const SegmenterOptions& options,
                                                 const EngineNodeParams& params,
                                                 FunctionGraphs* functions,
                                                 int graph_sequence = 0) {
  TFTRT_ASSIGN_OR_RETURN(GraphTypes types, InferTypes(graph));
  TFTRT_ASSIGN_OR_RETURN(Segmentation segmentation, FindSegments(graph, types, options));
  return CreateEngineNodes(graph, segmentation.segments, types, params, graph_sequence, functions);
}

// An executor for `graph` (not owned) and its functions; `caches` may be null.
inline std::unique_ptr<Executor> MakeExecutor(const Graph& graph, const FunctionGraphs& functions,
                                              std::shared_ptr<EngineCaches> caches = nullptr) {
  return std::make_unique<Executor>(std::shared_ptr<const Graph>(&graph, [](const Graph*) {}),
                                    std::make_shared<FunctionGraphs>(functions), std::move(caches));
}

inline StatusOr<std::vector<Tensor>> RunWithFunctions(
    const Graph& graph, const FunctionGraphs& functions, std::vector<Tensor> args,
    std::shared_ptr<EngineCaches> caches = nullptr) {
  return MakeExecutor(graph, functions, std::move(caches))->Run(std::move(args));
}

// Lowers `segment` for inputs of these dtypes and shapes and compiles it on the cpu backend.
inline StatusOr<std::unique_ptr<Engine>> BuildCpuEngine(const Graph& segment,
                                                        const std::vector<EngineArg>& args,
                                                        const BuildOptions& options = {}) {
  TFTRT_ASSIGN_OR_RETURN(EngineNetwork network, BuildNetwork(segment, args, options));
  return CpuEngineBackend().Compile(std::move(network));
}

// A backend that accepts engines of exactly one target and compiles nothing: for tests of
// what is checked before compiling (engine blobs, asset loading).
class TargetOnlyBackend : public EngineBackend {
 public:
  explicit TargetOnlyBackend(std::string target) : target_(std::move(target)) {}
  std::string target() const override { return target_; }
  std::optional<NativeReason> Supports(LayerKind, const std::string&,
                                       const std::vector<DataType>&) const override {
    return std::nullopt;
  }
  StatusOr<std::unique_ptr<Engine>> Compile(EngineNetwork) const override {
    return Status::Unimplemented("TargetOnlyBackend compiles nothing");
  }

 private:
  std::string target_;
};

// Engine inputs (no weights) with the dtypes and shapes of `tensors`.
inline std::vector<EngineArg> ArgsFor(const std::vector<Tensor>& tensors) {
  std::vector<EngineArg> args;
  for (const Tensor& tensor : tensors) args.push_back({tensor.dtype(), tensor.shape(), nullptr});
  return args;
}

// Builds `segment` with the network rewrites (fusion, pad folding: BuildOptions::fuse) and
// without, runs both on the cpu backend on `inputs`, and expects bit-identical outputs.
// Returns the rewritten network.
inline EngineNetwork ExpectRewritesKeepResults(const Graph& segment,
                                               const std::vector<Tensor>& inputs) {
  BuildOptions rewritten_options, plain_options;
  rewritten_options.fuse = true;
  plain_options.fuse = false;
  auto rewritten = BuildCpuEngine(segment, ArgsFor(inputs), rewritten_options);
  auto plain = BuildCpuEngine(segment, ArgsFor(inputs), plain_options);
  EXPECT_TRUE(rewritten.ok()) << rewritten.status().ToString();
  EXPECT_TRUE(plain.ok()) << plain.status().ToString();
  if (!rewritten.ok() || !plain.ok()) return {};
  auto expected = (*plain)->Run(inputs);
  auto actual = (*rewritten)->Run(inputs);
  EXPECT_TRUE(expected.ok()) << expected.status().ToString();
  EXPECT_TRUE(actual.ok()) << actual.status().ToString();
  if (expected.ok() && actual.ok()) {
    EXPECT_EQ(actual->size(), expected->size());
    for (size_t i = 0; i < std::min(actual->size(), expected->size()); ++i) {
      EXPECT_TRUE(BitIdentical((*actual)[i], (*expected)[i])) << "output " << i;
    }
  }
  return (*rewritten)->plan();
}

}  // namespace testing
}  // namespace tftrt

#endif  // TFTRT_TESTS_ENGINE_ENGINE_TEST_UTIL_H_

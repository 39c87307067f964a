// TRTEngineOp: an engine node. It runs its segment as an engine on the cpu backend,
// picking the cached engine built for the input shapes, building one when allowed
// (_allow_build_at_runtime), and otherwise running the native segment function
// (segment_func) on the executor, as TF-TRT's TRTEngineOp does. Inputs listed in
// _tftrt_weight_inputs are frozen weights: baked into engines, not engine inputs.
#include <chrono>
#include <set>

#include "common/logging.h"
#include "engine/network_builder.h"
#include "graph/attrs.h"
#include "runtime/engine_cache.h"
#include "runtime/kernel.h"

namespace tftrt {
namespace {

struct EngineOpAttrs {
  std::string segment_function;
  Precision precision = Precision::kFP32;
  int64_t workspace_size_bytes = 0;
  int max_cached_engines = 1;
  bool allow_build_at_runtime = true;
  std::set<int> weight_inputs;
};

StatusOr<EngineOpAttrs> ReadParams(const Node& node) {
  EngineOpAttrs params;
  TFTRT_ASSIGN_OR_RETURN(params.segment_function, GetFuncAttr(node, "segment_func"));
  TFTRT_ASSIGN_OR_RETURN(std::string precision, GetStringAttrOr(node, "precision_mode", "FP32"));
  TFTRT_ASSIGN_OR_RETURN(params.precision, ParsePrecision(precision));
  TFTRT_ASSIGN_OR_RETURN(params.workspace_size_bytes,
                         GetIntAttrOr(node, "workspace_size_bytes", int64_t{1} << 30));
  TFTRT_ASSIGN_OR_RETURN(int64_t max_engines, GetIntAttrOr(node, "max_cached_engines_count", 1));
  params.max_cached_engines = static_cast<int>(max_engines);
  TFTRT_ASSIGN_OR_RETURN(params.allow_build_at_runtime,
                         GetBoolAttrOr(node, "_allow_build_at_runtime", true));
  if (HasAttr(node, "_tftrt_weight_inputs")) {
    TFTRT_ASSIGN_OR_RETURN(auto weights, GetIntListAttr(node, "_tftrt_weight_inputs"));
    for (int64_t index : weights) params.weight_inputs.insert(static_cast<int>(index));
  }
  return params;
}

StatusOr<std::unique_ptr<CpuEngine>> BuildEngine(const Graph& segment, const EngineOpAttrs& params,
                                                 const OpKernelContext& ctx) {
  std::vector<EngineArg> args;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const Tensor& input = ctx.input(i);
    args.push_back(
        {input.dtype(), input.shape(), params.weight_inputs.contains(i) ? &input : nullptr});
  }
  BuildOptions options{params.precision, params.workspace_size_bytes};
  const auto start = std::chrono::steady_clock::now();
  TFTRT_ASSIGN_OR_RETURN(EngineNetwork network, BuildNetwork(segment, args, options));
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<CpuEngine> engine, CpuEngine::Create(std::move(network)));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::string shapes;
  for (const Shape& shape : EngineInputShapes(engine->network())) shapes += ShapeToString(shape);
  LogInfo("built an " + std::string(PrecisionName(params.precision)) + " engine for '" +
          EngineCacheName(ctx.node().name) + "' (inputs " + shapes + ", " +
          std::to_string(engine->network().layer_size()) + " layers) in " +
          std::to_string(static_cast<int>(ms)) + " ms");
  return engine;
}

// The engine for the current inputs: cached, or built now if allowed; null to go native.
std::shared_ptr<const CpuEngine> FindEngine(OpKernelContext& ctx, FunctionRunner& functions,
                                            const EngineOpAttrs& params) {
  const Node& node = ctx.node();
  std::shared_ptr<EngineCache> cache =
      functions.engine_caches().Get(node.name, params.max_cached_engines);
  std::vector<Shape> shapes;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (!params.weight_inputs.contains(i)) shapes.push_back(ctx.input(i).shape());
  }
  if (!params.allow_build_at_runtime) return cache->Find(shapes);
  const Graph* segment = functions.FindFunction(params.segment_function);
  if (segment == nullptr) return cache->Find(shapes);
  bool built_now = false;
  auto engine = cache->FindOrBuild(shapes, [&]() {
    built_now = true;
    return BuildEngine(*segment, params, ctx);
  });
  if (!engine.ok()) {
    if (built_now) {
      LogWarning("engine node '" + node.name + "' could not build an engine; it runs its native " +
                 "segment: " + engine.status().ToString());
    }
    return nullptr;
  }
  return *engine;
}

Status EngineOpKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(FunctionRunner * functions, ModelFunctions(ctx));
  TFTRT_ASSIGN_OR_RETURN(EngineOpAttrs params, ReadParams(ctx.node()));
  if (std::shared_ptr<const CpuEngine> engine = FindEngine(ctx, *functions, params)) {
    std::vector<Tensor> engine_inputs;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      if (!params.weight_inputs.contains(i)) engine_inputs.push_back(ctx.input(i));
    }
    auto outputs = engine->Run(std::move(engine_inputs));
    if (outputs.ok()) {
      for (size_t i = 0; i < outputs->size(); ++i) ctx.set_output(i, std::move((*outputs)[i]));
      return Status::Ok();
    }
    LogWarning("engine of node '" + ctx.node().name +
               "' failed; running its native segment: " + outputs.status().ToString());
  }
  std::vector<Tensor> args;
  for (int i = 0; i < ctx.num_inputs(); ++i) args.push_back(ctx.TakeInput(i));
  TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> outputs,
                         functions->Run(params.segment_function, std::move(args)));
  for (size_t i = 0; i < outputs.size(); ++i) ctx.set_output(i, std::move(outputs[i]));
  return Status::Ok();
}

}  // namespace

void RegisterEngineOps(KernelRegistry& registry) {
  registry.Register("TRTEngineOp", &EngineOpKernel);
}

}  // namespace tftrt

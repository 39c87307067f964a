// TRTEngineOp: an engine node. It runs its segment as an engine on the model's backend,
// picking the cached engine built for the input shapes, building one when allowed
// (_allow_build_at_runtime), and otherwise running the native segment function
// (segment_func) on the executor, as TF-TRT's TRTEngineOp does. In strict mode
// (EngineRuntime::require_engines) running the native segment is an error that says why.
// Inputs listed in _tftrt_weight_inputs are frozen weights: baked into engines, not
// engine inputs.
//
// INT8 with use_calibration: engines take their ranges from the calibration table in
// `calibration_data`; while the model's EngineCaches hold a calibration session (during
// Converter::Convert), the node runs its native segment and records calibration data
// instead (runtime/segment_calibrator.h). Layers named in _tftrt_int8_fp16_layers stay in
// FP16 (an INT8 error limit chose them: api/int8_accuracy.h). While the caches hold an
// Int8EvaluationRecorder, an INT8 node runs its native segment and records its args there.
#include "runtime/engine_op.h"

#include <algorithm>
#include <set>

#include "common/logging.h"
#include "engine/build_engine.h"
#include "engine/ops/op_converter.h"
#include "graph/attrs.h"
#include "runtime/calibration_session.h"
#include "runtime/engine_cache.h"
#include "runtime/int8_evaluation_recorder.h"

namespace tftrt {
namespace {

struct EngineOpAttrs {
  std::string segment_function;
  Precision precision = Precision::kFP32;
  int64_t workspace_size_bytes = 0;
  int max_cached_engines = 1;
  bool allow_build_at_runtime = true;
  bool allow_tf32 = true;
  bool use_calibration = false;
  std::string calibration_data;
  std::set<std::string> int8_fp16_layers;
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
  TFTRT_ASSIGN_OR_RETURN(params.allow_tf32, GetBoolAttrOr(node, "_tftrt_allow_tf32", true));
  TFTRT_ASSIGN_OR_RETURN(params.use_calibration, GetBoolAttrOr(node, "use_calibration", false));
  TFTRT_ASSIGN_OR_RETURN(params.calibration_data, GetStringAttrOr(node, "calibration_data", ""));
  if (HasAttr(node, kInt8Fp16LayersAttr)) {
    TFTRT_ASSIGN_OR_RETURN(auto layers, GetStringListAttr(node, kInt8Fp16LayersAttr));
    params.int8_fp16_layers = {layers.begin(), layers.end()};
  }
  if (HasAttr(node, "_tftrt_weight_inputs")) {
    TFTRT_ASSIGN_OR_RETURN(auto weights, GetIntListAttr(node, "_tftrt_weight_inputs"));
    for (int64_t index : weights) params.weight_inputs.insert(static_cast<int>(index));
  }
  return params;
}

bool Calibrates(const EngineOpAttrs& params) {
  return params.precision == Precision::kINT8 && params.use_calibration;
}

// The segment's args for the node's inputs: engine inputs, and the frozen weights.
std::vector<EngineArg> EngineArgsOf(const OpKernelContext& ctx, const EngineOpAttrs& params) {
  std::vector<EngineArg> args;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const Tensor& input = ctx.input(i);
    args.push_back(
        {input.dtype(), input.shape(), params.weight_inputs.contains(i) ? &input : nullptr});
  }
  return args;
}

// The ranges of a calibrated INT8 node's engines: its calibration table.
StatusOr<CalibrationTable> CalibratedRanges(const EngineOpAttrs& params) {
  if (params.calibration_data.empty()) {
    return Status::FailedPrecondition(
        "an INT8 engine with use_calibration needs the ranges of a calibration, and its "
        "calibration_data attribute is empty (calibrate with Converter::Convert("
        "calibration_input_fn), or convert with use_calibration=False)");
  }
  auto table = ParseCalibrationTable(params.calibration_data);
  if (!table.ok()) return table.status().WithContext("in the calibration_data attribute");
  return table;
}

// How the node builds its engines; INT8 ranges are left for the caller to point at.
BuildOptions BuildOptionsOf(const EngineOpAttrs& params) {
  return {.precision = params.precision,
          .workspace_size_bytes = params.workspace_size_bytes,
          .allow_tf32 = params.allow_tf32,
          .int8_fp16_layers = params.int8_fp16_layers};
}

// The ranges of the node's INT8 engines: its calibration table with use_calibration;
// without, none here (only the segment's quantization ops give ranges).
StatusOr<CalibrationTable> Int8RangesOf(const EngineOpAttrs& params) {
  if (Calibrates(params)) return CalibratedRanges(params);
  return CalibrationTable{};
}

StatusOr<std::unique_ptr<Engine>> BuildForInputs(const Graph& segment, const EngineOpAttrs& params,
                                                 const OpKernelContext& ctx,
                                                 const EngineBackend& backend) {
  BuildOptions options = BuildOptionsOf(params);
  CalibrationTable ranges;
  if (params.precision == Precision::kINT8) {
    TFTRT_ASSIGN_OR_RETURN(ranges, Int8RangesOf(params));
    options.int8_ranges = &ranges;
  }
  return BuildEngine(EngineCacheName(ctx.node().name), segment, EngineArgsOf(ctx, params), options,
                     backend);
}

// Runs the native segment on the node's inputs and sets its outputs.
Status RunNativeSegment(OpKernelContext& ctx, FunctionRunner& functions,
                        const EngineOpAttrs& params) {
  std::vector<Tensor> args;
  for (int i = 0; i < ctx.num_inputs(); ++i) args.push_back(ctx.TakeInput(i));
  TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> outputs,
                         functions.Run(params.segment_function, std::move(args)));
  for (size_t i = 0; i < outputs.size(); ++i) ctx.set_output(i, std::move(outputs[i]));
  return Status::Ok();
}

// INT8 evaluation mode: records the node's args, then runs its native segment.
Status RecordForEvaluation(OpKernelContext& ctx, FunctionRunner& functions,
                           const EngineOpAttrs& params, Int8EvaluationRecorder& recorder) {
  RecordedEngineNode node{.segment = functions.FindFunction(params.segment_function),
                          .options = BuildOptionsOf(params),
                          .weight_inputs = params.weight_inputs};
  if (node.segment == nullptr) {
    return Status::NotFound("segment function '" + params.segment_function + "' is missing");
  }
  TFTRT_ASSIGN_OR_RETURN(node.ranges, Int8RangesOf(params));
  std::vector<Tensor> args;
  for (int i = 0; i < ctx.num_inputs(); ++i) args.push_back(ctx.input(i));
  recorder.Record(EngineCacheName(ctx.node().name), node, std::move(args));
  return RunNativeSegment(ctx, functions, params);
}

// Calibration mode: runs the native segment, recording its tensors in `session`.
Status Calibrate(OpKernelContext& ctx, FunctionRunner& functions, const EngineOpAttrs& params,
                 EngineCache& cache, CalibrationSession& session) {
  const Graph* segment = functions.FindFunction(params.segment_function);
  if (segment == nullptr) {
    return Status::NotFound("segment function '" + params.segment_function + "' is missing");
  }
  TFTRT_ASSIGN_OR_RETURN(std::shared_ptr<SegmentCalibrator> calibrator,
                         session.Get(EngineCacheName(ctx.node().name), [&]() {
                           return SegmentCalibrator::Create(*segment, EngineArgsOf(ctx, params));
                         }));
  std::vector<Tensor> args;
  for (int i = 0; i < ctx.num_inputs(); ++i) args.push_back(ctx.TakeInput(i));
  auto outputs = calibrator->Run(std::move(args));
  if (!outputs.ok()) {
    return outputs.status().WithContext("while calibrating engine node '" + ctx.node().name + "'");
  }
  for (size_t i = 0; i < outputs->size(); ++i) ctx.set_output(i, std::move((*outputs)[i]));
  cache.CountCalibrationBatch();
  return Status::Ok();
}

// The engine for the current inputs: cached, or built now if allowed. Otherwise the
// reason the node must run its native segment.
StatusOr<std::shared_ptr<const Engine>> FindEngine(OpKernelContext& ctx, FunctionRunner& functions,
                                                   const EngineOpAttrs& params,
                                                   EngineCache& cache) {
  std::vector<Shape> shapes;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (!params.weight_inputs.contains(i)) shapes.push_back(ctx.input(i).shape());
  }
  if (auto engine = cache.Find(shapes)) return engine;
  std::string shape_text;
  for (const Shape& shape : shapes) shape_text += ShapeToString(shape);
  if (!params.allow_build_at_runtime) {
    return Status::NotFound("no engine for input shapes " + shape_text +
                            " and building at run time is not allowed");
  }
  const Graph* segment = functions.FindFunction(params.segment_function);
  if (segment == nullptr) {
    return Status::NotFound("segment function '" + params.segment_function + "' is missing");
  }
  const EngineBackend& backend = *functions.engine_caches().runtime().backend;
  bool built_now = false;
  auto engine = cache.FindOrBuild(shapes, [&]() {
    built_now = true;
    return BuildForInputs(*segment, params, ctx, backend);
  });
  if (!engine.ok()) {
    return engine.status().WithContext("while building an engine for input shapes " + shape_text +
                                       (built_now ? "" : " (an earlier build failed)"));
  }
  return engine;
}

// Runs the engine for the inputs; the reason it could not otherwise.
Status RunEngine(OpKernelContext& ctx, FunctionRunner& functions, const EngineOpAttrs& params,
                 EngineCache& cache) {
  TFTRT_ASSIGN_OR_RETURN(std::shared_ptr<const Engine> engine,
                         FindEngine(ctx, functions, params, cache));
  std::vector<Tensor> engine_inputs;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (!params.weight_inputs.contains(i)) engine_inputs.push_back(ctx.input(i));
  }
  auto outputs = engine->Run(std::move(engine_inputs));
  if (!outputs.ok()) {
    return outputs.status().WithContext("while running its engine on " + engine->target());
  }
  for (size_t i = 0; i < outputs->size(); ++i) ctx.set_output(i, std::move((*outputs)[i]));
  cache.CountEngineRun();
  return Status::Ok();
}

Status EngineOpKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(FunctionRunner * functions, ModelFunctions(ctx));
  TFTRT_ASSIGN_OR_RETURN(EngineOpAttrs params, ReadParams(ctx.node()));
  EngineCaches& caches = functions->engine_caches();
  std::shared_ptr<EngineCache> cache = caches.Get(ctx.node().name, params.max_cached_engines);
  if (std::shared_ptr<CalibrationSession> session = caches.calibration();
      session != nullptr && Calibrates(params)) {
    return Calibrate(ctx, *functions, params, *cache, *session);
  }
  if (std::shared_ptr<Int8EvaluationRecorder> recorder = caches.int8_evaluation();
      recorder != nullptr && params.precision == Precision::kINT8) {
    return RecordForEvaluation(ctx, *functions, params, *recorder);
  }
  Status engine_status = RunEngine(ctx, *functions, params, *cache);
  if (engine_status.ok()) return Status::Ok();
  const std::string why =
      "engine node '" + ctx.node().name + "' cannot run an engine: " + engine_status.ToString();
  if (caches.runtime().require_engines) {
    return Status::FailedPrecondition(
        why +
        "\n  (strict mode: --require-engines / TFTRT_REQUIRE_ENGINES forbid running the "
        "native segment)");
  }
  if (cache->stats().native_fallbacks == 0) LogWarning(why + "; it runs its native segment");
  cache->CountNativeFallback();
  return RunNativeSegment(ctx, *functions, params);
}

}  // namespace

KernelFn FindRuntimeKernel(const std::string& op) {
  if (op == kEngineOp) return &EngineOpKernel;
  return KernelRegistry::Global().Find(op);
}

std::vector<std::string> RuntimeOps() {
  std::vector<std::string> ops;
  for (std::string& op : KernelRegistry::Global().Ops()) {
    if (!IsEngineOnlyOp(op)) ops.push_back(std::move(op));  // not TF ops: never in a graph
  }
  ops.insert(std::upper_bound(ops.begin(), ops.end(), std::string(kEngineOp)), kEngineOp);
  return ops;
}

}  // namespace tftrt

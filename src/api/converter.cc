#include "tftrt/converter.h"

#include <atomic>
#include <cmath>

#include "api/calibration.h"
#include "api/conversion_summary.h"
#include "api/int8_accuracy.h"
#include "common/env.h"
#include "common/logging.h"
#include "engine/precision.h"
#include "engine/quantization_ranges.h"
#include "graph/attrs.h"
#include "graph/graph_copy.h"
#include "graph/load_signature.h"
#include "graph/output_types.h"
#include "graph/signature_export.h"
#include "passes/pass_manager.h"
#include "runtime/engine_assets.h"
#include "runtime/model_factory.h"
#include "runtime/table_initializer.h"
#include "segment/engine_node.h"
#include "segment/lift_weights.h"
#include "segment/segmenter.h"

namespace tftrt {
namespace {

// Constants at least this large are saved in the variables bundle, not in saved_model.pb.
constexpr int64_t kMinVariableBytes = 256;

// TF-TRT numbers converted graphs with a process-wide counter: TRTEngineOp_<graph>_<segment>.
int NextGraphSequence() {
  static std::atomic<int> next{0};
  return next++;
}

// Problems with the input model are the caller's bad argument (the seed's ValueError).
Status AsInvalidArgument(const Status& status) {
  if (status.ok() || status.code() == StatusCode::kInvalidArgument) return status;
  return Status::InvalidArgument(status.message());
}

// Records why each node stays native, for summaries of the saved model.
void AnnotateNativeReasons(const Segmentation& segmentation) {
  for (const auto& [node, reason] : segmentation.native) {
    const_cast<Node*>(node)->attrs["_tftrt_native_reason"] =
        StringAttr(std::string(NativeReasonKindName(reason.kind)) + ": " + reason.detail);
  }
}

// The precision of the engines: INT8 without calibration needs quantization ops for its
// ranges; a model without any gets FP16 engines, as TF-TRT demotes them.
Precision EnginePrecision(Precision requested, const ConversionParams& params,
                          const ImportedSignature& imported) {
  if (requested != Precision::kINT8 || params.use_calibration ||
      HasQuantizationOps(*imported.graph, *imported.functions)) {
    return requested;
  }
  LogWarning(
      "INT8 without calibration takes its ranges from quantization ops (QuantizeAndDequantizeV2/"
      "V3/V4, FakeQuantWithMinMaxVars/Args) and the model has none: its engines are FP16");
  return Precision::kFP16;
}

}  // namespace

struct Converter::State {
  ConverterOptions options;
  Precision precision = Precision::kFP32;
  ImportedSignature imported;
  std::shared_ptr<EngineCaches> engine_caches;
  std::shared_ptr<Model> function;
  std::vector<PassRun> passes;
  bool built = false;
};

Converter::Converter(std::unique_ptr<State> state) : state_(std::move(state)) {}
Converter::Converter(Converter&&) noexcept = default;
Converter& Converter::operator=(Converter&&) noexcept = default;
Converter::~Converter() = default;

StatusOr<Converter> Converter::Create(ConverterOptions options) {
  TFTRT_RETURN_IF_ERROR(ValidateConversionParams(options.conversion_params));
  TFTRT_RETURN_IF_ERROR(CheckPassOptions({options.disabled_passes}));
  if (options.env == nullptr) options.env = Env::Default();
  if (!options.env->IsDirectory(options.input_saved_model_dir)) {
    return Status::InvalidArgument("input_saved_model_dir '" + options.input_saved_model_dir +
                                   "' is not a directory");
  }
  auto state = std::make_unique<State>();
  TFTRT_ASSIGN_OR_RETURN(state->precision,
                         ParsePrecision(options.conversion_params.precision_mode));
  auto imported =
      LoadSignature(options.env, options.input_saved_model_dir,
                    options.input_saved_model_signature_key, options.input_saved_model_tags);
  if (!imported.ok()) return AsInvalidArgument(imported.status());
  TFTRT_RETURN_IF_ERROR(AttachInitializedTables(options.env, options.input_saved_model_dir,
                                                options.input_saved_model_tags,
                                                imported->graph.get()));
  state->imported = std::move(imported).value();
  TFTRT_ASSIGN_OR_RETURN(EngineRuntime runtime, EngineRuntimeFor(options.model_options));
  state->engine_caches = std::make_shared<EngineCaches>(runtime);
  state->options = std::move(options);
  return Converter(std::move(state));
}

StatusOr<std::shared_ptr<Model>> Converter::Convert(InputFn calibration_input_fn) {
  const ConversionParams& params = state_->options.conversion_params;
  const bool needs_calibration = state_->precision == Precision::kINT8 && params.use_calibration;
  if (needs_calibration && !calibration_input_fn) {
    return Status::InvalidArgument(
        "Should specify calibration_input_fn because INT8 calibration is needed");
  }
  if (!needs_calibration && calibration_input_fn) {
    return Status::InvalidArgument(
        "Should not specify calibration_input_fn because INT8 calibration is not needed");
  }
  if (state_->function != nullptr) {
    return Status::FailedPrecondition("convert() was already called on this converter");
  }
  Graph& graph = *state_->imported.graph;
  TFTRT_ASSIGN_OR_RETURN(state_->passes, RunPasses(graph, {state_->options.disabled_passes}));
  if (params.minimum_segment_size != -1) {
    TFTRT_ASSIGN_OR_RETURN(GraphTypes types, GraphTypes::Infer(graph, *state_->imported.op_defs));
    TFTRT_ASSIGN_OR_RETURN(SegmenterOptions segmenter,
                           SegmenterOptionsFromEnv(params.minimum_segment_size));
    segmenter.backend = state_->engine_caches->runtime().backend;
    TFTRT_ASSIGN_OR_RETURN(Segmentation segmentation, FindSegments(graph, types, segmenter));
    AnnotateNativeReasons(segmentation);
    EngineNodeParams engine_params{
        .precision = EnginePrecision(state_->precision, params, state_->imported),
        .workspace_size_bytes = params.max_workspace_size_bytes,
        .max_cached_engines = params.maximum_cached_engines,
        .use_calibration = needs_calibration,
        .allow_build_at_runtime = true,
        .allow_tf32 = params.allow_tf32};
    TFTRT_RETURN_IF_ERROR(CreateEngineNodes(graph, segmentation.segments, types, engine_params,
                                            NextGraphSequence(), state_->imported.functions.get())
                              .status());
    LogInfo("converted signature '" + state_->options.input_saved_model_signature_key +
            "': " + std::to_string(segmentation.segments.size()) + " engine(s)");
  }
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<Model> function,
                         ModelFactory::FromGraph(state_->options.input_saved_model_signature_key,
                                                 state_->imported.graph, state_->imported.functions,
                                                 state_->engine_caches));
  if (needs_calibration) {
    TFTRT_RETURN_IF_ERROR(CalibrateEngineNodes(*function, *state_->engine_caches,
                                               *state_->imported.graph, calibration_input_fn));
  }
  state_->function = std::move(function);
  return state_->function;
}

Status Converter::Build(InputFn input_fn) {
  if (state_->built) {
    return Status::Unimplemented(
        "build() is already called. It is not supported to call build() more than once.");
  }
  if (!input_fn) {
    return Status::FailedPrecondition(
        "input_fn is None. Method build() needs input_fn to be specified in order to build "
        "TensorRT engines");
  }
  if (state_->function == nullptr) {
    return Status::FailedPrecondition("Need to call convert() before build()");
  }
  int count = 0;
  while (std::optional<InputSet> inputs = input_fn()) {
    auto outputs = state_->function->Run(*inputs);
    if (!outputs.ok()) {
      return outputs.status().WithContext("while building engines for input set " +
                                          std::to_string(count));
    }
    ++count;
  }
  LogInfo("built engines for " + std::to_string(count) + " input set(s)");
  state_->built = true;
  return Status::Ok();
}

Status Converter::Save(const std::string& output_saved_model_dir, bool overwrite) {
  if (state_->function == nullptr) {
    return Status::FailedPrecondition("Need to call convert() before save()");
  }
  // Saving never touches the input model: not in place, not inside it, and not by
  // replacing a directory that holds it.
  const std::string& input_dir = state_->options.input_saved_model_dir;
  if (PathWithin(output_saved_model_dir, input_dir) ||
      PathWithin(input_dir, output_saved_model_dir)) {
    return Status::InvalidArgument("cannot save the converted model to '" + output_saved_model_dir +
                                   "': it is, lies inside or holds the input SavedModel '" +
                                   input_dir + "'");
  }
  std::shared_ptr<Graph> graph = CopyGraph(*state_->imported.graph);
  std::shared_ptr<FunctionGraphs> functions = CopyFunctions(*state_->imported.functions);
  const bool allow_build = state_->options.conversion_params.allow_build_at_runtime;
  for (Node* node : graph->nodes()) {
    if (node->op == "TRTEngineOp") node->attrs["_allow_build_at_runtime"] = BoolAttr(allow_build);
  }
  TFTRT_RETURN_IF_ERROR(LiftEngineWeights(*graph, *functions, kMinVariableBytes));
  SignatureExport what;
  what.signature_key = state_->options.input_saved_model_signature_key;
  what.graph = graph;
  what.functions = functions;
  what.assets = EngineAssetFiles(*state_->engine_caches);
  what.min_variable_bytes = kMinVariableBytes;
  what.op_defs = state_->imported.op_defs;
  what.tensorflow_version = state_->imported.tensorflow_version;
  what.tables = AttachedTableContents(*graph);
  TFTRT_RETURN_IF_ERROR_CTX(
      ExportSignature(state_->options.env, output_saved_model_dir, what, {.overwrite = overwrite}),
      "while saving the converted model to " + output_saved_model_dir);
  return Status::Ok();
}

StatusOr<ConversionSummary> Converter::Summary(InputFn evaluation_input_fn) const {
  if (state_->function == nullptr) {
    return Status::FailedPrecondition("Need to call convert() before summary()");
  }
  const auto caches = state_->engine_caches->All();
  std::map<std::string, std::vector<std::shared_ptr<const Engine>>> built;
  std::map<std::string, const EngineNetwork*> plans;
  for (const auto& [name, cache] : caches) {
    built[name] = cache->Engines();
    if (!built[name].empty()) plans[name] = &built[name].front()->plan();
  }
  ConversionSummary summary =
      SummarizeGraph(*state_->imported.graph, *state_->imported.functions, plans);
  for (EngineSummary& engine : summary.engines) {
    for (const auto& engine_built : built[engine.name]) {
      engine.targets.push_back(engine_built->target());
    }
  }
  for (const PassRun& run : state_->passes) {
    summary.passes.push_back(
        {run.name, run.ran, run.milliseconds, run.nodes_before, run.nodes_after});
  }
  if (evaluation_input_fn) {
    TFTRT_RETURN_IF_ERROR(
        AddInt8Accuracy(*state_->function, *state_->engine_caches, evaluation_input_fn, &summary));
  }
  return summary;
}

Status Converter::LimitInt8Error(InputFn evaluation_input_fn, double max_output_error) {
  if (state_->function == nullptr) {
    return Status::FailedPrecondition("Need to call convert() before limit_int8_error()");
  }
  if (state_->built) {
    return Status::FailedPrecondition(
        "limit_int8_error() after build(): call it before build(), which then builds engines "
        "with the layers it keeps in FP16");
  }
  if (state_->precision != Precision::kINT8) {
    return Status::InvalidArgument("limit_int8_error() needs precision_mode='INT8', not '" +
                                   state_->options.conversion_params.precision_mode + "'");
  }
  if (!(max_output_error > 0) || !std::isfinite(max_output_error)) {
    return Status::InvalidArgument("the INT8 error bound must be a positive number, not " +
                                   std::to_string(max_output_error));
  }
  if (!evaluation_input_fn) {
    return Status::InvalidArgument("limit_int8_error() needs evaluation_input_fn");
  }
  return LimitInt8EngineErrors(*state_->function, *state_->engine_caches, *state_->imported.graph,
                               evaluation_input_fn, max_output_error);
}

}  // namespace tftrt

// tftrt convert: the seed's Converter on the command line (convert, optional build,
// save), and tftrt summary: what TF-TRT's summary() prints, for a converted SavedModel.
#include <charconv>
#include <cstdio>
#include <type_traits>

#include "commands.h"
#include "common/env.h"
#include "common/npy.h"
#include "model_flags.h"
#include "tftrt/converter.h"

namespace tftrt::cli {
namespace {

template <typename T>
StatusOr<T> ParseNumber(const ParsedFlags& flags, const std::string& name, T fallback) {
  if (!flags.Has(name)) return fallback;
  const std::string text = flags.Get(name);
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("--" + name + " must be " +
                                   (std::is_integral_v<T> ? "an integer" : "a number") + ", got '" +
                                   text + "'");
  }
  return value;
}

StatusOr<ConversionParams> ParamsFromFlags(const ParsedFlags& flags) {
  ConversionParams params;
  params.precision_mode = flags.Get("precision", params.precision_mode);
  TFTRT_ASSIGN_OR_RETURN(params.minimum_segment_size,
                         ParseNumber(flags, "minimum-segment-size", params.minimum_segment_size));
  TFTRT_ASSIGN_OR_RETURN(params.maximum_cached_engines, ParseNumber(flags, "maximum-cached-engines",
                                                                    params.maximum_cached_engines));
  TFTRT_ASSIGN_OR_RETURN(params.max_workspace_size_bytes,
                         ParseNumber(flags, "max-workspace-size", params.max_workspace_size_bytes));
  params.allow_build_at_runtime = !flags.Has("no-build-at-runtime");
  params.use_calibration = !flags.Has("no-calibration");
  params.allow_tf32 = !flags.Has("no-tf32");
  return params;
}

// One input set per .npz archive or subdirectory of .npy files in --`flag` DIR, in name
// order.
StatusOr<std::vector<InputSet>> InputSetsInDir(const ParsedFlags& flags, const std::string& flag) {
  Env* env = Env::Default();
  const std::string dir = flags.Get(flag);
  TFTRT_ASSIGN_OR_RETURN(std::vector<std::string> children, env->GetChildren(dir));
  std::sort(children.begin(), children.end());
  std::vector<InputSet> sets;
  for (const std::string& child : children) {
    const std::string path = JoinPath(dir, child);
    if (!child.ends_with(".npz") && !env->IsDirectory(path)) continue;
    TFTRT_ASSIGN_OR_RETURN(InputSet set, ReadInputSet(path));
    sets.push_back(std::move(set));
  }
  if (sets.empty()) {
    return Status::InvalidArgument("--" + flag + " " + dir +
                                   " holds no .npz archive or subdirectory of .npy inputs");
  }
  return sets;
}

// The --evaluation-inputs-dir sets, or none.
StatusOr<std::vector<InputSet>> EvaluationInputSets(const ParsedFlags& flags) {
  if (!flags.Has("evaluation-inputs-dir")) return std::vector<InputSet>{};
  return InputSetsInDir(flags, "evaluation-inputs-dir");
}

// Input sets for Build(): the --build-input groups (a repeated input name starts the next
// set), then the sets of --build-inputs-dir.
StatusOr<std::vector<InputSet>> BuildInputSets(const ParsedFlags& flags) {
  std::vector<InputSet> sets;
  for (const std::string& spec : flags.GetAll("build-input")) {
    TFTRT_ASSIGN_OR_RETURN(auto input, ReadInputSpec("build-input", spec));
    if (sets.empty() || sets.back().contains(input.first)) sets.emplace_back();
    sets.back()[input.first] = std::move(input.second);
  }
  if (flags.Has("build-inputs-dir")) {
    TFTRT_ASSIGN_OR_RETURN(std::vector<InputSet> more, InputSetsInDir(flags, "build-inputs-dir"));
    std::move(more.begin(), more.end(), std::back_inserter(sets));
  }
  return sets;
}

// The seed's generator over `sets`, or none for no sets.
InputFn Generator(std::vector<InputSet> sets) {
  if (sets.empty()) return nullptr;
  return [sets = std::move(sets), next = size_t{0}]() mutable -> std::optional<InputSet> {
    if (next == sets.size()) return std::nullopt;
    return sets[next++];
  };
}

Status Convert(const ParsedFlags& flags) {
  ConverterOptions options;
  options.input_saved_model_dir = flags.positional[0];
  options.input_saved_model_tags = Tags(flags);
  options.input_saved_model_signature_key = flags.Get("signature", "serving_default");
  TFTRT_ASSIGN_OR_RETURN(options.conversion_params, ParamsFromFlags(flags));
  for (const std::string& pass : flags.GetAll("disable-pass")) options.disabled_passes.insert(pass);
  options.model_options = ModelOptionsFrom(flags);
  // Read the inputs first: a bad file should fail before the long work.
  TFTRT_ASSIGN_OR_RETURN(std::vector<InputSet> build_sets, BuildInputSets(flags));
  std::vector<InputSet> calibration_sets;
  if (flags.Has("calibration-inputs-dir")) {
    TFTRT_ASSIGN_OR_RETURN(calibration_sets, InputSetsInDir(flags, "calibration-inputs-dir"));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<InputSet> evaluation_sets, EvaluationInputSets(flags));
  TFTRT_ASSIGN_OR_RETURN(double max_error, ParseNumber(flags, "int8-max-error", 0.0));
  if (flags.Has("int8-max-error") && evaluation_sets.empty()) {
    return Status::InvalidArgument("--int8-max-error needs --evaluation-inputs-dir");
  }

  TFTRT_ASSIGN_OR_RETURN(Converter converter, Converter::Create(std::move(options)));
  Status converted = converter.Convert(Generator(std::move(calibration_sets))).status();
  if (converted.code() == StatusCode::kInvalidArgument &&
      converted.message().find("calibration_input_fn") != std::string::npos) {
    // The seed's words name its Python argument; say which flag that is here.
    return converted.WithContext(
        "(calibration_input_fn is --calibration-inputs-dir; "
        "--no-calibration turns calibration off)");
  }
  TFTRT_RETURN_IF_ERROR(converted);
  if (flags.Has("int8-max-error")) {
    TFTRT_RETURN_IF_ERROR(converter.LimitInt8Error(Generator(evaluation_sets), max_error));
  }
  if (!build_sets.empty()) TFTRT_RETURN_IF_ERROR(converter.Build(Generator(std::move(build_sets))));
  TFTRT_RETURN_IF_ERROR(converter.Save(flags.positional[1], flags.Has("overwrite")));
  TFTRT_ASSIGN_OR_RETURN(ConversionSummary summary,
                         converter.Summary(Generator(std::move(evaluation_sets))));
  std::printf("%s", FormatSummary(summary).c_str());
  std::printf("saved the converted model to %s\n", flags.positional[1].c_str());
  return Status::Ok();
}

Status Summarize(const ParsedFlags& flags) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<InputSet> evaluation_sets, EvaluationInputSets(flags));
  TFTRT_ASSIGN_OR_RETURN(
      ConversionSummary summary,
      SummarizeSavedModel(flags.positional[0], flags.Get("signature", "serving_default"),
                          Tags(flags), Generator(std::move(evaluation_sets)),
                          ModelOptionsFrom(flags)));
  std::printf("%s", FormatSummary(summary).c_str());
  return Status::Ok();
}

}  // namespace

Command ConvertCommand() {
  return {{.name = "convert",
           .usage = "IN OUT [options]",
           .summary =
               "Converts a SavedModel as TF-TRT's Converter does: runs the graph passes, cuts the "
               "signature into engine segments (TRTEngineOp nodes that keep their native segment "
               "functions) and saves the converted SavedModel to OUT (atomically; never touching "
               "IN). With --build-input or --build-inputs-dir, engines are pre-built for those "
               "input shapes and saved in OUT/assets. Environment: TF_TRT_OP_DENYLIST=OpA,OpB "
               "keeps op types native; TF_TRT_MAX_ALLOWED_ENGINES (default 20) caps the engines.",
           .flags = {{"precision", "FP32|FP16|INT8", "engine precision (default FP32)"},
                     {"minimum-segment-size", "N",
                      "fewest effective nodes per engine (default 3; -1 converts nothing)"},
                     {"maximum-cached-engines", "N", "engines kept per engine node (default 1)"},
                     {"max-workspace-size", "BYTES", "engine workspace (default 1073741824)"},
                     {"no-calibration", "",
                      "INT8 without calibration (use_calibration=False: the model carries its "
                      "quantization ranges)"},
                     {"calibration-inputs-dir", "DIR",
                      "INT8 calibration data: input sets as in --build-inputs-dir"},
                     {"evaluation-inputs-dir", "DIR",
                      "INT8: input sets (as in --build-inputs-dir) on which the printed summary "
                      "measures each INT8 layer's error against FP32, and --int8-max-error "
                      "chooses"},
                     {"int8-max-error", "E",
                      "INT8: keep the most sensitive INT8 layers in FP16 until each engine's "
                      "outputs are within relative L2 error E of FP32 on the evaluation inputs"},
                     {"no-build-at-runtime", "",
                      "run the native segment instead of building a missing engine at run time"},
                     {"overwrite", "", "replace OUT if it exists and is not empty"},
                     {"build-input", "NAME=FILE.npy",
                      "an input for Build(); a repeated NAME starts the next input set"},
                     {"build-inputs-dir", "DIR",
                      "more Build() input sets: each .npz archive (np.savez) in DIR, and each "
                      "subdirectory of NAME.npy files"},
                     {"disable-pass", "NAME",
                      "skip a graph pass (constant_folding, fold_batch_norm, prune_identity, "
                      "common_subexpression); repeatable"},
                     {"no-tf32", "",
                      "FP32 engines on GPUs: full float32 matmuls and convolutions instead of "
                      "TF32 tensor cores (TensorRT's default)"},
                     {"device", "auto|cpu|cuda",
                      "where Build() builds engines, and which backend decides what goes into "
                      "them (default auto; TFTRT_DEVICE)"},
                     {"require-engines", "",
                      "strict mode: building with --build-input fails when an engine node "
                      "cannot build its engine"},
                     TimingCacheFlag(),
                     {"signature", "KEY", "signature to convert (default serving_default)"},
                     {"tag", "TAG", "MetaGraph tag (repeatable; default serve)"}},
           .min_positional = 2,
           .max_positional = 2},
          Convert};
}

Command SummaryCommand() {
  return {{.name = "summary",
           .usage = "DIR [options]",
           .summary = "Prints what TF-TRT's summary() prints for a converted SavedModel: each "
                      "engine with its node count, inputs, outputs and op types (and an INT8 "
                      "engine's INT8 layers), the number of engines and the % of ops converted, "
                      "then every node left native and why.",
           .flags = {{"evaluation-inputs-dir", "DIR",
                      "INT8: input sets (.npz archives or subdirectories of NAME.npy) on which "
                      "each INT8 layer's error against FP32 is measured and printed"},
                     {"device", "auto|cpu|cuda",
                      "where the evaluation builds and runs engines (default auto; TFTRT_DEVICE)"},
                     {"signature", "KEY", "signature (default serving_default)"},
                     {"tag", "TAG", "MetaGraph tag (repeatable; default serve)"}},
           .min_positional = 1,
           .max_positional = 1},
          Summarize};
}

}  // namespace tftrt::cli

// Converter: the seed's tf.experimental.tensorrt.Converter (TrtGraphConverterV2) in C++.
//
//   tftrt::ConversionParams params;
//   params.precision_mode = "FP16";
//   TFTRT_ASSIGN_OR_RETURN(auto converter, tftrt::Converter::Create(
//       {.input_saved_model_dir = "my_dir", .conversion_params = params}));
//   TFTRT_ASSIGN_OR_RETURN(auto function, converter.Convert());  // callable in-process
//   TFTRT_RETURN_IF_ERROR(converter.Build(input_fn));            // optional: pre-build engines
//   TFTRT_RETURN_IF_ERROR(converter.Save("my_dir_trt"));
//
// Errors keep the seed's meaning: invalid argument = ValueError, unimplemented =
// NotImplementedError, failed precondition = RuntimeError.
//
// Thread safety: a Converter is used by one thread; the converted function may be run
// concurrently.
#ifndef TFTRT_CONVERTER_H_
#define TFTRT_CONVERTER_H_

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tftrt/conversion_params.h"
#include "tftrt/model.h"

namespace tftrt {

class Env;

// One set of inputs, by signature input name (the dict form of the seed's generators).
using InputSet = std::map<std::string, Tensor>;
// A generator: each call yields the next input set, nullopt when exhausted.
using InputFn = std::function<std::optional<InputSet>()>;

struct ConverterOptions {
  std::string input_saved_model_dir;
  std::set<std::string> input_saved_model_tags = {"serve"};
  std::string input_saved_model_signature_key = "serving_default";
  ConversionParams conversion_params;
  // tftrt extension: passes to skip by name (see `tftrt convert --help`).
  std::set<std::string> disabled_passes;
  // tftrt extensions: where Build() and the converted function build and run engines,
  // and strict mode (see ModelOptions).
  ModelOptions model_options;
  // tftrt-internal: the file system the input is read from and Save() writes to (an Env of
  // src/common/env.h; tests pass an in-memory one to inject I/O faults). nullptr: the
  // local file system.
  Env* env = nullptr;
};

// An INT8 layer of an engine (a convolution or matmul whose inputs have ranges), as
// summary() lists it.
struct Int8LayerSummary {
  std::string layer;  // the engine layer, named as the TF node it computes
  std::string op;
  // Kept in FP16 by an INT8 error limit (Converter::LimitInt8Error).
  bool fp16 = false;
  // Given evaluation inputs (NaN otherwise), relative L2 errors against an FP32 engine of
  // the segment on the same inputs: `error`, of this layer's output in the engine (the
  // INT8 layers before it included); `sensitivity`, of the engine's outputs when only this
  // layer runs in INT8 (every other in FP16).
  double error = std::numeric_limits<double>::quiet_NaN();
  double sensitivity = std::numeric_limits<double>::quiet_NaN();
};

// What summary() reports: per engine, and for the nodes left native.
struct EngineSummary {
  std::string name;
  std::string precision;
  int num_nodes = 0;
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
  std::map<std::string, int> op_counts;  // op type -> nodes of that type in the engine
  // The targets ("cpu", "cuda:sm_90 cudnn=... cublasLt=...") of its pre-built engines;
  // empty when its engines are built at run time.
  std::vector<std::string> targets;
  // INT8 engines: their INT8 layers (from a built engine, or with evaluation inputs from
  // the evaluation), and with evaluation inputs the relative L2 error of the engine's
  // outputs against FP32 (NaN otherwise).
  std::vector<Int8LayerSummary> int8_layers;
  double int8_output_error = std::numeric_limits<double>::quiet_NaN();
};

struct NativeNodeSummary {
  std::string node;
  std::string op;
  std::string reason;  // "<kind>: <detail>"
};

struct PassSummary {
  std::string name;
  bool ran = false;
  double milliseconds = 0;
  int nodes_before = 0;
  int nodes_after = 0;
};

struct ConversionSummary {
  std::vector<EngineSummary> engines;
  std::vector<NativeNodeSummary> native_nodes;
  int converted_ops = 0;            // nodes inside engines
  int total_ops = 0;                // converted + native nodes of the converted graph
  std::vector<PassSummary> passes;  // empty when read back from a saved model
};

// TF-TRT's summary() table: engines with their inputs, outputs and op counts, the engine
// count and the % of ops converted, then each native node and its reason.
std::string FormatSummary(const ConversionSummary& summary);

// The summary of a converted SavedModel directory. Given `evaluation_input_fn`, its INT8
// engines' layers come with their errors against FP32 on those inputs (as
// Converter::Summary's), measured where `options` says engines run.
StatusOr<ConversionSummary> SummarizeSavedModel(
    const std::string& saved_model_dir, const std::string& signature_key = "serving_default",
    const std::set<std::string>& tags = {"serve"}, InputFn evaluation_input_fn = nullptr,
    const ModelOptions& options = {});

class Converter {
 public:
  // Validates the parameters and reads the model: InvalidArgument for a bad parameter, a
  // directory that is not a SavedModel, a missing tag set or signature key.
  static StatusOr<Converter> Create(ConverterOptions options);
  Converter(Converter&&) noexcept;
  Converter& operator=(Converter&&) noexcept;
  ~Converter();

  // Converts: passes, segmenting, engine nodes. Returns the converted function.
  // INT8 with use_calibration: runs every input set of `calibration_input_fn` (all of one
  // shape) through the engine nodes' native segments, keeps each node's entropy-calibrated
  // ranges in its `calibration_data` attribute (Build(), engines built at run time and
  // later loads reuse them) and builds each node's INT8 engine for those shapes.
  // InvalidArgument when a calibration function is missing for INT8 with use_calibration,
  // or given when none is needed, or when it yields nothing or input sets of different
  // shapes; FailedPrecondition when called twice.
  StatusOr<std::shared_ptr<Model>> Convert(InputFn calibration_input_fn = nullptr);

  // Runs every input set through the converted function so each engine node builds (and
  // caches, up to maximum_cached_engines) an engine per distinct input shapes.
  // Unimplemented on a second call; FailedPrecondition without an input function or
  // before Convert.
  Status Build(InputFn input_fn);

  // Writes the converted SavedModel atomically; AlreadyExists for a non-empty directory
  // unless `overwrite`. FailedPrecondition before Convert.
  Status Save(const std::string& output_saved_model_dir, bool overwrite = false);

  // FailedPrecondition before Convert. Given `evaluation_input_fn` (input sets of the
  // signature, as Build takes), each INT8 engine's layers come with their errors against
  // FP32 on those inputs (api/int8_accuracy.h says how they are measured).
  StatusOr<ConversionSummary> Summary(InputFn evaluation_input_fn = nullptr) const;

  // tftrt extension, INT8 only: measures each INT8 engine on `evaluation_input_fn`'s input
  // sets (as Summary does) and keeps its most sensitive INT8 layers in FP16, fewest first,
  // until the relative L2 error of its outputs against FP32 is at most `max_output_error`.
  // The choice is kept on the engine nodes (Build(), run-time builds and saved models
  // follow it), and each node's engine is built again for the first input set's shapes.
  // FailedPrecondition before Convert, after Build, or when the bound is below even the
  // FP16 engine's error; InvalidArgument for another precision, a bound that is not
  // positive, or no input function.
  Status LimitInt8Error(InputFn evaluation_input_fn, double max_output_error);

 private:
  struct State;
  explicit Converter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace tftrt

#endif  // TFTRT_CONVERTER_H_

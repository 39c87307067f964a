#include "savedmodel/weightless.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "common/logging.h"
#include "proto/weightless.pb.h"
#include "savedmodel/saved_model_reader.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

// What a reader of the manifest sees first.
constexpr char kManifestHeader[] =
    "# A weightless SavedModel, written by 'tftrt strip-weights': variables/variables.* holds\n"
    "# only the tensors that 'tftrt randomize-weights' copies unchanged; the tensors below\n"
    "# lost their values. Run 'tftrt randomize-weights THIS_DIR OUT --seed N' to make them.\n";

class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (error_.empty()) {
      error_ = "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) +
               ": " + message;
    }
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

}  // namespace

std::string WeightlessManifestPath(const std::string& export_dir) {
  return JoinPath(JoinPath(export_dir, kVariablesDirectory), kWeightlessManifestFilename);
}

bool IsWeightlessSavedModel(Env* env, const std::string& export_dir) {
  return env->FileExists(WeightlessManifestPath(export_dir));
}

Status WeightlessSavedModelError(const std::string& export_dir) {
  return Status::FailedPrecondition(
      "SavedModel '" + export_dir + "' is weightless (written by 'tftrt strip-weights'; " +
      WeightlessManifestPath(export_dir) +
      " lists the tensors whose values it lacks): run 'tftrt randomize-weights " + export_dir +
      " OUT --seed N' first and use OUT");
}

Status WriteWeightlessManifest(Env* env, const std::string& path,
                               const std::vector<StrippedTensor>& tensors) {
  WeightlessManifest manifest;
  manifest.set_version(kWeightlessManifestVersion);
  for (const StrippedTensor& tensor : tensors) {
    WeightlessManifest::StrippedTensor* entry = manifest.add_tensor();
    entry->set_key(tensor.key);
    entry->set_dtype(static_cast<tensorflow::DataType>(tensor.dtype));
    for (const int64_t dim : tensor.shape) entry->add_shape(dim);
  }
  google::protobuf::TextFormat::Printer printer;
  printer.SetUseShortRepeatedPrimitives(true);  // "shape: [3, 3, 64, 64]"
  std::string text;
  if (!printer.PrintToString(manifest, &text)) {
    return Status::Internal("cannot print the weightless manifest for '" + path + "'");
  }
  return env->WriteStringToFile(path, kManifestHeader + text);
}

StatusOr<std::vector<StrippedTensor>> ReadWeightlessManifest(Env* env, const std::string& path) {
  TFTRT_ASSIGN_OR_RETURN(std::string text, env->ReadFileToString(path));
  RouteProtobufLogs();
  WeightlessManifest manifest;
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &manifest)) {
    return Status::DataLoss("cannot parse weightless manifest '" + path + "' (" + errors.error() +
                            ")");
  }
  if (manifest.version() != kWeightlessManifestVersion) {
    return Status::Unimplemented("weightless manifest '" + path + "' has version " +
                                 std::to_string(manifest.version()) + "; tftrt reads version " +
                                 std::to_string(kWeightlessManifestVersion));
  }
  std::vector<StrippedTensor> tensors;
  tensors.reserve(manifest.tensor_size());
  for (const WeightlessManifest::StrippedTensor& entry : manifest.tensor()) {
    auto corrupt = [&](const std::string& why) {
      return Status::DataLoss("weightless manifest '" + path + "': tensor '" + entry.key() + "' " +
                              why);
    };
    if (entry.key().empty()) return corrupt("has an empty key");
    if (!tensors.empty() && entry.key() <= tensors.back().key) {
      return corrupt("is out of order or repeated (keys must be sorted and unique)");
    }
    StrippedTensor tensor{.key = entry.key(), .dtype = entry.dtype()};
    int64_t bytes = 16;  // at most 16 bytes per element
    for (const int64_t dim : entry.shape()) {
      if (dim < 0 || __builtin_mul_overflow(bytes, dim, &bytes)) {
        return corrupt("has a bad shape (dimension " + std::to_string(dim) + ")");
      }
      tensor.shape.push_back(dim);
    }
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

}  // namespace tftrt

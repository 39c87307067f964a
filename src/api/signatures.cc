// ListSignatures (tftrt/model.h): what tftrt.saved_model.load(...).signatures lists.
#include <algorithm>

#include "common/env.h"
#include "savedmodel/saved_model_reader.h"
#include "savedmodel/tensor_proto.h"
#include "tftrt/model.h"

namespace tftrt {
namespace {

StatusOr<std::vector<TensorSpec>> Specs(
    const google::protobuf::Map<std::string, tensorflow::TensorInfo>& infos) {
  std::vector<TensorSpec> specs;
  for (const auto& [name, info] : infos) {
    TensorSpec spec{name, DataType::kInvalid, PartialShape{}};
    // A signature of an unsupported type still lists (kInvalid): Model::Load says why.
    auto dtype = DataTypeFromProto(BaseDataTypeValue(info.dtype()));
    if (dtype.ok()) spec.dtype = *dtype;
    if (info.has_tensor_shape()) {
      TFTRT_ASSIGN_OR_RETURN(spec.shape, PartialShapeFromProto(info.tensor_shape()));
    }
    specs.push_back(std::move(spec));
  }
  std::sort(specs.begin(), specs.end(),
            [](const TensorSpec& a, const TensorSpec& b) { return a.name < b.name; });
  return specs;
}

}  // namespace

StatusOr<std::vector<SignatureInfo>> ListSignatures(const std::string& saved_model_dir,
                                                    const std::set<std::string>& tags) {
  TFTRT_ASSIGN_OR_RETURN(SavedModelBundle bundle,
                         ReadSavedModel(Env::Default(), saved_model_dir, tags));
  std::vector<SignatureInfo> signatures;
  for (const auto& [key, signature_def] : bundle.meta_graph.signature_def()) {
    if (key.starts_with("__")) continue;
    SignatureInfo info;
    info.key = key;
    TFTRT_ASSIGN_OR_RETURN(info.inputs, Specs(signature_def.inputs()));
    TFTRT_ASSIGN_OR_RETURN(info.outputs, Specs(signature_def.outputs()));
    signatures.push_back(std::move(info));
  }
  std::sort(signatures.begin(), signatures.end(),
            [](const SignatureInfo& a, const SignatureInfo& b) { return a.key < b.key; });
  return signatures;
}

}  // namespace tftrt

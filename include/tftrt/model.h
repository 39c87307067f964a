// Model: a SavedModel signature loaded and ready to run on tftrt's runtime.
//
//   TFTRT_ASSIGN_OR_RETURN(auto model, tftrt::Model::Load("my_dir"));
//   TFTRT_ASSIGN_OR_RETURN(auto outputs, model->Run({{"x", x}}));
//
// Load reads the SavedModel, imports the signature (inlining calls, restoring variables
// from the checkpoint) and checks that every op can run; Run checks input names, dtypes
// and shapes against the signature. Thread safety: Run may be called concurrently.
#ifndef TFTRT_MODEL_H_
#define TFTRT_MODEL_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

struct TensorSpec {
  std::string name;
  DataType dtype = DataType::kInvalid;
  PartialShape shape;
};

struct SignatureInfo {
  std::string key;
  std::vector<TensorSpec> inputs;   // sorted by name
  std::vector<TensorSpec> outputs;  // sorted by name
};

class ModelFactory;  // builds models from in-memory graphs (src/runtime/model_factory.h)

class Model {
 public:
  static StatusOr<std::unique_ptr<Model>> Load(const std::string& saved_model_dir,
                                               const std::string& signature_key = "serving_default",
                                               const std::set<std::string>& tags = {"serve"});
  ~Model();

  const SignatureInfo& signature() const { return signature_; }

  // Runs the signature. `inputs` must name every input of the signature, and only those.
  StatusOr<std::map<std::string, Tensor>> Run(const std::map<std::string, Tensor>& inputs);

 private:
  friend class ModelFactory;
  struct State;
  Model(SignatureInfo signature, std::unique_ptr<State> state);

  SignatureInfo signature_;
  std::unique_ptr<State> state_;
};

// The signatures of the MetaGraph tagged exactly `tags`, sorted by key, as their
// SignatureDefs declare them (read from saved_model.pb only: cheap, nothing is imported).
// TF's plumbing (keys starting with "__") is left out. Errors as Model::Load's.
StatusOr<std::vector<SignatureInfo>> ListSignatures(const std::string& saved_model_dir,
                                                    const std::set<std::string>& tags = {"serve"});

}  // namespace tftrt

#endif  // TFTRT_MODEL_H_

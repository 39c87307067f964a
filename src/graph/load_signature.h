// Reading a SavedModel directory and importing one signature: the first step of running
// (Model::Load), converting (Converter::Create) and summarizing (tftrt summary) a model.
#ifndef TFTRT_GRAPH_LOAD_SIGNATURE_H_
#define TFTRT_GRAPH_LOAD_SIGNATURE_H_

#include <set>
#include <string>

#include "common/env.h"
#include "graph/import.h"

namespace tftrt {

// Errors name the directory ("in SavedModel DIR").
StatusOr<ImportedSignature> LoadSignature(Env* env, const std::string& saved_model_dir,
                                          const std::string& signature_key,
                                          const std::set<std::string>& tags);

}  // namespace tftrt

#endif  // TFTRT_GRAPH_LOAD_SIGNATURE_H_

// Reading a SavedModel directory and importing one signature: the first step of running
// (Model::Load), converting (Converter::Create) and summarizing (tftrt summary) a model.
#ifndef TFTRT_GRAPH_LOAD_SIGNATURE_H_
#define TFTRT_GRAPH_LOAD_SIGNATURE_H_

#include <set>
#include <string>
#include <vector>

#include "common/env.h"
#include "graph/import.h"

namespace tftrt {

// Errors name the directory ("in SavedModel DIR").
StatusOr<ImportedSignature> LoadSignature(Env* env, const std::string& saved_model_dir,
                                          const std::string& signature_key,
                                          const std::set<std::string>& tags);

// The graph that runs the SavedModel's init op (`__saved_model_init_op`, which fills its
// lookup tables) and then returns the handles made by those of `table_nodes` that are
// top-level nodes (one ret each, named as the node). Asset placeholders become constants holding
// the asset file's path under the model's assets/ directory. A model without an init op gives a
// graph that only makes the tables.
StatusOr<ImportedSignature> LoadTableInitializer(Env* env, const std::string& saved_model_dir,
                                                 const std::set<std::string>& tags,
                                                 const std::vector<std::string>& table_nodes);

}  // namespace tftrt

#endif  // TFTRT_GRAPH_LOAD_SIGNATURE_H_

// Helpers shared by the SavedModel reader and writer tests: a small TF2-shaped SavedModel
// built in code.
#ifndef TFTRT_TESTS_SAVEDMODEL_SAVED_MODEL_TEST_UTIL_H_
#define TFTRT_TESTS_SAVEDMODEL_SAVED_MODEL_TEST_UTIL_H_

#include "proto/saved_model.pb.h"
#include "savedmodel/saved_model_writer.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt::testing {

// y = w * x + b with variables w (float[2]) and b (float scalar) under tags {serve}, the
// way TF2 lays it out: object graph nodes root(0) -> w(1), b(2), and a checkpoint with the
// matching TrackableObjectGraph.
inline SavedModelContents SmallModel() {
  SavedModelContents contents;
  tensorflow::SavedModel& saved_model = contents.saved_model;
  saved_model.set_saved_model_schema_version(1);
  tensorflow::MetaGraphDef* meta = saved_model.add_meta_graphs();
  meta->mutable_meta_info_def()->add_tags("serve");
  meta->mutable_meta_info_def()->set_tensorflow_version("2.14.0");
  auto* node = meta->mutable_graph_def()->add_node();
  node->set_name("Const");
  node->set_op("Const");
  TensorToProto(Tensor::FromVector<float>({1, 2, 3}),
                (*node->mutable_attr())["value"].mutable_tensor());
  (*node->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  auto& signature = (*meta->mutable_signature_def())["serving_default"];
  auto& input = (*signature.mutable_inputs())["x"];
  input.set_name("serving_default_x:0");
  input.set_dtype(tensorflow::DT_FLOAT);
  input.mutable_tensor_shape()->add_dim()->set_size(-1);
  (*signature.mutable_outputs())["y"].set_name("StatefulPartitionedCall:0");
  signature.set_method_name("tensorflow/serving/predict");
  meta->add_asset_file_def()->set_filename("vocab.txt");

  auto* graph = meta->mutable_object_graph_def();
  auto* root = graph->add_nodes();
  root->mutable_user_object()->set_identifier("_generic_user_object");
  const char* names[] = {"w", "b"};
  for (int i = 0; i < 2; ++i) {
    auto* child = root->add_children();
    child->set_node_id(i + 1);
    child->set_local_name(names[i]);
    auto* variable = graph->add_nodes()->mutable_variable();
    variable->set_dtype(tensorflow::DT_FLOAT);
    variable->set_name(names[i]);
    if (i == 0) variable->mutable_shape()->add_dim()->set_size(2);
  }
  // A function node the checkpoint does not know (SavedObjectGraph can have more nodes).
  auto* fn_ref = root->add_children();
  fn_ref->set_node_id(3);
  fn_ref->set_local_name("__call__");
  graph->add_nodes()->mutable_function();

  tensorflow::TrackableObjectGraph trackable;
  auto* troot = trackable.add_nodes();
  for (int i = 0; i < 2; ++i) {
    auto* child = troot->add_children();
    child->set_node_id(i + 1);
    child->set_local_name(names[i]);
    auto* attribute = trackable.add_nodes()->add_attributes();
    attribute->set_name("VARIABLE_VALUE");
    attribute->set_checkpoint_key(std::string(names[i]) + "/.ATTRIBUTES/VARIABLE_VALUE");
  }
  contents.variables.emplace_back("w/.ATTRIBUTES/VARIABLE_VALUE",
                                  Tensor::FromVector<float>({0.5f, -1}));
  contents.variables.emplace_back("b/.ATTRIBUTES/VARIABLE_VALUE", Tensor::Scalar<float>(2));
  contents.variables.emplace_back("_CHECKPOINTABLE_OBJECT_GRAPH",
                                  Tensor::Scalar<std::string>(trackable.SerializeAsString()));
  contents.assets.emplace_back("vocab.txt", "a\nb\n");
  contents.extra_files.emplace_back("assets.extra/warmup", "warm");
  return contents;
}

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_SAVEDMODEL_SAVED_MODEL_TEST_UTIL_H_

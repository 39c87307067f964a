#include "savedmodel/saved_model_reader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>

#include <climits>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/logging.h"
#include "savedmodel/weightless.h"

namespace tftrt {
namespace {

// Nesting depth allowed while parsing: StructuredValue and FullTypeDef nest, and function
// signatures of large Keras models go deeper than protobuf's default of 100.
constexpr int kProtoRecursionLimit = 1000;

std::string TagSetString(const google::protobuf::RepeatedPtrField<std::string>& tags) {
  std::set<std::string> sorted(tags.begin(), tags.end());
  std::string s = "{";
  for (const std::string& tag : sorted) s += (s.size() > 1 ? ", " : "") + tag;
  return s + "}";
}

// Parses a binary proto of up to 2 GiB (the protobuf limit for one message; the default
// limit is lower in some protobuf versions).
Status ParseBinaryProto(const std::string& data, const std::string& path,
                        google::protobuf::Message* message) {
  if (data.size() > static_cast<size_t>(INT_MAX)) {
    return Status::InvalidArgument("'" + path + "' is " + std::to_string(data.size()) +
                                   " bytes, over protobuf's 2 GiB message limit");
  }
  RouteProtobufLogs();
  google::protobuf::io::ArrayInputStream stream(data.data(), static_cast<int>(data.size()));
  google::protobuf::io::CodedInputStream coded(&stream);
  coded.SetTotalBytesLimit(INT_MAX);
  coded.SetRecursionLimit(kProtoRecursionLimit);
  if (!message->ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
    return Status::DataLoss("failed to parse '" + path + "' as " + message->GetTypeName() +
                            ": the file is truncated or corrupt");
  }
  return Status::Ok();
}

class TextErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (errors_.empty()) {
      errors_ = "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) +
                ": " + message;
    }
  }
  const std::string& first_error() const { return errors_; }

 private:
  std::string errors_;
};

Status ParseTextProto(const std::string& data, const std::string& path,
                      google::protobuf::Message* message) {
  RouteProtobufLogs();
  google::protobuf::TextFormat::Parser parser;
  TextErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  parser.SetRecursionLimit(kProtoRecursionLimit);
  if (!parser.ParseFromString(data, message)) {
    return Status::DataLoss("failed to parse '" + path + "' as a text " + message->GetTypeName() +
                            ": " + errors.first_error());
  }
  return Status::Ok();
}

}  // namespace

Status ReadObjectGraph(const TensorBundleReader& variables,
                       tensorflow::TrackableObjectGraph* graph) {
  const std::string where =
      "'" + std::string(kObjectGraphProtoKey) + "' in '" + variables.prefix() + ".index'";
  TFTRT_ASSIGN_OR_RETURN(Tensor tensor, variables.Read(kObjectGraphProtoKey));
  if (tensor.dtype() != DataType::kString || tensor.rank() != 0) {
    return Status::DataLoss("checkpoint object graph " + where + " should be a scalar string, is " +
                            tensor.DebugString());
  }
  RouteProtobufLogs();
  if (!graph->ParseFromString(tensor.flat<std::string>()[0])) {
    return Status::DataLoss("cannot parse the checkpoint object graph " + where +
                            " as a TrackableObjectGraph");
  }
  return Status::Ok();
}

namespace {

// As ReadSavedModelProto, also returning the path of the file read.
StatusOr<tensorflow::SavedModel> ReadSavedModelProtoFrom(Env* env, const std::string& export_dir,
                                                         std::string* path) {
  if (!env->IsDirectory(export_dir)) {
    if (env->FileExists(export_dir)) {
      return Status::InvalidArgument("'" + export_dir + "' is a file; a SavedModel is a directory");
    }
    return Status::NotFound("SavedModel directory '" + export_dir + "' does not exist");
  }
  tensorflow::SavedModel saved_model;
  const std::string pb_path = JoinPath(export_dir, kSavedModelFilenamePb);
  if (env->FileExists(pb_path)) {
    TFTRT_ASSIGN_OR_RETURN(std::string data, env->ReadFileToString(pb_path));
    TFTRT_RETURN_IF_ERROR(ParseBinaryProto(data, pb_path, &saved_model));
    *path = pb_path;
    return saved_model;
  }
  // TensorFlow's Python loader prefers the chunked form over text.
  const std::string cpb_path = JoinPath(export_dir, kSavedModelFilenameCpb);
  if (env->FileExists(cpb_path)) {
    return Status::Unimplemented("'" + cpb_path +
                                 "' is a chunked SavedModel (a proto over 2 GiB split by "
                                 "TensorFlow's proto splitter); tftrt does not read chunked "
                                 "SavedModels");
  }
  const std::string pbtxt_path = JoinPath(export_dir, kSavedModelFilenamePbTxt);
  if (env->FileExists(pbtxt_path)) {
    TFTRT_ASSIGN_OR_RETURN(std::string data, env->ReadFileToString(pbtxt_path));
    TFTRT_RETURN_IF_ERROR(ParseTextProto(data, pbtxt_path, &saved_model));
    *path = pbtxt_path;
    return saved_model;
  }
  return Status::NotFound("'" + export_dir + "' is not a SavedModel directory: it has no " +
                          kSavedModelFilenamePb + " or " + kSavedModelFilenamePbTxt);
}

// One object on the path of MatchObjectGraphs' walk.
struct WalkFrame {
  int saved_id = 0;
  int trackable_id = 0;
  int next_child = 0;  // the trackable child to visit next
  // The saved object's children by local name; the first of a name wins, as in
  // TensorFlow's loader. A map, not a scan per child: objects may have 100000s of children.
  std::unordered_map<std::string_view, int> saved_children;
};

WalkFrame MakeWalkFrame(const tensorflow::SavedObjectGraph& saved, int saved_id, int trackable_id) {
  WalkFrame frame{.saved_id = saved_id, .trackable_id = trackable_id};
  for (const auto& ref : saved.nodes(saved_id).children()) {
    frame.saved_children.emplace(ref.local_name(), ref.node_id());
  }
  return frame;
}

// "a.b.c": the local names of the children the walk is visiting, from the root (for errors).
std::string WalkPath(const std::vector<WalkFrame>& stack,
                     const tensorflow::TrackableObjectGraph& trackable) {
  std::string path;
  for (const WalkFrame& frame : stack) {
    if (!path.empty()) path += ".";
    path += trackable.nodes(frame.trackable_id).children(frame.next_child - 1).local_name();
  }
  return path;
}

// Trackable node id -> saved node id, by a depth-first walk over children from the roots,
// as TensorFlow's loader does; trackable nodes seen before (cycles, shared objects) are
// skipped. The walk keeps its own stack rather than recursing: the checkpoint decides how
// deep it goes. REQUIRES: both graphs have a root (node 0).
StatusOr<std::map<int, int>> MatchObjectGraphs(const tensorflow::SavedObjectGraph& saved,
                                               const tensorflow::TrackableObjectGraph& trackable,
                                               const std::string& export_dir) {
  std::map<int, int> trackable_to_saved = {{0, 0}};
  std::vector<WalkFrame> stack;
  stack.push_back(MakeWalkFrame(saved, 0, 0));
  while (!stack.empty()) {
    WalkFrame& frame = stack.back();
    const auto& children = trackable.nodes(frame.trackable_id).children();
    if (frame.next_child == children.size()) {
      stack.pop_back();
      continue;
    }
    const auto& child = children[frame.next_child++];
    if (child.node_id() < 0 || child.node_id() >= trackable.nodes_size()) {
      return Status::DataLoss("checkpoint object graph of '" + export_dir + "' has a bad node id " +
                              std::to_string(child.node_id()) + " for '" +
                              WalkPath(stack, trackable) + "'");
    }
    if (trackable_to_saved.contains(child.node_id())) continue;
    auto saved_child = frame.saved_children.find(child.local_name());
    if (saved_child == frame.saved_children.end() || saved_child->second < 0 ||
        saved_child->second >= saved.nodes_size()) {
      return Status::FailedPrecondition("SavedModel '" + export_dir +
                                        "': the object graph has no object '" +
                                        WalkPath(stack, trackable) + "' that the checkpoint has");
    }
    trackable_to_saved[child.node_id()] = saved_child->second;
    // Invalidates `frame`.
    stack.push_back(MakeWalkFrame(saved, saved_child->second, child.node_id()));
  }
  return trackable_to_saved;
}

}  // namespace

StatusOr<tensorflow::SavedModel> ReadSavedModelProto(Env* env, const std::string& export_dir) {
  std::string path;
  return ReadSavedModelProtoFrom(env, export_dir, &path);
}

StatusOr<SavedModelBundle> ReadSavedModel(Env* env, const std::string& export_dir,
                                          const std::set<std::string>& tags) {
  SavedModelBundle bundle;
  bundle.export_dir = export_dir;
  TFTRT_ASSIGN_OR_RETURN(tensorflow::SavedModel saved_model,
                         ReadSavedModelProtoFrom(env, export_dir, &bundle.saved_model_path));
  // The one check that keeps a weightless model (strip-weights) from being loaded as if its
  // partial bundle were the whole: every reader of models comes through here.
  if (IsWeightlessSavedModel(env, export_dir)) return WeightlessSavedModelError(export_dir);
  if (saved_model.meta_graphs_size() == 0) {
    return Status::DataLoss("'" + bundle.saved_model_path +
                            "' holds no MetaGraphDef (empty or truncated file)");
  }
  tensorflow::MetaGraphDef* chosen = nullptr;
  std::string available;
  for (tensorflow::MetaGraphDef& meta_graph : *saved_model.mutable_meta_graphs()) {
    const auto& meta_tags = meta_graph.meta_info_def().tags();
    if (std::set<std::string>(meta_tags.begin(), meta_tags.end()) == tags) {
      chosen = &meta_graph;
      break;
    }
    available += (available.empty() ? "" : ", ") + TagSetString(meta_tags);
  }
  if (chosen == nullptr) {
    google::protobuf::RepeatedPtrField<std::string> wanted(tags.begin(), tags.end());
    return Status::NotFound("SavedModel '" + export_dir + "' has no MetaGraphDef with tags " +
                            TagSetString(wanted) + "; available tag-sets: " + available);
  }
  bundle.meta_graph = std::move(*chosen);

  const std::string prefix =
      JoinPath(JoinPath(export_dir, kVariablesDirectory), kVariablesFilename);
  if (env->FileExists(prefix + ".index")) {
    TFTRT_ASSIGN_OR_RETURN(bundle.variables, TensorBundleReader::Open(env, prefix));
    if (bundle.variables->Contains(kObjectGraphProtoKey)) {
      bundle.object_graph.emplace();
      TFTRT_RETURN_IF_ERROR(ReadObjectGraph(*bundle.variables, &*bundle.object_graph));
    }
  }

  const std::string fingerprint_path = JoinPath(export_dir, kFingerprintFilename);
  if (env->FileExists(fingerprint_path)) {
    TFTRT_ASSIGN_OR_RETURN(std::string data, env->ReadFileToString(fingerprint_path));
    bundle.fingerprint.emplace();
    TFTRT_RETURN_IF_ERROR(ParseBinaryProto(data, fingerprint_path, &*bundle.fingerprint));
  }
  return bundle;
}

StatusOr<std::map<int, std::string>> VariableCheckpointKeys(const SavedModelBundle& bundle) {
  if (!bundle.meta_graph.has_object_graph_def()) {
    return Status::FailedPrecondition("SavedModel '" + bundle.export_dir +
                                      "' has no object graph (a TF1 SavedModel?)");
  }
  const tensorflow::SavedObjectGraph& saved = bundle.meta_graph.object_graph_def();
  bool has_variables = false;
  for (const auto& node : saved.nodes()) has_variables |= node.has_variable();
  if (!bundle.object_graph.has_value()) {
    if (!has_variables) return std::map<int, std::string>();
    return Status::FailedPrecondition("SavedModel '" + bundle.export_dir +
                                      "' has variables but its checkpoint has no '" +
                                      kObjectGraphProtoKey + "'");
  }
  const tensorflow::TrackableObjectGraph& trackable = *bundle.object_graph;
  if (saved.nodes_size() == 0 || trackable.nodes_size() == 0) return std::map<int, std::string>();

  TFTRT_ASSIGN_OR_RETURN(auto trackable_to_saved,
                         MatchObjectGraphs(saved, trackable, bundle.export_dir));

  // Slot variables (optimizer state) are not children of anything; they hang off the
  // optimizer object, keyed by the variable they belong to and the slot name.
  const std::map<int, int> visited = trackable_to_saved;
  for (const auto& [trackable_id, saved_id] : visited) {
    for (const auto& slot : trackable.nodes(trackable_id).slot_variables()) {
      auto original = trackable_to_saved.find(slot.original_variable_node_id());
      if (original == trackable_to_saved.end()) continue;
      for (const auto& saved_slot : saved.nodes(saved_id).slot_variables()) {
        if (saved_slot.slot_name() == slot.slot_name() &&
            saved_slot.original_variable_node_id() == original->second &&
            saved_slot.slot_variable_node_id() >= 0 &&
            saved_slot.slot_variable_node_id() < saved.nodes_size() &&
            slot.slot_variable_node_id() >= 0 &&
            slot.slot_variable_node_id() < trackable.nodes_size()) {
          trackable_to_saved.emplace(slot.slot_variable_node_id(),
                                     saved_slot.slot_variable_node_id());
        }
      }
    }
  }

  std::map<int, std::string> keys;
  for (const auto& [trackable_id, saved_id] : trackable_to_saved) {
    if (!saved.nodes(saved_id).has_variable()) continue;
    for (const auto& attribute : trackable.nodes(trackable_id).attributes()) {
      if (attribute.name() == "VARIABLE_VALUE") keys[saved_id] = attribute.checkpoint_key();
    }
  }
  return keys;
}

}  // namespace tftrt

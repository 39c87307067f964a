// Export of graphs as FunctionDefs (graph/export.h) and of signatures as SavedModels
// (graph/signature_export.h): FunctionDef syntax on hand-built graphs, If/While functions,
// weights saved as variables, and every fixture imported, exported, loaded back by
// Model::Load and run against TensorFlow's outputs.
//
// With TFTRT_EXPORT_DIR set, the fixture exports are kept for tests/fixtures/
// check_tf_loads.py (stock TensorFlow loads and runs them):
//   $TFTRT_EXPORT_DIR/<fixture>/fixture.json    the fixture's, plus "fixture_dir"
//   $TFTRT_EXPORT_DIR/<fixture>/<signature>/    the exported SavedModel of that signature
#include "graph/export.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/env.h"
#include "graph/attrs.h"
#include "graph/load_signature.h"
#include "graph/signature_export.h"
#include "runtime/table_initializer.h"
#include "savedmodel/saved_model_reader.h"
#include "savedmodel/tensor_proto.h"
#include "testing/fixtures.h"
#include "testing/tensor_compare.h"
#include "tftrt/model.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

constexpr double kFloatTolerance = 1e-5;

// A fresh directory, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "tftrt_export_XXXXXX").string();
    EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
    path_ = pattern;
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

const tensorflow::NodeDef* FindNodeDef(const tensorflow::FunctionDef& function,
                                       const std::string& name) {
  for (const auto& node : function.node_def()) {
    if (node.name() == name) return &node;
  }
  return nullptr;
}

std::vector<std::string> InputsOf(const tensorflow::FunctionDef& function,
                                  const std::string& node) {
  const tensorflow::NodeDef* def = FindNodeDef(function, node);
  if (def == nullptr) return {"<no node " + node + ">"};
  return {def->input().begin(), def->input().end()};
}

const tensorflow::FunctionDef* FindFunction(const tensorflow::FunctionDefLibrary& library,
                                            const std::string& name) {
  for (const auto& function : library.function()) {
    if (function.signature().name() == name) return &function;
  }
  return nullptr;
}

Node* AddConst(Graph& graph, const std::string& name, Tensor value) {
  Node* node = graph.AddNode(name, "Const", {{"dtype", TypeAttr(value.dtype())}});
  node->constant = std::move(value);
  return node;
}

Node* AddBinary(Graph& graph, const std::string& name, const std::string& op, Output a, Output b,
                DataType dtype = DataType::kFloat) {
  return graph.AddNode(name, op, {{"T", TypeAttr(dtype)}}, {a, b});
}

PartialShape Scalar() { return PartialShape{.unknown_rank = false, .dims = {}}; }

OpDefs BuiltinOpDefs() { return OpDefs(tensorflow::MetaGraphDef()); }

// --- FunctionDef syntax -----------------------------------------------------------------

// x -> add = x + c -> topk = TopKV2(add, k) -> split = Split(dim, topk.values); a NoOp
// after topk; rets topk.indices, split[1] and x itself.
std::shared_ptr<Graph> SyntaxGraph() {
  auto graph = std::make_shared<Graph>("syntax");
  Node* x = AddGraphArg(*graph, "Input/X", DataType::kFloat, PartialShape());
  Node* c = AddConst(*graph, "c", Tensor::FromVector<float>({1, 2}));
  Node* add = AddBinary(*graph, "add", "AddV2", {x, 0}, {c, 0});
  Node* k = AddConst(*graph, "k", Tensor::Scalar<int32_t>(1));
  Node* topk = graph->AddNode("topk", "TopKV2",
                              {{"T", TypeAttr(DataType::kFloat)}, {"sorted", BoolAttr(true)}},
                              {{add, 0}, {k, 0}});
  Node* dim = AddConst(*graph, "dim", Tensor::Scalar<int32_t>(0));
  Node* split = graph->AddNode("split", "Split",
                               {{"T", TypeAttr(DataType::kFloat)}, {"num_split", IntAttr(2)}},
                               {{dim, 0}, {topk, 0}});
  Node* noop = graph->AddNode("noop", "NoOp");
  noop->control_inputs = {topk, x};
  graph->rets().push_back({"Out", {topk, 1}, DataType::kInvalid, PartialShape()});
  graph->rets().push_back({"out", {split, 1}, DataType::kFloat, PartialShape()});
  graph->rets().push_back({"same", {x, 0}, DataType::kFloat, PartialShape()});
  graph->control_rets().push_back(noop);
  // As import does: nodes carry every attribute, defaults included.
  for (Node* node : graph->nodes()) BuiltinOpDefs().AddDefaultAttrs(node);
  return graph;
}

TEST(GraphToFunctionDef, WritesFunctionDefSyntax) {
  auto fdef = GraphToFunctionDef(*SyntaxGraph(), BuiltinOpDefs());
  ASSERT_TRUE(fdef.ok()) << fdef.status().ToString();
  const auto& signature = fdef->signature();
  EXPECT_EQ(signature.name(), "syntax");
  ASSERT_EQ(signature.input_arg_size(), 1);
  EXPECT_EQ(signature.input_arg(0).name(), "input_x");
  EXPECT_EQ(signature.input_arg(0).type(), tensorflow::DT_FLOAT);
  ASSERT_EQ(signature.output_arg_size(), 3);
  EXPECT_EQ(signature.output_arg(0).name(), "out");
  EXPECT_EQ(signature.output_arg(0).type(), tensorflow::DT_INT32);  // inferred from TopKV2
  EXPECT_EQ(signature.output_arg(1).name(), "out_1");
  EXPECT_EQ(signature.output_arg(2).name(), "same");

  EXPECT_EQ(InputsOf(*fdef, "add"), (std::vector<std::string>{"input_x", "c:output:0"}));
  EXPECT_EQ(InputsOf(*fdef, "topk"), (std::vector<std::string>{"add:z:0", "k:output:0"}));
  EXPECT_EQ(InputsOf(*fdef, "split"), (std::vector<std::string>{"dim:output:0", "topk:values:0"}));
  EXPECT_EQ(InputsOf(*fdef, "noop"), (std::vector<std::string>{"^topk"}));
  EXPECT_EQ(fdef->ret().at("out"), "topk:indices:0");
  EXPECT_EQ(fdef->ret().at("out_1"), "split:output:1");
  EXPECT_EQ(fdef->ret().at("same"), "input_x");
  EXPECT_EQ(fdef->control_ret().at("noop"), "noop");
  ASSERT_EQ(signature.control_output_size(), 1);
  EXPECT_EQ(signature.control_output(0), "noop");

  // Defaults are stripped (TopKV2's sorted = true); Const values come back.
  const tensorflow::NodeDef* topk = FindNodeDef(*fdef, "topk");
  EXPECT_FALSE(topk->attr().contains("sorted"));
  EXPECT_TRUE(topk->attr().contains("T"));
  auto c_value = TensorFromProto(FindNodeDef(*fdef, "c")->attr().at("value").tensor());
  ASSERT_TRUE(c_value.ok());
  EXPECT_TRUE(testing::TensorsMatch(*c_value, Tensor::FromVector<float>({1, 2}), 0));
  EXPECT_EQ(FindNodeDef(*fdef, "_arg_Input/X"), nullptr) << "args are not nodes";
}

TEST(GraphToFunctionDef, RenamesNodeNamedLikeAnArg) {
  Graph graph("clash");
  Node* x = AddGraphArg(graph, "x", DataType::kFloat, PartialShape());
  Node* node = graph.AddNode("x", "Identity", {{"T", TypeAttr(DataType::kFloat)}}, {{x, 0}});
  Node* neg = graph.AddNode("neg", "Neg", {{"T", TypeAttr(DataType::kFloat)}}, {{node, 0}});
  graph.rets().push_back({"y", {neg, 0}, DataType::kFloat, PartialShape()});
  auto fdef = GraphToFunctionDef(graph, BuiltinOpDefs());
  ASSERT_TRUE(fdef.ok()) << fdef.status().ToString();
  EXPECT_EQ(InputsOf(*fdef, "x_1"), (std::vector<std::string>{"x"}));
  EXPECT_EQ(InputsOf(*fdef, "neg"), (std::vector<std::string>{"x_1:output:0"}));
}

TEST(GraphToFunctionDef, RefusesReadingOutputsOfUnknownOps) {
  Graph graph("unknown");
  Node* x = AddGraphArg(graph, "x", DataType::kFloat, PartialShape());
  Node* odd = graph.AddNode("odd", "NoSuchOp", {}, {{x, 0}});
  graph.rets().push_back({"y", {odd, 0}, DataType::kFloat, PartialShape()});
  auto fdef = GraphToFunctionDef(graph, BuiltinOpDefs());
  ASSERT_FALSE(fdef.ok());
  EXPECT_NE(fdef.status().message().find("NoSuchOp"), std::string::npos)
      << fdef.status().ToString();
  EXPECT_NE(fdef.status().message().find("'unknown'"), std::string::npos);
}

TEST(ExportFunctionLibrary, ResolvesCallsByFunctionName) {
  auto twice = std::make_shared<Graph>("twice");
  Node* v = AddGraphArg(*twice, "v", DataType::kFloat, PartialShape());
  Node* mul = AddBinary(*twice, "mul", "Mul", {v, 0}, {v, 0});
  twice->rets().push_back({"doubled", {mul, 0}, DataType::kFloat, PartialShape()});
  auto main = std::make_shared<Graph>("main");
  Node* x = AddGraphArg(*main, "x", DataType::kFloat, PartialShape());
  Node* call = main->AddNode("call", "twice_fn", {}, {{x, 0}});
  Node* neg = main->AddNode("neg", "Neg", {{"T", TypeAttr(DataType::kFloat)}}, {{call, 0}});
  main->rets().push_back({"y", {neg, 0}, DataType::kFloat, PartialShape()});

  auto library = ExportFunctionLibrary({{"twice_fn", twice}, {"main", main}}, BuiltinOpDefs());
  ASSERT_TRUE(library.ok()) << library.status().ToString();
  const tensorflow::FunctionDef* exported = FindFunction(*library, "main");
  ASSERT_NE(exported, nullptr);
  EXPECT_EQ(InputsOf(*exported, "neg"), (std::vector<std::string>{"call:doubled:0"}));
  ASSERT_NE(FindFunction(*library, "twice_fn"), nullptr);
  EXPECT_EQ(OpsUsedBy(*library), (std::set<std::string>{"Mul", "Neg"}));
}

// --- SavedModels ---------------------------------------------------------------------------

tensorflow::MetaGraphDef ReadMetaGraph(const std::string& dir) {
  auto bundle = ReadSavedModel(Env::Default(), dir);
  EXPECT_TRUE(bundle.ok()) << bundle.status().ToString();
  return bundle.ok() ? bundle->meta_graph : tensorflow::MetaGraphDef();
}

// The function the signature's StatefulPartitionedCall calls.
const tensorflow::FunctionDef* SignatureFunction(const tensorflow::MetaGraphDef& meta_graph) {
  for (const auto& node : meta_graph.graph_def().node()) {
    if (node.name() == "StatefulPartitionedCall") {
      return FindFunction(meta_graph.graph_def().library(), node.attr().at("f").func().name());
    }
  }
  return nullptr;
}

StatusOr<std::map<std::string, Tensor>> LoadAndRun(const std::string& dir,
                                                   const std::map<std::string, Tensor>& inputs,
                                                   const std::string& key = "serving_default") {
  TFTRT_ASSIGN_OR_RETURN(auto model, Model::Load(dir, key));
  return model->Run(inputs);
}

// y = (x + w) + b, w a 64-float Const (256 bytes), b a scalar Const.
std::shared_ptr<Graph> WeightsGraph() {
  auto graph = std::make_shared<Graph>("weights");
  Node* x = AddGraphArg(*graph, "x", DataType::kFloat,
                        PartialShape{.unknown_rank = false, .dims = {-1, 64}});
  std::vector<float> w(64);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.5f * static_cast<float>(i);
  Node* wc = AddConst(*graph, "dense/w", Tensor::FromVector<float>(w));
  Node* bc = AddConst(*graph, "b", Tensor::Scalar<float>(-1));
  Node* add = AddBinary(*graph, "add", "AddV2", {x, 0}, {wc, 0});
  Node* y = AddBinary(*graph, "y", "AddV2", {add, 0}, {bc, 0});
  graph->rets().push_back(
      {"y", {y, 0}, DataType::kFloat, PartialShape{.unknown_rank = false, .dims = {-1, 64}}});
  return graph;
}

TEST(ExportSignature, LargeConstantsBecomeVariables) {
  TempDir temp;
  SignatureExport what;
  what.graph = WeightsGraph();
  ASSERT_TRUE(ExportSignature(Env::Default(), temp.Sub("model"), what).ok());

  const tensorflow::MetaGraphDef meta_graph = ReadMetaGraph(temp.Sub("model"));
  const tensorflow::FunctionDef* function = SignatureFunction(meta_graph);
  ASSERT_NE(function, nullptr);
  const tensorflow::NodeDef* w = FindNodeDef(*function, "dense/w");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->op(), "ReadVariableOp");
  EXPECT_EQ(w->attr().count("value"), 0u);
  EXPECT_TRUE(w->attr().at(kSavedConstantAttr).b()) << "marked as a saved constant";
  EXPECT_EQ(FindNodeDef(*function, "b")->op(), "Const") << "4 bytes stay inlined";
  ASSERT_EQ(function->signature().input_arg_size(), 2);
  EXPECT_EQ(function->signature().input_arg(1).type(), tensorflow::DT_RESOURCE);
  EXPECT_EQ(meta_graph.object_graph_def()
                .concrete_functions()
                .at(function->signature().name())
                .bound_inputs_size(),
            1);
  EXPECT_EQ(meta_graph.saver_def().restore_op_name(), "StatefulPartitionedCall_2");
  EXPECT_EQ(meta_graph.signature_def().at("serving_default").inputs().at("x").name(),
            "serving_default_x:0");

  auto bundle = ReadSavedModel(Env::Default(), temp.Sub("model"));
  ASSERT_TRUE(bundle.ok());
  const std::string key = "dense.Sw/.ATTRIBUTES/VARIABLE_VALUE";
  auto saved_w = bundle->variables->Read(key);
  ASSERT_TRUE(saved_w.ok()) << saved_w.status().ToString();
  EXPECT_EQ(saved_w->NumElements(), 64);
  // TF Serving restores through saver_def: the restore function reads the same key.
  const tensorflow::FunctionDef* restore = nullptr;
  for (const auto& node : meta_graph.graph_def().node()) {
    if (node.name() == meta_graph.saver_def().restore_op_name()) {
      restore = FindFunction(meta_graph.graph_def().library(), node.attr().at("f").func().name());
    }
  }
  ASSERT_NE(restore, nullptr);
  auto names =
      TensorFromProto(FindNodeDef(*restore, "RestoreV2/tensor_names")->attr().at("value").tensor());
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(testing::TensorsMatch(*names, Tensor::FromVector<std::string>({key}), 0));
  EXPECT_EQ(InputsOf(*restore, "AssignVariableOp_0"),
            (std::vector<std::string>{"resource_0", "RestoreV2:tensors:0"}));

  Tensor x(DataType::kFloat, {2, 64});
  for (int64_t i = 0; i < x.NumElements(); ++i) x.flat<float>()[i] = static_cast<float>(i % 7);
  auto outputs = LoadAndRun(temp.Sub("model"), {{"x", x}});
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  Tensor expected(DataType::kFloat, {2, 64});
  for (int64_t i = 0; i < expected.NumElements(); ++i) {
    expected.flat<float>()[i] = static_cast<float>(i % 7) + 0.5f * static_cast<float>(i % 64) - 1;
  }
  EXPECT_TRUE(testing::TensorsMatch(outputs->at("y"), expected, 0));

  // Above the threshold nothing becomes a variable.
  what.min_variable_bytes = 1000;
  ASSERT_TRUE(ExportSignature(Env::Default(), temp.Sub("inlined"), what).ok());
  const tensorflow::MetaGraphDef inlined = ReadMetaGraph(temp.Sub("inlined"));
  EXPECT_EQ(FindNodeDef(*SignatureFunction(inlined), "dense/w")->op(), "Const");
  EXPECT_FALSE(inlined.has_saver_def());
}

TEST(ExportSignature, RefusesNonEmptyTargetWithoutOverwrite) {
  TempDir temp;
  fs::create_directories(temp.Sub("model"));
  std::ofstream(temp.Sub("model") + "/keep.txt") << "mine";
  SignatureExport what;
  what.graph = WeightsGraph();
  Status refused = ExportSignature(Env::Default(), temp.Sub("model"), what);
  EXPECT_EQ(refused.code(), StatusCode::kAlreadyExists) << refused.ToString();
  EXPECT_TRUE(fs::exists(temp.Sub("model") + "/keep.txt"));
  ASSERT_TRUE(ExportSignature(Env::Default(), temp.Sub("model"), what, {.overwrite = true}).ok());
  EXPECT_FALSE(fs::exists(temp.Sub("model") + "/keep.txt"));
  EXPECT_TRUE(Model::Load(temp.Sub("model")).ok());
}

TEST(ExportSignature, RefusesMissingGraph) {
  TempDir temp;
  Status status = ExportSignature(Env::Default(), temp.Sub("model"), SignatureExport());
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(temp.Sub("model")));
}

// One-arg function graph: `op`(v, constant).
std::shared_ptr<Graph> UnaryFunction(const std::string& name, const std::string& op,
                                     Tensor constant) {
  auto graph = std::make_shared<Graph>(name);
  const DataType dtype = constant.dtype();
  Node* v = AddGraphArg(*graph, "v", dtype, PartialShape());
  Node* c = AddConst(*graph, "c", std::move(constant));
  graph->rets().push_back(
      {"r", {AddBinary(*graph, "r", op, {v, 0}, {c, 0}, dtype), 0}, dtype, PartialShape()});
  return graph;
}

// branched = flag ? x * 2 : x + 1; looped = x * 2^3 (a While counting i to 3).
SignatureExport ControlFlowExport() {
  auto functions = std::make_shared<FunctionGraphs>();
  (*functions)["times_two"] = UnaryFunction("times_two", "Mul", Tensor::Scalar<float>(2));
  (*functions)["plus_one"] = UnaryFunction("plus_one", "AddV2", Tensor::Scalar<float>(1));
  auto cond = std::make_shared<Graph>("below_three");
  Node* ci = AddGraphArg(*cond, "i", DataType::kInt32, PartialShape());
  AddGraphArg(*cond, "v", DataType::kFloat, PartialShape());
  Node* less =
      AddBinary(*cond, "less", "Less", {ci, 0},
                {AddConst(*cond, "three", Tensor::Scalar<int32_t>(3)), 0}, DataType::kInt32);
  cond->rets().push_back({"keep_going", {less, 0}, DataType::kBool, PartialShape()});
  (*functions)["below_three"] = cond;
  auto body = std::make_shared<Graph>("step");
  Node* bi = AddGraphArg(*body, "i", DataType::kInt32, PartialShape());
  Node* bv = AddGraphArg(*body, "v", DataType::kFloat, PartialShape());
  Node* next = AddBinary(*body, "next", "AddV2", {bi, 0},
                         {AddConst(*body, "one", Tensor::Scalar<int32_t>(1)), 0}, DataType::kInt32);
  Node* doubled = AddBinary(*body, "doubled", "Mul", {bv, 0},
                            {AddConst(*body, "two", Tensor::Scalar<float>(2)), 0});
  body->rets().push_back({"i", {next, 0}, DataType::kInt32, PartialShape()});
  body->rets().push_back({"v", {doubled, 0}, DataType::kFloat, PartialShape()});
  (*functions)["step"] = body;

  auto graph = std::make_shared<Graph>("serving_default");
  Node* flag = AddGraphArg(*graph, "flag", DataType::kBool, Scalar());
  Node* x = AddGraphArg(*graph, "x", DataType::kFloat, Scalar());
  Node* branch = graph->AddNode("branch", "If",
                                {{"Tcond", TypeAttr(DataType::kBool)},
                                 {"Tin", TypeListAttr({DataType::kFloat})},
                                 {"Tout", TypeListAttr({DataType::kFloat})},
                                 {"then_branch", FuncAttr("times_two")},
                                 {"else_branch", FuncAttr("plus_one")}},
                                {{flag, 0}, {x, 0}});
  Node* zero = AddConst(*graph, "zero", Tensor::Scalar<int32_t>(0));
  Node* loop = graph->AddNode("loop", "While",
                              {{"T", TypeListAttr({DataType::kInt32, DataType::kFloat})},
                               {"cond", FuncAttr("below_three")},
                               {"body", FuncAttr("step")}},
                              {{zero, 0}, {x, 0}});
  graph->rets().push_back({"branched", {branch, 0}, DataType::kFloat, Scalar()});
  graph->rets().push_back({"looped", {loop, 1}, DataType::kFloat, Scalar()});
  SignatureExport what;
  what.graph = graph;
  what.functions = functions;
  return what;
}

TEST(ExportSignature, IfAndWhileFunctionsRoundTrip) {
  TempDir temp;
  ASSERT_TRUE(ExportSignature(Env::Default(), temp.Sub("model"), ControlFlowExport()).ok());
  const tensorflow::MetaGraphDef meta_graph = ReadMetaGraph(temp.Sub("model"));
  const auto& library = meta_graph.graph_def().library();
  for (const char* name : {"times_two", "plus_one", "below_three", "step"}) {
    EXPECT_NE(FindFunction(library, name), nullptr) << name;
  }
  const tensorflow::FunctionDef* main = SignatureFunction(meta_graph);
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(FindNodeDef(*main, "branch")->attr().at("then_branch").func().name(), "times_two");
  EXPECT_EQ(main->ret().at("looped"), "loop:output:1");
  EXPECT_FALSE(meta_graph.has_saver_def()) << "no variables, no saver";

  for (bool flag : {true, false}) {
    auto outputs = LoadAndRun(temp.Sub("model"), {{"flag", Tensor::Scalar<bool>(flag)},
                                                  {"x", Tensor::Scalar<float>(1.5f)}});
    ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
    EXPECT_TRUE(testing::TensorsMatch(outputs->at("branched"),
                                      Tensor::Scalar<float>(flag ? 3.0f : 2.5f), 0));
    EXPECT_TRUE(testing::TensorsMatch(outputs->at("looped"), Tensor::Scalar<float>(12.0f), 0));
  }
}

// x -> TRTEngineOp(segment: relu(x) + x) with two outputs (relu and the sum).
SignatureExport EngineExport() {
  auto segment = std::make_shared<Graph>("engine_native_segment");
  Node* in = AddGraphArg(*segment, "TensorRTInputPH_0", DataType::kFloat, PartialShape());
  Node* relu = segment->AddNode("relu", "Relu", {{"T", TypeAttr(DataType::kFloat)}}, {{in, 0}});
  Node* sum = AddBinary(*segment, "sum", "AddV2", {relu, 0}, {in, 0});
  segment->rets().push_back({"TensorRTOutputPH_0", {relu, 0}, DataType::kFloat, PartialShape()});
  segment->rets().push_back({"TensorRTOutputPH_1", {sum, 0}, DataType::kFloat, PartialShape()});
  auto graph = std::make_shared<Graph>("serving_default");
  Node* x = AddGraphArg(*graph, "x", DataType::kFloat, PartialShape());
  Node* engine = graph->AddNode("TRTEngineOp_000_000", "TRTEngineOp",
                                {{"InT", TypeListAttr({DataType::kFloat})},
                                 {"OutT", TypeListAttr({DataType::kFloat, DataType::kFloat})},
                                 {"segment_func", FuncAttr("engine_native_segment")},
                                 {"serialized_segment", StringAttr("")},
                                 {"precision_mode", StringAttr("FP32")},
                                 {"workspace_size_bytes", IntAttr(1 << 20)},
                                 {"max_cached_engines_count", IntAttr(1)}},
                                {{x, 0}});
  graph->rets().push_back({"sum", {engine, 1}, DataType::kFloat, PartialShape()});
  SignatureExport what;
  what.graph = graph;
  what.functions = std::make_shared<FunctionGraphs>(FunctionGraphs{{segment->name(), segment}});
  return what;
}

TEST(ExportSignature, EngineNodesUseTheirOpDef) {
  TempDir temp;
  ASSERT_TRUE(ExportSignature(Env::Default(), temp.Sub("model"), EngineExport()).ok());
  const tensorflow::MetaGraphDef meta_graph = ReadMetaGraph(temp.Sub("model"));
  const tensorflow::FunctionDef* main = SignatureFunction(meta_graph);
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main->ret().at("sum"), "TRTEngineOp_000_000:out_tensor:1");
  const auto* engine = FindNodeDef(*main, "TRTEngineOp_000_000");
  EXPECT_FALSE(engine->attr().contains("max_cached_engines_count")) << "default stripped";
  bool listed = false;
  for (const auto& op : meta_graph.meta_info_def().stripped_op_list().op()) {
    listed |= op.name() == "TRTEngineOp";
  }
  EXPECT_TRUE(listed) << "TRTEngineOp is missing from the stripped op list";

  auto outputs = LoadAndRun(temp.Sub("model"), {{"x", Tensor::FromVector<float>({-2, 3})}});
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  EXPECT_TRUE(testing::TensorsMatch(outputs->at("sum"), Tensor::FromVector<float>({-2, 6}), 0));
}

// --- Every fixture: import, export, load, run ----------------------------------------------

using testing::FixtureSignature;
using testing::ReadNpyDir;

// The export directory: kept under $TFTRT_EXPORT_DIR for check_tf_loads.py; otherwise
// temporary.
std::string ExportDirFor(const FixtureSignature& f, const TempDir& temp) {
  const char* keep = std::getenv("TFTRT_EXPORT_DIR");
  if (keep == nullptr) return temp.Sub(f.signature);
  return testing::KeptModelDir(f, keep).string();
}

// Bytes of the elements of a Const's value.
int64_t ConstBytes(const tensorflow::NodeDef& node) {
  if (node.op() != "Const" || !node.attr().contains("value")) return 0;
  auto value = TensorFromProto(node.attr().at("value").tensor());
  if (!value.ok()) return 0;
  if (value->dtype() != DataType::kString) return static_cast<int64_t>(value->ByteSize());
  int64_t bytes = 0;
  for (int64_t i = 0; i < value->NumElements(); ++i) bytes += value->flat<std::string>()[i].size();
  return bytes;
}

class FixtureExport : public ::testing::TestWithParam<FixtureSignature> {};

TEST_P(FixtureExport, LoadsBackAndMatchesTensorFlow) {
  const FixtureSignature& f = GetParam();
  if (std::getenv("TFTRT_SANITIZER_RUN") != nullptr && f.fixture == "resnet50") {
    GTEST_SKIP() << "ResNet50 is run by the Release pass only (too slow under sanitizers)";
  }
  if (f.model_dir.empty() || !fs::exists(f.model_dir)) {
    GTEST_SKIP() << "the model of fixture " << f.fixture_dir << " is absent";
  }
  auto imported = LoadSignature(Env::Default(), f.model_dir, f.signature, {kServeTag});
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  // Lookup tables are filled by the model's init op, as Model::Load and the converter do.
  const Status tables = AttachInitializedTables(Env::Default(), f.model_dir, {kServeTag}, imported->graph.get());
  ASSERT_TRUE(tables.ok()) << tables.ToString();
  TempDir temp;
  SignatureExport what;
  what.signature_key = f.signature;
  what.graph = imported->graph;
  what.functions = imported->functions;
  what.op_defs = imported->op_defs;
  what.tables = AttachedTableContents(*imported->graph);
  const std::string dir = ExportDirFor(f, temp);
  Status exported = ExportSignature(Env::Default(), dir, what, {.overwrite = true});
  ASSERT_TRUE(exported.ok()) << exported.ToString();

  // Weights went to variables/: nothing that large is inlined in the signature's graph,
  // and saved_model.pb stays near the size of the graph's structure.
  const tensorflow::MetaGraphDef meta_graph = ReadMetaGraph(dir);
  const tensorflow::FunctionDef* function = SignatureFunction(meta_graph);
  ASSERT_NE(function, nullptr);
  for (const auto& node : function->node_def()) {
    EXPECT_LT(ConstBytes(node), what.min_variable_bytes) << node.name() << " is inlined";
  }
  int64_t num_nodes = meta_graph.graph_def().node_size();
  for (const auto& fdef : meta_graph.graph_def().library().function()) {
    num_nodes += fdef.node_def_size();
  }
  EXPECT_LT(static_cast<int64_t>(fs::file_size(fs::path(dir) / "saved_model.pb")),
            64 * 1024 + 2048 * num_nodes);

  auto model = Model::Load(dir, f.signature);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  for (const fs::path& case_dir : f.case_dirs) {
    SCOPED_TRACE("case " + case_dir.string());
    auto outputs = (*model)->Run(ReadNpyDir(case_dir / "inputs"));
    ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
    const auto expected = ReadNpyDir(case_dir / "outputs");
    ASSERT_FALSE(expected.empty());
    for (const auto& [name, tensor] : expected) {
      auto it = outputs->find(name);
      ASSERT_NE(it, outputs->end()) << "no output '" << name << "'";
      EXPECT_TRUE(testing::TensorsMatch(it->second, tensor, kFloatTolerance)) << "output " << name;
    }
  }
}

// TF1 SavedModels are refused at import (model_fixtures_test checks how).
std::vector<FixtureSignature> Tf2FixtureSignatures() {
  std::vector<FixtureSignature> signatures;
  for (const FixtureSignature& f : testing::AllFixtureSignatures()) {
    if (!testing::IsTf1Fixture(f.fixture)) signatures.push_back(f);
  }
  return signatures;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureExport, ::testing::ValuesIn(Tf2FixtureSignatures()),
                         [](const auto& info) { return info.param.Name(); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FixtureExport);

}  // namespace
}  // namespace tftrt

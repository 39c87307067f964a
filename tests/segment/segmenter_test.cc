// The segmenter: clustering without cycles, minimum_segment_size over effective nodes, the
// denylist and engine limit from TF-TRT's environment variables, and a typed reason for
// every node left native.
#include "segment/segmenter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "engine/engine_test_util.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::AllTensorsMatch;
using testing::ConvertGraph;
using testing::InferTypes;
using testing::RandomTensor;
using testing::RunGraph;
using testing::RunWithFunctions;

// Sets (or with nullopt unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value.has_value()) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_.has_value()) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

SegmenterOptions Options(int minimum_segment_size) {
  SegmenterOptions options;
  options.minimum_segment_size = minimum_segment_size;
  return options;
}

// Segments `graph` and checks that every node is in exactly one segment or native.
Segmentation SegmentGraph(const Graph& graph, const SegmenterOptions& options) {
  auto types = InferTypes(graph);
  EXPECT_TRUE(types.ok()) << types.status().ToString();
  auto segmentation = FindSegments(graph, *types, options);
  EXPECT_TRUE(segmentation.ok()) << segmentation.status().ToString();
  std::map<const Node*, int> seen;
  for (const auto& segment : segmentation->segments) {
    for (const Node* node : segment.nodes) ++seen[node];
  }
  for (const Node* node : graph.nodes()) {
    const int in_segments = seen.count(node) ? seen[node] : 0;
    const int native = segmentation->native.count(node);
    EXPECT_EQ(in_segments + native, 1)
        << node->name << " is in " << in_segments << " segments and " << native << " native sets";
  }
  return std::move(segmentation).value();
}

std::vector<std::string> Names(const Segment& segment) {
  std::vector<std::string> names;
  for (const Node* node : segment.nodes) names.push_back(node->name);
  return names;
}

// The reason `name` stays native, or nullopt if it went into a segment.
std::optional<NativeReasonKind> ReasonOf(const Graph& graph, const Segmentation& segmentation,
                                         const std::string& name) {
  auto it = segmentation.native.find(graph.FindNode(name));
  if (it == segmentation.native.end()) return std::nullopt;
  return it->second.kind;
}

// Converting `graph` must give a graph without cycles that computes what it did before.
void ExpectConversionKeepsResults(Graph& graph, const SegmenterOptions& options,
                                  std::vector<Tensor> args) {
  auto before = RunGraph(graph, args);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  FunctionGraphs functions;
  auto engines = ConvertGraph(graph, options, {}, &functions);
  ASSERT_TRUE(engines.ok()) << engines.status().ToString();
  auto order = TopologicalOrder(graph, false);
  ASSERT_TRUE(order.ok()) << "the segments form a cycle: " << order.status().ToString();
  auto after = RunWithFunctions(graph, functions, std::move(args));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(AllTensorsMatch(*after, *before, 1e-6));
}

// x -> a -> b -> n (native) -> c -> d, and b -> c: merging b and c would make the path
// b -> n -> c a cycle through the native node.
TEST(SegmenterTest, DiamondThroughANativeNodeSplits) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 8});
  Node* a = AddFloatOp(graph, "a", "Relu", {{x, 0}});
  Node* b = AddFloatOp(graph, "b", "Tanh", {{a, 0}});
  Node* n = AddFloatOp(graph, "n", "Expm1", {{b, 0}});
  Node* c = AddFloatOp(graph, "c", "AddV2", {{b, 0}, {n, 0}});
  Node* d = AddFloatOp(graph, "d", "Sigmoid", {{c, 0}});
  AddRet(graph, "y", {d, 0});

  Segmentation segmentation = SegmentGraph(graph, Options(2));
  ASSERT_EQ(segmentation.segments.size(), 2u);
  EXPECT_EQ(Names(segmentation.segments[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Names(segmentation.segments[1]), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(segmentation.segments[0].effective_size, 2);
  EXPECT_EQ(ReasonOf(graph, segmentation, "n"), NativeReasonKind::kOp);
  EXPECT_EQ(ReasonOf(graph, segmentation, "x"), NativeReasonKind::kGraphBoundary);

  ExpectConversionKeepsResults(graph, Options(2), {RandomTensor({2, 8}, 1)});
}

// a -> n (native) -> c1, c2 -> c1 and c2 -> d, a -> d. Visiting in this order, {c2, c1}
// is a cluster before d merges with a; {a, d} would then reach {c2, c1} through n and be
// reached from it through c2 -> d: a cycle between the two segments, which node-level
// paths out of {a, d} alone do not show.
TEST(SegmenterTest, NoCycleThroughAnotherSegment) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {3, 5});
  Node* a = AddFloatOp(graph, "a", "Relu", {{x, 0}});
  Node* n = AddFloatOp(graph, "n", "Expm1", {{a, 0}});
  Node* c2 = AddFloatOp(graph, "c2", "Tanh", {{x, 0}});
  Node* c1 = AddFloatOp(graph, "c1", "AddV2", {{c2, 0}, {n, 0}});
  Node* d = AddFloatOp(graph, "d", "AddV2", {{a, 0}, {c2, 0}});
  AddRet(graph, "y1", {c1, 0});
  AddRet(graph, "y2", {d, 0});

  ExpectConversionKeepsResults(graph, Options(1), {RandomTensor({3, 5}, 2)});
}

// A control edge counts as a path: a -> n (native) -ctrl-> c and a -> c.
TEST(SegmenterTest, ControlDependencyThroughANativeNodeSplits) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  Node* a = AddFloatOp(graph, "a", "Relu", {{x, 0}});
  Node* n = AddFloatOp(graph, "n", "Expm1", {{a, 0}});
  Node* c = AddFloatOp(graph, "c", "AddV2", {{a, 0}, {x, 0}});
  c->control_inputs.push_back(n);
  AddRet(graph, "y", {c, 0});
  AddRet(graph, "z", {n, 0});

  Segmentation segmentation = SegmentGraph(graph, Options(1));
  ASSERT_EQ(segmentation.segments.size(), 2u);
  EXPECT_EQ(Names(segmentation.segments[0]), (std::vector<std::string>{"a"}));
  EXPECT_EQ(Names(segmentation.segments[1]), (std::vector<std::string>{"c"}));

  ExpectConversionKeepsResults(graph, Options(1), {RandomTensor({4}, 3)});
}

// Relu -> Identity -> Tanh -> Snapshot -> Sigmoid -> StopGradient: six nodes, three effective.
void AddChainWithIdentities(Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 3});
  Output last{x, 0};
  for (const char* op : {"Relu", "Identity", "Tanh", "Snapshot", "Sigmoid", "StopGradient"}) {
    last = {AddFloatOp(graph, std::string("n_") + op, op, {last}), 0};
  }
  AddRet(graph, "y", last);
}

TEST(SegmenterTest, MinimumSegmentSizeCountsEffectiveNodesOnly) {
  Graph graph("g");
  AddChainWithIdentities(graph);

  Segmentation three = SegmentGraph(graph, Options(3));
  ASSERT_EQ(three.segments.size(), 1u);
  EXPECT_EQ(three.segments[0].nodes.size(), 6u);  // the identities join the segment
  EXPECT_EQ(three.segments[0].effective_size, 3);

  Segmentation four = SegmentGraph(graph, Options(4));
  EXPECT_TRUE(four.segments.empty());
  for (const char* name :
       {"n_Relu", "n_Identity", "n_Tanh", "n_Snapshot", "n_Sigmoid", "n_StopGradient"}) {
    auto it = four.native.find(graph.FindNode(name));
    ASSERT_NE(it, four.native.end()) << name;
    EXPECT_EQ(it->second.kind, NativeReasonKind::kSegmentSize) << name << ": " << it->second.detail;
    EXPECT_NE(it->second.detail.find("3 effective nodes"), std::string::npos) << it->second.detail;
  }
}

TEST(SegmenterTest, SegmentOfIdentitiesOnlyIsDropped) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2});
  Node* i1 = AddFloatOp(graph, "i1", "Identity", {{x, 0}});
  Node* i2 = AddFloatOp(graph, "i2", "Snapshot", {{i1, 0}});
  AddRet(graph, "y", {i2, 0});

  Segmentation segmentation = SegmentGraph(graph, Options(1));
  EXPECT_TRUE(segmentation.segments.empty());
  EXPECT_EQ(ReasonOf(graph, segmentation, "i1"), NativeReasonKind::kSegmentSize);
  EXPECT_EQ(ReasonOf(graph, segmentation, "i2"), NativeReasonKind::kSegmentSize);
}

// x -> Relu -> Tanh -> Exp -> Sigmoid -> Abs.
void AddFiveOpChain(Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 3});
  Output last{x, 0};
  for (const char* op : {"Relu", "Tanh", "Exp", "Sigmoid", "Abs"}) {
    last = {AddFloatOp(graph, op, op, {last}), 0};
  }
  AddRet(graph, "y", last);
}

TEST(SegmenterTest, DenylistFromTheEnvironmentKeepsOpsNative) {
  Graph graph("g");
  AddFiveOpChain(graph);
  {
    ScopedEnv unset("TF_TRT_OP_DENYLIST", std::nullopt);
    auto options = SegmenterOptionsFromEnv(1);
    ASSERT_TRUE(options.ok()) << options.status().ToString();
    EXPECT_TRUE(options->denylist.empty());
    EXPECT_EQ(SegmentGraph(graph, *options).segments.size(), 1u);
  }
  ScopedEnv denylist("TF_TRT_OP_DENYLIST", " Tanh,Sigmoid ,,");
  auto options = SegmenterOptionsFromEnv(1);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->denylist, (std::set<std::string>{"Tanh", "Sigmoid"}));
  EXPECT_EQ(options->minimum_segment_size, 1);

  Segmentation segmentation = SegmentGraph(graph, *options);
  ASSERT_EQ(segmentation.segments.size(), 3u);
  EXPECT_EQ(Names(segmentation.segments[0]), (std::vector<std::string>{"Relu"}));
  EXPECT_EQ(Names(segmentation.segments[1]), (std::vector<std::string>{"Exp"}));
  EXPECT_EQ(Names(segmentation.segments[2]), (std::vector<std::string>{"Abs"}));
  for (const char* name : {"Tanh", "Sigmoid"}) {
    const auto& reason = segmentation.native.at(graph.FindNode(name));
    EXPECT_EQ(reason.kind, NativeReasonKind::kDenylisted) << name;
    EXPECT_NE(reason.detail.find("TF_TRT_OP_DENYLIST"), std::string::npos) << reason.detail;
  }
}

// Two segments split by a native node: two effective nodes, then four.
void AddSmallThenLargeSegment(Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  Node* r1 = AddFloatOp(graph, "r1", "Relu", {{x, 0}});
  Node* t1 = AddFloatOp(graph, "t1", "Tanh", {{r1, 0}});
  Node* n = AddFloatOp(graph, "n", "Expm1", {{t1, 0}});
  Output last{n, 0};
  const std::pair<const char*, const char*> large[] = {
      {"r2", "Relu"}, {"t2", "Tanh"}, {"e2", "Exp"}, {"a2", "Abs"}};
  for (const auto& [name, op] : large) last = {AddFloatOp(graph, name, op, {last}), 0};
  AddRet(graph, "y", last);
}

TEST(SegmenterTest, MaxAllowedEnginesKeepsTheLargestSegments) {
  Graph graph("g");
  AddSmallThenLargeSegment(graph);
  {
    ScopedEnv unset("TF_TRT_MAX_ALLOWED_ENGINES", std::nullopt);
    auto options = SegmenterOptionsFromEnv(1);
    ASSERT_TRUE(options.ok()) << options.status().ToString();
    EXPECT_EQ(options->max_engines, 20);
    EXPECT_EQ(SegmentGraph(graph, *options).segments.size(), 2u);
  }
  ScopedEnv one("TF_TRT_MAX_ALLOWED_ENGINES", "1");
  auto options = SegmenterOptionsFromEnv(1);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->max_engines, 1);

  Segmentation segmentation = SegmentGraph(graph, *options);
  ASSERT_EQ(segmentation.segments.size(), 1u);
  EXPECT_EQ(Names(segmentation.segments[0]), (std::vector<std::string>{"r2", "t2", "e2", "a2"}));
  for (const char* name : {"r1", "t1"}) {
    EXPECT_EQ(ReasonOf(graph, segmentation, name), NativeReasonKind::kEngineLimit) << name;
  }
}

// As in TF-TRT's segmenter, a value <= 0 lifts the limit and a warning says so.
TEST(SegmenterTest, NonPositiveMaxAllowedEnginesLiftsTheLimitWithAWarning) {
  Graph graph("g");
  AddSmallThenLargeSegment(graph);
  for (const std::string text : {"0", "-1"}) {
    ScopedEnv value("TF_TRT_MAX_ALLOWED_ENGINES", text);
    ::testing::internal::CaptureStderr();
    auto options = SegmenterOptionsFromEnv(1);
    const std::string log = ::testing::internal::GetCapturedStderr();
    ASSERT_TRUE(options.ok()) << options.status().ToString();
    EXPECT_NE(log.find("tftrt warning: TF_TRT_MAX_ALLOWED_ENGINES=" + text +
                       " is <= 0: the number of engines is not limited"),
              std::string::npos)
        << log;
    EXPECT_EQ(SegmentGraph(graph, *options).segments.size(), 2u);
  }
}

TEST(SegmenterTest, BadMaxAllowedEnginesIsInvalidArgument) {
  for (const char* text : {"abc", "3x", "", "1.5"}) {
    ScopedEnv bad("TF_TRT_MAX_ALLOWED_ENGINES", text);
    auto options = SegmenterOptionsFromEnv(3);
    ASSERT_FALSE(options.ok()) << "'" << text << "'";
    EXPECT_EQ(options.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(options.status().message().find("TF_TRT_MAX_ALLOWED_ENGINES"), std::string::npos);
  }
}

// Relu -> Cast to int64 -> Cast back -> Tanh -> Sigmoid: the int64 tensor between the casts
// stays native, so the casts do, and the engines end at them.
TEST(SegmenterTest, Int64TensorBoundaryStaysNative) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{x, 0}});
  Node* to_int64 = graph.AddNode(
      "to_int64", "Cast",
      {{"SrcT", TypeAttr(DataType::kFloat)}, {"DstT", TypeAttr(DataType::kInt64)}}, {{relu, 0}});
  Node* back = graph.AddNode(
      "back", "Cast", {{"SrcT", TypeAttr(DataType::kInt64)}, {"DstT", TypeAttr(DataType::kFloat)}},
      {{to_int64, 0}});
  Node* tanh = AddFloatOp(graph, "tanh", "Tanh", {{back, 0}});
  Node* sigmoid = AddFloatOp(graph, "sigmoid", "Sigmoid", {{tanh, 0}});
  Node* y = AddArg(graph, "y", DataType::kInt64, {4});
  Node* sum = graph.AddNode("sum", "AddV2", {{"T", TypeAttr(DataType::kInt64)}}, {{y, 0}, {y, 0}});
  AddRet(graph, "out", {sigmoid, 0});
  AddRet(graph, "out64", {sum, 0}, DataType::kInt64);

  Segmentation segmentation = SegmentGraph(graph, Options(1));
  ASSERT_EQ(segmentation.segments.size(), 2u);
  EXPECT_EQ(Names(segmentation.segments[0]), (std::vector<std::string>{"relu"}));
  EXPECT_EQ(Names(segmentation.segments[1]), (std::vector<std::string>{"tanh", "sigmoid"}));
  for (const char* name : {"to_int64", "back", "sum"}) {
    EXPECT_EQ(ReasonOf(graph, segmentation, name), NativeReasonKind::kDtype) << name;
  }
}

// Complex tensors stay native (TF-TRT had no complex support; tftrt's engines have no
// complex layers): RFFT and ComplexAbs have no converter, and ops that engines take for
// real dtypes (Identity, Reshape, Mul) are refused by the dtype of their complex tensors.
// The float ops around them still form engines, and the converted graph computes what the
// original did, complex output included.
TEST(SegmenterTest, ComplexTensorsStayNativeByDtype) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 8});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{x, 0}});
  Node* tanh = AddFloatOp(graph, "tanh", "Tanh", {{relu, 0}});
  Node* fft_length = AddConstNode(graph, "fft_length", Tensor::FromVector<int32_t>({8}));
  Node* rfft = graph.AddNode(
      "rfft", "RFFT",
      {{"Treal", TypeAttr(DataType::kFloat)}, {"Tcomplex", TypeAttr(DataType::kComplex64)}},
      {{tanh, 0}, {fft_length, 0}});
  const auto complex_attr = TypeAttr(DataType::kComplex64);
  Node* identity = graph.AddNode("identity", "Identity", {{"T", complex_attr}}, {{rfft, 0}});
  Node* twice =
      graph.AddNode("twice", "Mul", {{"T", complex_attr}}, {{identity, 0}, {identity, 0}});
  Node* shape = AddConstNode(graph, "shape", Tensor::FromVector<int64_t>({10}));
  Node* flat = graph.AddNode("flat", "Reshape",
                             {{"T", complex_attr}, {"Tshape", TypeAttr(DataType::kInt64)}},
                             {{twice, 0}, {shape, 0}});
  Node* magnitude =
      graph.AddNode("magnitude", "ComplexAbs",
                    {{"T", complex_attr}, {"Tout", TypeAttr(DataType::kFloat)}}, {{flat, 0}});
  Node* sigmoid = AddFloatOp(graph, "sigmoid", "Sigmoid", {{magnitude, 0}});
  Node* exp = AddFloatOp(graph, "exp", "Exp", {{sigmoid, 0}});
  AddRet(graph, "out", {exp, 0});
  AddRet(graph, "spectrum", {flat, 0}, DataType::kComplex64);

  Segmentation segmentation = SegmentGraph(graph, Options(2));
  ASSERT_EQ(segmentation.segments.size(), 2u);
  EXPECT_EQ(Names(segmentation.segments[0]), (std::vector<std::string>{"relu", "tanh"}));
  EXPECT_EQ(Names(segmentation.segments[1]), (std::vector<std::string>{"sigmoid", "exp"}));
  for (const char* name : {"identity", "twice", "flat"}) {
    EXPECT_EQ(ReasonOf(graph, segmentation, name), NativeReasonKind::kDtype) << name;
  }
  for (const char* name : {"rfft", "magnitude"}) {
    EXPECT_EQ(ReasonOf(graph, segmentation, name), NativeReasonKind::kOp) << name;
  }
  EXPECT_NE(segmentation.native.at(identity).detail.find("complex64"), std::string::npos)
      << segmentation.native.at(identity).detail;
  ExpectConversionKeepsResults(graph, Options(2), {RandomTensor({2, 8}, 3)});
}

// a -> Shape -> Reshape's shape, and a -> Expm1 (native) -> Reshape's tensor: the Reshape
// cannot join a's cluster (the path through Expm1 would be a cycle), so its shape would
// reach its engine at run time from a's engine. It stays native; the ops after it still
// form an engine.
TEST(SegmenterTest, ShapeComputedInAnotherSegmentKeepsItsReaderNative) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 8});
  Node* a = AddFloatOp(graph, "a", "Relu", {{x, 0}});
  Node* shape = graph.AddNode(
      "shape", "Shape",
      {{"T", TypeAttr(DataType::kFloat)}, {"out_type", TypeAttr(DataType::kInt32)}}, {{a, 0}});
  Node* n = AddFloatOp(graph, "n", "Expm1", {{a, 0}});
  Node* reshape = AddFloatOp(graph, "reshape", "Reshape", {{n, 0}, {shape, 0}},
                             {{"Tshape", TypeAttr(DataType::kInt32)}});
  Node* t = AddFloatOp(graph, "t", "Tanh", {{reshape, 0}});
  Node* u = AddFloatOp(graph, "u", "Sigmoid", {{t, 0}});
  AddRet(graph, "y", {u, 0});

  Segmentation segmentation = SegmentGraph(graph, Options(1));
  EXPECT_EQ(ReasonOf(graph, segmentation, "reshape"), NativeReasonKind::kConstInput);
  for (const Segment& segment : segmentation.segments) {
    for (const Node* node : segment.nodes) EXPECT_NE(node->name, "reshape");
  }
  ASSERT_EQ(segmentation.segments.size(), 2u);
  EXPECT_EQ(Names(segmentation.segments[1]), (std::vector<std::string>{"t", "u"}));
  ExpectConversionKeepsResults(graph, Options(1), {RandomTensor({2, 8}, 2)});
}

TEST(SegmenterTest, SegmentReadingOnlyConstantsStaysNative) {
  Graph graph("g");
  Node* k = AddConstNode(graph, "k", RandomTensor({4}, 4));
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{k, 0}});
  Node* tanh = AddFloatOp(graph, "tanh", "Tanh", {{relu, 0}});
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  Node* exp = AddFloatOp(graph, "exp", "Exp", {{x, 0}});
  AddRet(graph, "y", {tanh, 0});
  AddRet(graph, "z", {exp, 0});

  Segmentation segmentation = SegmentGraph(graph, Options(1));
  ASSERT_EQ(segmentation.segments.size(), 1u);
  EXPECT_EQ(Names(segmentation.segments[0]), (std::vector<std::string>{"exp"}));
  for (const char* name : {"k", "relu", "tanh"}) {
    EXPECT_EQ(ReasonOf(graph, segmentation, name), NativeReasonKind::kNoInputs) << name;
  }
}

// As TF-TRT's segmenter: the constants a segment alone reads are members and count
// towards minimum_segment_size.
TEST(SegmenterTest, ConstantsReadOnlyByASegmentJoinIt) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 4, 4, 3});
  Node* filter = AddConstNode(graph, "filter", RandomTensor({3, 3, 3, 2}, 5));
  Node* bias = AddConstNode(graph, "bias", RandomTensor({2}, 6));
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, testing::ConvAttrs());
  Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{conv, 0}, {bias, 0}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
  AddRet(graph, "y", {relu, 0});

  Segmentation five = SegmentGraph(graph, Options(5));
  ASSERT_EQ(five.segments.size(), 1u);
  std::vector<std::string> names = Names(five.segments[0]);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"bias", "biased", "conv", "filter", "relu"}));
  EXPECT_EQ(five.segments[0].effective_size, 5);
  EXPECT_TRUE(SegmentGraph(graph, Options(6)).segments.empty());

  ExpectConversionKeepsResults(graph, Options(5), {RandomTensor({1, 4, 4, 3}, 7)});
}

// x -> Mul(x, c) -> Expm1 (native), and c -> Atan2 (native): a constant that a native node
// reads stays outside; the segment reads a copy and counts one node.
TEST(SegmenterTest, ConstantReadOutsideTheSegmentStaysOutside) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  Node* c = AddConstNode(graph, "c", RandomTensor({4}, 8));
  Node* mul = AddFloatOp(graph, "mul", "Mul", {{x, 0}, {c, 0}});
  Node* expm1 = AddFloatOp(graph, "expm1", "Expm1", {{mul, 0}});
  Node* atan2 = AddFloatOp(graph, "atan2", "Atan2", {{expm1, 0}, {c, 0}});
  AddRet(graph, "y", {atan2, 0});

  Segmentation segmentation = SegmentGraph(graph, Options(1));
  ASSERT_EQ(segmentation.segments.size(), 1u);
  EXPECT_EQ(Names(segmentation.segments[0]), (std::vector<std::string>{"mul"}));
  EXPECT_EQ(ReasonOf(graph, segmentation, "c"), NativeReasonKind::kGraphBoundary);
  EXPECT_TRUE(SegmentGraph(graph, Options(2)).segments.empty());

  ExpectConversionKeepsResults(graph, Options(1), {RandomTensor({4}, 9)});
}

// a * c and b * c, each followed by a native node: the shared constant joins both products
// into one segment of three nodes (TF-TRT contracts its edges to both).
TEST(SegmenterTest, SharedConstantJoinsSegments) {
  Graph graph("g");
  Node* a = AddArg(graph, "a", DataType::kFloat, {4});
  Node* b = AddArg(graph, "b", DataType::kFloat, {4});
  Node* c = AddConstNode(graph, "c", RandomTensor({4}, 10));
  Node* mul_a = AddFloatOp(graph, "mul_a", "Mul", {{a, 0}, {c, 0}});
  Node* mul_b = AddFloatOp(graph, "mul_b", "Mul", {{b, 0}, {c, 0}});
  AddRet(graph, "y", {AddFloatOp(graph, "expm1_a", "Expm1", {{mul_a, 0}}), 0});
  AddRet(graph, "z", {AddFloatOp(graph, "expm1_b", "Expm1", {{mul_b, 0}}), 0});

  Segmentation segmentation = SegmentGraph(graph, Options(3));
  ASSERT_EQ(segmentation.segments.size(), 1u);
  std::vector<std::string> names = Names(segmentation.segments[0]);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"c", "mul_a", "mul_b"}));

  ExpectConversionKeepsResults(graph, Options(3), {RandomTensor({4}, 11), RandomTensor({4}, 12)});
}

// ResizeBilinear(x, Shape(x)[1:3] * 2), as tf.image.resize(x, tf.shape(x)[1:3] * 2): the
// size folds once the engine knows x's shape, so one segment takes all of it.
TEST(SegmenterTest, ResizeToASizeComputedFromShapesJoinsTheSegment) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 4, 4, 3});
  Node* shape = graph.AddNode(
      "shape", "Shape",
      {{"T", TypeAttr(DataType::kFloat)}, {"out_type", TypeAttr(DataType::kInt32)}}, {{x, 0}});
  const AttrMap int32_attrs = {{"T", TypeAttr(DataType::kInt32)},
                               {"Index", TypeAttr(DataType::kInt32)}};
  Node* begin = AddConstNode(graph, "begin", Tensor::FromVector<int32_t>({1}));
  Node* end = AddConstNode(graph, "end", Tensor::FromVector<int32_t>({3}));
  Node* strides = AddConstNode(graph, "strides", Tensor::FromVector<int32_t>({1}));
  AttrMap slice_attrs = int32_attrs;
  for (const char* mask :
       {"begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"}) {
    slice_attrs[mask] = IntAttr(0);
  }
  Node* hw = graph.AddNode("hw", "StridedSlice", slice_attrs,
                           {{shape, 0}, {begin, 0}, {end, 0}, {strides, 0}});
  Node* two = AddConstNode(graph, "two", Tensor::Scalar<int32_t>(2));
  Node* size = graph.AddNode("size", "Mul", int32_attrs, {{hw, 0}, {two, 0}});
  Node* resize =
      AddFloatOp(graph, "resize", "ResizeBilinear", {{x, 0}, {size, 0}},
                 {{"align_corners", BoolAttr(false)}, {"half_pixel_centers", BoolAttr(true)}});
  AddRet(graph, "y", {resize, 0});

  Segmentation segmentation = SegmentGraph(graph, Options(3));
  ASSERT_EQ(segmentation.segments.size(), 1u);
  EXPECT_EQ(segmentation.segments[0].nodes.size(), 8u);

  ExpectConversionKeepsResults(graph, Options(3), {RandomTensor({1, 4, 4, 3}, 13)});
}

// A size that only the run time knows (here a graph input) keeps the Resize native.
TEST(SegmenterTest, ResizeToARunTimeSizeStaysNative) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 4, 4, 3});
  Node* size = AddArg(graph, "size", DataType::kInt32, {2});
  Node* resize = AddFloatOp(graph, "resize", "ResizeBilinear", {{x, 0}, {size, 0}});
  AddRet(graph, "y", {AddFloatOp(graph, "relu", "Relu", {{resize, 0}}), 0});

  Segmentation segmentation = SegmentGraph(graph, Options(1));
  ASSERT_EQ(segmentation.segments.size(), 1u);
  EXPECT_EQ(Names(segmentation.segments[0]), (std::vector<std::string>{"relu"}));
  EXPECT_EQ(ReasonOf(graph, segmentation, "resize"), NativeReasonKind::kConstInput);
}

// The cycle rule can cluster a size computation apart from the Resize that reads it: here
// the size also feeds a native Roll whose result reaches the Resize's images, so {size}
// and {cast, z, resize} cannot be one engine. The size would then be a run-time engine
// input, which no build can fold: the Resize stays native (a causal mask built from the
// run-time sequence length gives the same graph shape).
TEST(SegmenterTest, ResizeWhoseSizeIsComputedInAnotherSegmentStaysNative) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 4, 4, 2});
  Node* shape = graph.AddNode(
      "shape", "Shape",
      {{"T", TypeAttr(DataType::kFloat)}, {"out_type", TypeAttr(DataType::kInt32)}}, {{x, 0}});
  const AttrMap int32_attrs = {{"T", TypeAttr(DataType::kInt32)},
                               {"Index", TypeAttr(DataType::kInt32)}};
  AttrMap slice_attrs = int32_attrs;
  for (const char* mask :
       {"begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"}) {
    slice_attrs[mask] = IntAttr(0);
  }
  Node* hw = graph.AddNode("hw", "StridedSlice", slice_attrs,
                           {{shape, 0},
                            {AddConstNode(graph, "begin", Tensor::FromVector<int32_t>({1})), 0},
                            {AddConstNode(graph, "end", Tensor::FromVector<int32_t>({3})), 0},
                            {AddConstNode(graph, "strides", Tensor::FromVector<int32_t>({1})), 0}});
  Node* size =
      graph.AddNode("size", "Mul", int32_attrs,
                    {{hw, 0}, {AddConstNode(graph, "two", Tensor::Scalar<int32_t>(2)), 0}});
  Node* rolled = graph.AddNode("rolled", "Roll",
                               {{"T", TypeAttr(DataType::kInt32)},
                                {"Tshift", TypeAttr(DataType::kInt32)},
                                {"Taxis", TypeAttr(DataType::kInt32)}},
                               {{size, 0},
                                {AddConstNode(graph, "shift", Tensor::Scalar<int32_t>(1)), 0},
                                {AddConstNode(graph, "axis", Tensor::Scalar<int32_t>(0)), 0}});
  Node* cast = graph.AddNode(
      "cast", "Cast", {{"SrcT", TypeAttr(DataType::kInt32)}, {"DstT", TypeAttr(DataType::kFloat)}},
      {{rolled, 0}});
  Node* z = AddFloatOp(graph, "z", "AddV2", {{x, 0}, {cast, 0}});
  Node* resize =
      AddFloatOp(graph, "resize", "ResizeBilinear", {{z, 0}, {size, 0}},
                 {{"align_corners", BoolAttr(false)}, {"half_pixel_centers", BoolAttr(false)}});
  AddRet(graph, "y", {resize, 0});

  Segmentation segmentation = SegmentGraph(graph, Options(1));
  EXPECT_EQ(ReasonOf(graph, segmentation, "resize"), NativeReasonKind::kConstInput);
  EXPECT_EQ(ReasonOf(graph, segmentation, "rolled"), NativeReasonKind::kOp);
  ExpectConversionKeepsResults(graph, Options(1), {RandomTensor({1, 4, 4, 2}, 17)});
}

}  // namespace
}  // namespace tftrt

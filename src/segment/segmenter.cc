#include "segment/segmenter.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <numeric>
#include <sstream>

#include "common/logging.h"

namespace tftrt {
namespace {

// An Identity of a constant is a constant too: it stays with the constants.
bool ForwardsConstant(const Node& node) {
  return IsIdentityLike(node.op) && !node.inputs.empty() && node.inputs[0].node->op == "Const";
}

NodeSignature SignatureOf(const Node& node, const GraphTypes& types) {
  NodeSignature signature;
  for (const Output& input : node.inputs) {
    signature.input_dtypes.push_back(types.of(input));
    signature.input_is_constant.push_back(input.node->op == "Const");
  }
  signature.output_dtypes = types.outputs(&node);
  return signature;
}

// Clusters of nodes: union-find over node indices with the member lists of each root.
class Clusters {
 public:
  explicit Clusters(int n) : parent_(n), members_(n) {
    std::iota(parent_.begin(), parent_.end(), 0);
    for (int i = 0; i < n; ++i) members_[i] = {i};
  }
  int Find(int i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void Merge(int a, int b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return;
    if (members_[a].size() < members_[b].size()) std::swap(a, b);
    parent_[b] = a;
    members_[a].insert(members_[a].end(), members_[b].begin(), members_[b].end());
    members_[b].clear();
  }
  const std::vector<int>& Members(int root) const { return members_[root]; }

 private:
  std::vector<int> parent_;
  std::vector<std::vector<int>> members_;
};

class Segmenter {
 public:
  Segmenter(const Graph& graph, const GraphTypes& types, const SegmenterOptions& options)
      : graph_(graph), types_(types), options_(options) {}

  StatusOr<Segmentation> Run() {
    TFTRT_ASSIGN_OR_RETURN(order_, TopologicalOrder(graph_, false));
    const int n = static_cast<int>(order_.size());
    for (int i = 0; i < n; ++i) index_[order_[i]] = i;
    consumers_.assign(n, {});
    data_consumers_.assign(n, {});
    for (int i = 0; i < n; ++i) {
      for (const Output& input : order_[i]->inputs) {
        consumers_[index_[input.node]].push_back(i);
        data_consumers_[index_[input.node]].push_back(i);
      }
      for (const Node* control : order_[i]->control_inputs) {
        consumers_[index_[control]].push_back(i);
      }
    }
    for (const GraphRet& ret : graph_.rets()) returned_.insert(ret.tensor.node);
    MarkCandidates();
    Cluster();
    // A shape input that folds from candidates may still be computed in another cluster
    // (clustering keeps a path through a native node from forming a cycle): then its engine
    // would read it at run time. Such readers stay native, and the rest is clustered again.
    while (KeepNativeShapeReadersOfOtherClusters()) Cluster();
    return Collect();
  }

 private:
  void MarkCandidates() {
    candidate_.assign(order_.size(), false);
    folds_.assign(order_.size(), -1);
    for (size_t i = 0; i < order_.size(); ++i) {
      const Node& node = *order_[i];
      if (node.op == "_Arg") {
        result_.native[&node] = {NativeReasonKind::kGraphBoundary, "graph input"};
      } else if (ForwardsConstant(node)) {
        result_.native[&node] = {NativeReasonKind::kGraphBoundary, "forwards a constant"};
      } else if (options_.denylist.contains(node.op)) {
        result_.native[&node] = {NativeReasonKind::kDenylisted,
                                 node.op + " is in TF_TRT_OP_DENYLIST"};
      } else if (node.op == "Const") {
        // As TF-TRT's Const converter, every constant is a candidate: the nodes that read it
        // decide whether an engine takes its value.
        candidate_[i] = true;
      } else if (auto reason = Validate(node)) {
        result_.native[&node] = *reason;
      } else {
        candidate_[i] = true;
      }
    }
  }

  // Why `node` cannot go into an engine: the converter's reason, a shape operand that no
  // engine build can fold, or the backend's reason.
  std::optional<NativeReason> Validate(const Node& node) {
    const NodeSignature signature = SignatureOf(node, types_);
    if (auto reason = ConverterTable::Global().Validate(node, signature)) return reason;
    if (auto reason = CheckShapeInputs(node)) return reason;
    if (options_.backend == nullptr || IsIdentityLike(node.op)) return std::nullopt;
    std::vector<DataType> dtypes = signature.input_dtypes;
    dtypes.insert(dtypes.end(), signature.output_dtypes.begin(), signature.output_dtypes.end());
    return options_.backend->Supports(ConverterTable::Global().Find(node.op)->kind, node.op,
                                      dtypes);
  }

  // A shape operand (Reshape's shape, a Resize's size) may be computed in the graph: the
  // engine builder folds it once it knows the input shapes, so it must be computed by
  // engine candidates from constants and Shape nodes only.
  std::optional<NativeReason> CheckShapeInputs(const Node& node) {
    const OpConverter& converter = *ConverterTable::Global().Find(node.op);
    for (int input : converter.shape_inputs) {
      if (input >= static_cast<int>(node.inputs.size()) || FoldsAtBuild(*node.inputs[input].node)) {
        continue;
      }
      return NativeReason{NativeReasonKind::kConstInput,
                          "input " + std::to_string(input) +
                              " is computed from values known only at run time; an engine "
                              "needs it constant once the input shapes are known"};
    }
    return std::nullopt;
  }

  // Whether an engine build knows the value of `node`'s outputs. Producers come first in
  // topological order, so their candidacy is already decided.
  bool FoldsAtBuild(const Node& node) {
    const int i = index_.at(&node);
    if (folds_[i] >= 0) return folds_[i] == 1;
    bool folds = node.op == "Const";
    if (!folds && candidate_[i]) {
      folds = node.op == "Shape" ||
              std::all_of(node.inputs.begin(), node.inputs.end(),
                          [&](const Output& input) { return FoldsAtBuild(*input.node); });
    }
    folds_[i] = folds ? 1 : 0;
    return folds;
  }

  // Whether an engine of the cluster `root` knows the value of `node`'s outputs at build:
  // a constant, or computed in that cluster from constants and Shape nodes. `known` holds
  // the answers so far for this root.
  bool FoldsInCluster(const Node& node, int root, std::map<const Node*, bool>& known) {
    if (node.op == "Const") return true;
    if (auto it = known.find(&node); it != known.end()) return it->second;
    const int i = index_.at(&node);
    bool folds = candidate_[i] && clusters_->Find(i) == root;
    if (folds && node.op != "Shape") {
      folds = std::all_of(node.inputs.begin(), node.inputs.end(), [&](const Output& input) {
        return FoldsInCluster(*input.node, root, known);
      });
    }
    known[&node] = folds;
    return folds;
  }

  // Makes native every candidate whose shape inputs its cluster cannot fold; true if any.
  bool KeepNativeShapeReadersOfOtherClusters() {
    bool changed = false;
    std::map<int, std::map<const Node*, bool>> known;  // per cluster root
    for (size_t i = 0; i < order_.size(); ++i) {
      if (!candidate_[i] || order_[i]->op == "Const") continue;
      const Node& node = *order_[i];
      const int root = clusters_->Find(static_cast<int>(i));
      for (int input : ConverterTable::Global().Find(node.op)->shape_inputs) {
        if (input >= static_cast<int>(node.inputs.size()) ||
            FoldsInCluster(*node.inputs[input].node, root, known[root])) {
          continue;
        }
        candidate_[i] = false;
        result_.native[&node] = {NativeReasonKind::kConstInput,
                                 "input " + std::to_string(input) +
                                     " is computed outside this node's engine; an engine needs "
                                     "it constant once the input shapes are known"};
        changed = true;
        break;
      }
    }
    return changed;
  }

  void Cluster() {
    clusters_ = std::make_unique<Clusters>(static_cast<int>(order_.size()));
    for (size_t i = 0; i < order_.size(); ++i) {
      if (!candidate_[i]) continue;
      for (const Output& input : order_[i]->inputs) {
        const int producer = index_[input.node];
        if (!candidate_[producer]) continue;
        if (clusters_->Find(producer) == clusters_->Find(static_cast<int>(i))) continue;
        if (CanMerge(producer, static_cast<int>(i)))
          clusters_->Merge(producer, static_cast<int>(i));
      }
    }
  }

  // Merging the clusters of `from` and `to` (an edge from -> to) is safe unless a path
  // leaves the union and re-enters it. Every other cluster becomes one engine node, so a
  // path that reaches one member of a cluster goes on from all of its members.
  bool CanMerge(int from, int to) {
    const int a = clusters_->Find(from), b = clusters_->Find(to);
    auto in_union = [&](int node) {
      const int root = clusters_->Find(node);
      return root == a || root == b;
    };
    std::vector<int> stack;
    std::vector<bool> seen(order_.size(), false);
    auto reach = [&](int node) {
      for (int member : clusters_->Members(clusters_->Find(node))) {
        if (!seen[member]) {
          seen[member] = true;
          stack.push_back(member);
        }
      }
    };
    for (int root : {a, b}) {
      for (int member : clusters_->Members(root)) {
        for (int next : consumers_[member]) {
          if (!in_union(next)) reach(next);
        }
      }
    }
    while (!stack.empty()) {
      const int node = stack.back();
      stack.pop_back();
      for (int next : consumers_[node]) {
        if (in_union(next)) return false;
        reach(next);
      }
    }
    return true;
  }

  void SetReason(const Segment& segment, NativeReasonKind kind, const std::string& detail) {
    for (const Node* node : segment.nodes) result_.native[node] = {kind, detail};
  }

  bool HasTensorInput(const Segment& segment) const {
    std::set<const Node*> members(segment.nodes.begin(), segment.nodes.end());
    for (const Node* node : segment.nodes) {
      for (const Output& input : node->inputs) {
        if (!members.contains(input.node) && input.node->op != "Const") return true;
      }
    }
    return false;
  }

  // `members` of one cluster without the constants that a node outside it (or the graph's
  // output) reads: as in TF-TRT, a segment cannot output a constant. Each segment that
  // reads such a constant gets a copy of it instead, which does not count towards its size.
  std::vector<int> WithoutConstantsReadOutside(std::vector<int> members) {
    const int root = clusters_->Find(members.front());
    auto read_outside = [&](int member) {
      const Node* node = order_[member];
      if (node->op != "Const") return false;
      if (returned_.contains(node)) return true;
      return std::any_of(data_consumers_[member].begin(), data_consumers_[member].end(),
                         [&](int consumer) { return clusters_->Find(consumer) != root; });
    };
    std::vector<int> kept;
    for (int member : members) {
      if (!read_outside(member)) {
        kept.push_back(member);
        continue;
      }
      result_.native[order_[member]] = {NativeReasonKind::kGraphBoundary,
                                        "constant read outside the engines (segments that "
                                        "read it get a copy)"};
    }
    return kept;
  }

  Segmentation Collect() {
    std::vector<Segment> kept;
    for (size_t i = 0; i < order_.size(); ++i) {
      if (!candidate_[i] || clusters_->Find(static_cast<int>(i)) != static_cast<int>(i)) continue;
      std::vector<int> members =
          WithoutConstantsReadOutside(clusters_->Members(static_cast<int>(i)));
      if (members.empty()) continue;
      std::sort(members.begin(), members.end());
      Segment segment;
      for (int member : members) {
        segment.nodes.push_back(order_[member]);
        if (!IsIdentityLike(order_[member]->op)) ++segment.effective_size;
      }
      if (segment.effective_size == 0 || segment.effective_size < options_.minimum_segment_size) {
        SetReason(segment, NativeReasonKind::kSegmentSize,
                  "its segment has " + std::to_string(segment.effective_size) +
                      " effective nodes, fewer than minimum_segment_size " +
                      std::to_string(options_.minimum_segment_size));
      } else if (!HasTensorInput(segment)) {
        SetReason(segment, NativeReasonKind::kNoInputs,
                  "its segment reads only constants (constant folding would remove it)");
      } else {
        kept.push_back(std::move(segment));
      }
    }
    // Segments in order of their first node; the cap keeps the largest.
    std::sort(kept.begin(), kept.end(), [&](const Segment& x, const Segment& y) {
      return index_[x.nodes.front()] < index_[y.nodes.front()];
    });
    if (options_.max_engines > 0 && static_cast<int>(kept.size()) > options_.max_engines) {
      std::vector<size_t> by_size(kept.size());
      std::iota(by_size.begin(), by_size.end(), 0);
      std::stable_sort(by_size.begin(), by_size.end(), [&](size_t x, size_t y) {
        return kept[x].effective_size > kept[y].effective_size;
      });
      std::vector<bool> keep(kept.size(), false);
      for (int i = 0; i < options_.max_engines; ++i) keep[by_size[i]] = true;
      std::vector<Segment> capped;
      for (size_t i = 0; i < kept.size(); ++i) {
        if (keep[i]) {
          capped.push_back(std::move(kept[i]));
        } else {
          SetReason(kept[i], NativeReasonKind::kEngineLimit,
                    "more than TF_TRT_MAX_ALLOWED_ENGINES=" + std::to_string(options_.max_engines) +
                        " segments; the largest were kept");
        }
      }
      kept = std::move(capped);
    }
    result_.segments = std::move(kept);
    return std::move(result_);
  }

  const Graph& graph_;
  const GraphTypes& types_;
  const SegmenterOptions& options_;
  std::vector<Node*> order_;
  std::map<const Node*, int> index_;
  std::vector<std::vector<int>> consumers_;       // data and control
  std::vector<std::vector<int>> data_consumers_;  // one entry per data input read
  std::set<const Node*> returned_;                // nodes the graph's rets read
  std::vector<bool> candidate_;
  std::vector<int8_t> folds_;  // FoldsAtBuild per node: -1 not yet known
  std::unique_ptr<Clusters> clusters_;
  Segmentation result_;
};

}  // namespace

StatusOr<SegmenterOptions> SegmenterOptionsFromEnv(int minimum_segment_size) {
  SegmenterOptions options;
  options.minimum_segment_size = minimum_segment_size;
  if (const char* denylist = std::getenv("TF_TRT_OP_DENYLIST")) {
    std::stringstream ops(denylist);
    std::string op;
    while (std::getline(ops, op, ',')) {
      op.erase(0, op.find_first_not_of(' '));
      op.erase(op.find_last_not_of(' ') + 1);
      if (!op.empty()) options.denylist.insert(op);
    }
  }
  if (const char* max_engines = std::getenv("TF_TRT_MAX_ALLOWED_ENGINES")) {
    const std::string_view text(max_engines);
    auto [end, error] =
        std::from_chars(text.data(), text.data() + text.size(), options.max_engines);
    if (error != std::errc() || end != text.data() + text.size()) {
      return Status::InvalidArgument("TF_TRT_MAX_ALLOWED_ENGINES must be an integer, got '" +
                                     std::string(text) + "'");
    }
    // TF-TRT's segmenter also takes a value <= 0 as "no limit", and warns that it does.
    if (options.max_engines <= 0) {
      LogWarning("TF_TRT_MAX_ALLOWED_ENGINES=" + std::string(text) +
                 " is <= 0: the number of engines is not limited");
    }
  }
  return options;
}

StatusOr<Segmentation> FindSegments(const Graph& graph, const GraphTypes& types,
                                    const SegmenterOptions& options) {
  return Segmenter(graph, types, options).Run();
}

}  // namespace tftrt

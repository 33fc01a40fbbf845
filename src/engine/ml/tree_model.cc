#include "engine/ml/tree_model.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

namespace dataml::engine::ml {
namespace {

using nlohmann::json;

// Bounds that keep a hostile document from making us allocate or recurse without limit. Real
// models are far inside them (XGBoost's max_depth is 6 by default).
constexpr int kMaxTreeDepth = 256;
constexpr int64_t kMaxFeatures = std::numeric_limits<int32_t>::max();
constexpr int64_t kMaxGroups = 1 << 20;
constexpr size_t kMaxNodes = std::numeric_limits<int32_t>::max() - 2;

struct ObjectiveLink {
  std::string_view name;
  TreeEnsemble::Link link;
};

// Each entry was checked against XGBoost 1.7's own margins and outputs (see tree_model_test.cc).
constexpr std::array<ObjectiveLink, 12> kObjectives = {{
    {"reg:squarederror", TreeEnsemble::Link::kIdentity},
    {"reg:squaredlogerror", TreeEnsemble::Link::kIdentity},
    {"reg:pseudohubererror", TreeEnsemble::Link::kIdentity},
    {"reg:absoluteerror", TreeEnsemble::Link::kIdentity},
    {"reg:logistic", TreeEnsemble::Link::kLogistic},
    {"binary:logistic", TreeEnsemble::Link::kLogistic},
    {"binary:logitraw", TreeEnsemble::Link::kIdentity},  // its base_score is a margin already
    {"count:poisson", TreeEnsemble::Link::kLog},
    {"reg:gamma", TreeEnsemble::Link::kLog},
    {"reg:tweedie", TreeEnsemble::Link::kLog},
    {"multi:softprob", TreeEnsemble::Link::kSoftmax},
    {"multi:softmax", TreeEnsemble::Link::kArgmax},
}};

Status Malformed(std::string_view what) {
  return Status::InvalidArgument("malformed XGBoost model: " + std::string(what));
}

Result<const json*> Member(const json& obj, const char* key, std::string_view where) {
  if (!obj.is_object()) return Malformed(std::string(where) + " is not an object");
  auto it = obj.find(key);
  if (it == obj.end()) return Malformed(std::string(where) + " has no \"" + key + "\"");
  return &*it;
}

// XGBoost writes model parameters as strings ("num_feature": "6", "base_score": "5E-1").
template <typename T>
Result<T> NumericParam(const json& obj, const char* key, std::string_view where) {
  DATAML_ASSIGN_OR_RETURN(const json* v, Member(obj, key, where));
  if (v->is_number()) return v->get<T>();
  if (!v->is_string()) return Malformed(std::string(where) + "." + key + " is not a number");
  const std::string& text = v->get_ref<const std::string&>();
  T out{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Malformed(std::string(where) + "." + key + " is not a number: \"" + text + "\"");
  }
  return out;
}

// A numeric array of exactly `size` entries; booleans count as 0/1 (default_left is either).
template <typename T>
Result<std::vector<T>> NumberArray(const json& obj, const char* key, size_t size) {
  DATAML_ASSIGN_OR_RETURN(const json* v, Member(obj, key, "a tree"));
  if (!v->is_array() || v->size() != size) {
    return Malformed(std::string("a tree's \"") + key + "\" is not an array of num_nodes entries");
  }
  std::vector<T> out;
  out.reserve(size);
  for (const json& e : *v) {
    if (e.is_boolean()) {
      out.push_back(static_cast<T>(e.get<bool>()));
    } else if (std::is_integral_v<T> ? e.is_number_integer() : e.is_number()) {
      out.push_back(e.get<T>());
    } else {
      return Malformed(std::string("a tree's \"") + key + "\" holds a non-number");
    }
  }
  return out;
}

struct FlatTrees {
  std::vector<TreeNode> nodes;
  std::vector<float> covers;
  std::vector<int32_t> roots;
  int max_depth = 0;
};

// Appends one XGBoost tree, re-laid out breadth-first from its root. Nodes the root cannot reach
// (XGBoost keeps pruned ones) are dropped; a node reached twice (a cycle or a DAG) is an error.
Status AppendTree(const json& tree, int64_t num_features, FlatTrees* out) {
  DATAML_ASSIGN_OR_RETURN(const json* param, Member(tree, "tree_param", "a tree"));
  DATAML_ASSIGN_OR_RETURN(int64_t n, NumericParam<int64_t>(*param, "num_nodes", "tree_param"));
  if (n <= 0 || static_cast<size_t>(n) > kMaxNodes) return Malformed("bad tree num_nodes");
  const auto size = static_cast<size_t>(n);
  DATAML_ASSIGN_OR_RETURN(auto lefts, NumberArray<int64_t>(tree, "left_children", size));
  DATAML_ASSIGN_OR_RETURN(auto rights, NumberArray<int64_t>(tree, "right_children", size));
  DATAML_ASSIGN_OR_RETURN(auto features, NumberArray<int64_t>(tree, "split_indices", size));
  DATAML_ASSIGN_OR_RETURN(auto conditions, NumberArray<float>(tree, "split_conditions", size));
  DATAML_ASSIGN_OR_RETURN(auto default_left, NumberArray<int64_t>(tree, "default_left", size));
  DATAML_ASSIGN_OR_RETURN(auto hessians, NumberArray<float>(tree, "sum_hessian", size));
  std::vector<int64_t> split_types(size, 0);  // absent in models from before categorical support
  if (tree.contains("split_type")) {
    DATAML_ASSIGN_OR_RETURN(split_types, NumberArray<int64_t>(tree, "split_type", size));
  }

  struct Pending {
    size_t from;  // index in the document
    size_t to;    // index in out->nodes
    int depth;
  };
  std::vector<Pending> queue = {{0, out->nodes.size(), 0}};
  std::vector<char> seen(size, 0);
  seen[0] = 1;
  out->roots.push_back(static_cast<int32_t>(out->nodes.size()));
  out->nodes.emplace_back();
  out->covers.push_back(0.0f);
  for (size_t q = 0; q < queue.size(); ++q) {
    const Pending p = queue[q];
    TreeNode node;
    node.value = conditions[p.from];
    out->covers[p.to] = hessians[p.from];
    if (lefts[p.from] == -1) {
      out->nodes[p.to] = node;
      out->max_depth = std::max(out->max_depth, p.depth);
      continue;
    }
    const int64_t l = lefts[p.from], r = rights[p.from], f = features[p.from];
    if (l < 0 || l >= n || r < 0 || r >= n || seen[l] || seen[r] || l == r) {
      return Malformed("a tree's children do not form a tree");
    }
    if (f < 0 || f >= num_features) return Malformed("a split feature is out of range");
    if (split_types[p.from] != 0) {
      return Status::InvalidArgument("models with categorical splits are not supported");
    }
    if (p.depth + 1 > kMaxTreeDepth) {
      return Status::InvalidArgument("trees deeper than " + std::to_string(kMaxTreeDepth) +
                                     " levels are not supported");
    }
    if (out->nodes.size() + 2 > kMaxNodes) return Malformed("too many nodes");
    seen[l] = seen[r] = 1;
    node.left = static_cast<int32_t>(out->nodes.size());
    node.split = static_cast<uint32_t>(f) | (default_left[p.from] ? TreeNode::kDefaultLeftBit : 0u);
    out->nodes[p.to] = node;
    queue.push_back({static_cast<size_t>(l), out->nodes.size(), p.depth + 1});
    queue.push_back({static_cast<size_t>(r), out->nodes.size() + 1, p.depth + 1});
    out->nodes.resize(out->nodes.size() + 2);
    out->covers.resize(out->covers.size() + 2, 0.0f);
  }
  return Status::OK();
}

Status ParseGbtree(const json& model, int64_t num_features, int64_t num_groups, FlatTrees* trees,
                   std::vector<int32_t>* groups) {
  DATAML_ASSIGN_OR_RETURN(const json* list, Member(model, "trees", "the gbtree model"));
  DATAML_ASSIGN_OR_RETURN(const json* info, Member(model, "tree_info", "the gbtree model"));
  if (!list->is_array() || !info->is_array() || list->size() != info->size()) {
    return Malformed("\"trees\" and \"tree_info\" are not arrays of the same length");
  }
  for (const json& g : *info) {
    if (!g.is_number_integer() || g.get<int64_t>() < 0 || g.get<int64_t>() >= num_groups) {
      return Malformed("a tree_info entry is not an output group of the model");
    }
    groups->push_back(static_cast<int32_t>(g.get<int64_t>()));
  }
  for (const json& tree : *list) DATAML_RETURN_NOT_OK(AppendTree(tree, num_features, trees));
  return Status::OK();
}

// Weights are feature-major, (num_feature + 1) x groups, the bias row last.
Result<std::vector<float>> ParseGblinear(const json& model, size_t expected) {
  DATAML_ASSIGN_OR_RETURN(const json* weights, Member(model, "weights", "the linear model"));
  if (!weights->is_array() || weights->size() != expected) {
    return Malformed("gblinear weights are not (num_feature + 1) x num_class numbers");
  }
  std::vector<float> out;
  out.reserve(expected);
  for (const json& w : *weights) {
    if (!w.is_number()) return Malformed("a gblinear weight is not a number");
    out.push_back(w.get<float>());
  }
  return out;
}

Result<TreeEnsemble::Link> LinkOf(std::string_view objective) {
  for (const ObjectiveLink& o : kObjectives) {
    if (o.name == objective) return o.link;
  }
  return Status::InvalidArgument("objective \"" + std::string(objective) +
                                 "\" is not supported by the tree evaluator");
}

// XGBoost 1.7 stores base_score in output space and maps it with the objective's ProbToMargin.
Result<float> BaseMargin(TreeEnsemble::Link link, float base_score) {
  switch (link) {
    case TreeEnsemble::Link::kLogistic:
      if (!(base_score > 0.0f && base_score < 1.0f)) {
        return Malformed("base_score must be in (0, 1) for a logistic objective");
      }
      return -std::log(1.0f / base_score - 1.0f);
    case TreeEnsemble::Link::kLog:
      if (!(base_score > 0.0f)) return Malformed("base_score must be positive for a log link");
      return std::log(base_score);
    default:
      if (!std::isfinite(base_score)) return Malformed("base_score is not finite");
      return base_score;
  }
}

}  // namespace

Result<TreeEnsemble> TreeEnsemble::FromXGBoostJson(std::string_view text) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Malformed("not valid JSON");
  try {
    DATAML_ASSIGN_OR_RETURN(const json* learner, Member(doc, "learner", "the document"));
    DATAML_ASSIGN_OR_RETURN(const json* mparam,
                            Member(*learner, "learner_model_param", "the learner"));
    DATAML_ASSIGN_OR_RETURN(int64_t num_features,
                            NumericParam<int64_t>(*mparam, "num_feature", "learner_model_param"));
    DATAML_ASSIGN_OR_RETURN(int64_t num_class,
                            NumericParam<int64_t>(*mparam, "num_class", "learner_model_param"));
    DATAML_ASSIGN_OR_RETURN(float base_score,
                            NumericParam<float>(*mparam, "base_score", "learner_model_param"));
    if (num_features < 0 || num_features > kMaxFeatures) return Malformed("bad num_feature");
    if (num_class < 0 || num_class > kMaxGroups) return Malformed("bad num_class");
    if (mparam->contains("num_target")) {
      DATAML_ASSIGN_OR_RETURN(int64_t targets,
                              NumericParam<int64_t>(*mparam, "num_target", "learner_model_param"));
      if (targets != 1) return Status::InvalidArgument("multi-target models are not supported");
    }

    DATAML_ASSIGN_OR_RETURN(const json* objective, Member(*learner, "objective", "the learner"));
    DATAML_ASSIGN_OR_RETURN(const json* objective_name, Member(*objective, "name", "objective"));
    if (!objective_name->is_string()) return Malformed("the objective's name is not a string");
    TreeEnsemble out;
    out.objective_ = objective_name->get<std::string>();
    DATAML_ASSIGN_OR_RETURN(out.link_, LinkOf(out.objective_));
    const bool multiclass = out.link_ == Link::kSoftmax || out.link_ == Link::kArgmax;
    if (multiclass != (num_class > 1)) {
      return Malformed("num_class does not fit objective " + out.objective_);
    }
    out.num_features_ = static_cast<size_t>(num_features);
    out.num_groups_ = multiclass ? static_cast<size_t>(num_class) : 1;
    DATAML_ASSIGN_OR_RETURN(out.base_margin_, BaseMargin(out.link_, base_score));

    DATAML_ASSIGN_OR_RETURN(const json* booster, Member(*learner, "gradient_booster", "learner"));
    DATAML_ASSIGN_OR_RETURN(const json* booster_name, Member(*booster, "name", "the booster"));
    if (*booster_name != "gbtree" && *booster_name != "gblinear") {
      return Status::InvalidArgument("booster " + booster_name->dump() +
                                     " is not supported; train with booster gbtree or gblinear");
    }
    DATAML_ASSIGN_OR_RETURN(const json* model, Member(*booster, "model", "the booster"));
    if (*booster_name == "gbtree") {
      FlatTrees trees;
      DATAML_RETURN_NOT_OK(ParseGbtree(*model, num_features, static_cast<int64_t>(out.num_groups_),
                                       &trees, &out.tree_groups_));
      out.nodes_ = std::move(trees.nodes);
      out.covers_ = std::move(trees.covers);
      out.tree_roots_ = std::move(trees.roots);
      out.max_depth_ = trees.max_depth;
      out.PrepareLockstep();
      return out;
    }
    DATAML_ASSIGN_OR_RETURN(out.linear_weights_,
                            ParseGblinear(*model, (out.num_features_ + 1) * out.num_groups_));
    out.is_linear_ = true;
    return out;
  } catch (const json::exception& e) {
    // Every access above is type-checked first; this is a backstop, not a code path.
    return Malformed(e.what());
  }
}

void TreeEnsemble::PredictTreesInto(const float* row, float* out_groups) const {
  const TreeNode* nodes = nodes_.data();
  const size_t trees = tree_roots_.size();
  for (size_t t = 0; t < trees; ++t) {
    int32_t i = tree_roots_[t];
    while (!nodes[i].is_leaf()) i = nodes[i].Next(row[nodes[i].feature()]);
    out_groups[tree_groups_[t]] += nodes[i].value;
  }
}

void TreeEnsemble::PredictLinearInto(const float* row, float* out_groups) const {
  // XGBoost's order: bias + base margin first, then features in column order, in float.
  for (size_t g = 0; g < num_groups_; ++g) {
    float sum = linear_bias(g) + base_margin_;
    for (size_t f = 0; f < num_features_; ++f) {
      if (!std::isnan(row[f])) sum += row[f] * linear_weight(f, g);
    }
    out_groups[g] = sum;
  }
}

void TreeEnsemble::PredictMargin(const float* row, float* out_groups) const {
  if (is_linear_) {
    PredictLinearInto(row, out_groups);
    return;
  }
  std::fill(out_groups, out_groups + num_groups_, base_margin_);
  PredictTreesInto(row, out_groups);
}

void TreeEnsemble::PrepareLockstep() {
  lockstep_nodes_.resize(nodes_.size());
  for (size_t k = 0; k < nodes_.size(); ++k) {
    const TreeNode& node = nodes_[k];
    LockstepNode& l = lockstep_nodes_[k];
    if (node.is_leaf()) {
      l = {static_cast<int32_t>(k), static_cast<int32_t>(k), 0, node.value};
    } else {
      l = {node.left, node.left + 1, node.split, node.value};
    }
  }
  // Breadth-first layout: a child's depth is its parent's + 1, computed in one pass.
  std::vector<int32_t> depth(nodes_.size(), 0);
  tree_depths_.assign(tree_roots_.size(), 0);
  for (size_t t = 0; t < tree_roots_.size(); ++t) {
    for (size_t k = static_cast<size_t>(tree_roots_[t]); k < TreeEnd(t); ++k) {
      if (!nodes_[k].is_leaf()) depth[nodes_[k].left] = depth[nodes_[k].left + 1] = depth[k] + 1;
      tree_depths_[t] = std::max(tree_depths_[t], depth[k]);
    }
  }
}

template <bool kOneGroup>
void TreeEnsemble::PredictTreesLockstep(const float* rows, size_t n, size_t stride, float* out) const {
  constexpr size_t kLanes = 8;
  const LockstepNode* nodes = lockstep_nodes_.data();
  const size_t trees = tree_roots_.size(), groups = num_groups_;
  std::vector<float> scratch(kOneGroup ? 0 : kLanes * groups);
  for (size_t b = 0; b < n; b += kLanes) {
    const size_t lanes = std::min(kLanes, n - b);
    const float* row[kLanes];
    // Lanes beyond the last row repeat it; their sums are dropped.
    for (size_t i = 0; i < kLanes; ++i) row[i] = rows + (b + std::min(i, lanes - 1)) * stride;
    float one[kLanes];
    float* acc = kOneGroup ? one : scratch.data();
    std::fill(acc, acc + kLanes * groups, base_margin_);
    for (size_t t = 0; t < trees; ++t) {
      int32_t k[kLanes];
      for (size_t i = 0; i < kLanes; ++i) k[i] = tree_roots_[t];
      for (int32_t level = 0; level < tree_depths_[t]; ++level) {
        for (size_t i = 0; i < kLanes; ++i) {
          const LockstepNode& node = nodes[k[i]];
          const float x = row[i][node.split & ~TreeNode::kDefaultLeftBit];
          const bool left = std::isnan(x) ? (node.split & TreeNode::kDefaultLeftBit) != 0 : x < node.value;
          k[i] = left ? node.left : node.right;
        }
      }
      const size_t g = kOneGroup ? 0 : static_cast<size_t>(tree_groups_[t]);
      for (size_t i = 0; i < kLanes; ++i) acc[i * groups + g] += nodes[k[i]].value;
    }
    std::copy_n(acc, lanes * groups, out + b * groups);
  }
}

void TreeEnsemble::PredictMarginsInto(const float* rows, size_t n, size_t stride, float* out) const {
  if (is_linear_) {
    for (size_t r = 0; r < n; ++r) PredictLinearInto(rows + r * stride, out + r * num_groups_);
  } else if (num_groups_ == 1) {
    PredictTreesLockstep<true>(rows, n, stride, out);
  } else {
    PredictTreesLockstep<false>(rows, n, stride, out);
  }
}

std::vector<float> TreeEnsemble::PredictMargins(const FeatureMatrix& x) const {
  std::vector<float> out(x.rows * num_groups_);
  if (x.cols >= num_features_) {
    PredictMarginsInto(x.values.data(), x.rows, x.cols, out.data());
    return out;
  }
  // Narrower input than the model: the absent columns are missing.
  std::vector<float> padded(num_features_, kMissing);
  for (size_t r = 0; r < x.rows; ++r) {
    std::copy_n(x.row(r), x.cols, padded.begin());
    PredictMargin(padded.data(), out.data() + r * num_groups_);
  }
  return out;
}

void TreeEnsemble::Transform(const float* margins, float* values) const {
  switch (link_) {
    case Link::kIdentity:
      std::copy_n(margins, num_groups_, values);
      return;
    case Link::kLogistic:
      for (size_t g = 0; g < num_groups_; ++g) values[g] = 1.0f / (1.0f + std::exp(-margins[g]));
      return;
    case Link::kLog:
      for (size_t g = 0; g < num_groups_; ++g) values[g] = std::exp(margins[g]);
      return;
    case Link::kSoftmax: {
      // As XGBoost's common::Softmax: shift by the max, sum in double, divide in float.
      const float top = *std::max_element(margins, margins + num_groups_);
      double sum = 0.0;
      for (size_t g = 0; g < num_groups_; ++g) {
        values[g] = std::exp(margins[g] - top);
        sum += values[g];
      }
      for (size_t g = 0; g < num_groups_; ++g) values[g] /= static_cast<float>(sum);
      return;
    }
    case Link::kArgmax:
      values[0] = static_cast<float>(std::max_element(margins, margins + num_groups_) - margins);
      return;
  }
}

std::vector<float> TreeEnsemble::PredictValues(const FeatureMatrix& x) const {
  const std::vector<float> margins = PredictMargins(x);
  const size_t columns = num_value_columns();
  std::vector<float> out(x.rows * columns);
  for (size_t r = 0; r < x.rows; ++r) {
    Transform(margins.data() + r * num_groups_, out.data() + r * columns);
  }
  return out;
}

}  // namespace dataml::engine::ml

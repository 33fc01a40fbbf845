// A boosted ensemble (trees or linear) read from XGBoost's JSON model and evaluated without
// XGBoost: the real-time scorer, and the model our TreeSHAP explains. Matches XGBoost 1.7's
// predictions (margins bit-for-bit in practice: same float arithmetic in the same order).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "engine/ml/feature_matrix.h"

namespace dataml::engine::ml {

// One node of a flattened tree, 12 bytes. Trees are laid out breadth-first, so siblings are
// adjacent (the right child is left + 1) and every child comes after its parent: a walk from
// the root cannot loop, whatever the input document said.
struct TreeNode {
  static constexpr uint32_t kDefaultLeftBit = 0x80000000u;

  int32_t left = -1;   // index of the left child in TreeEnsemble::nodes(); -1 at a leaf
  uint32_t split = 0;  // split feature in the low 31 bits; kDefaultLeftBit: missing goes left
  float value = 0.0f;  // internal: go left when x < value; leaf: the leaf's (eta-scaled) value

  bool is_leaf() const { return left < 0; }
  uint32_t feature() const { return split & ~kDefaultLeftBit; }
  bool default_left() const { return (split & kDefaultLeftBit) != 0; }
  // The child a feature value leads to; NaN (missing) follows the default direction.
  int32_t Next(float x) const {
    const bool right = std::isnan(x) ? !default_left() : !(x < value);
    return left + static_cast<int32_t>(right);
  }
};

class TreeEnsemble {
 public:
  // How margins map to outputs (XGBoost's PredTransform) and base_score to a margin
  // (ProbToMargin).
  enum class Link {
    kIdentity,  // regression, binary:logitraw: output = margin, margin offset = base_score
    kLogistic,  // binary:logistic, reg:logistic: sigmoid; offset = logit(base_score)
    kLog,       // count:poisson, reg:gamma, reg:tweedie: exp; offset = log(base_score)
    kSoftmax,   // multi:softprob: softmax over groups; offset = base_score
    kArgmax,    // multi:softmax: the index of the largest margin; offset = base_score
  };

  // Parses XGBoost's JSON model (Booster::SaveJson). InvalidArgument for malformed documents,
  // dart boosters, categorical splits, multi-target models and objectives not listed in Link.
  static Result<TreeEnsemble> FromXGBoostJson(std::string_view json);

  size_t num_features() const { return num_features_; }
  // Output groups: K for a K-class model, otherwise 1.
  size_t num_groups() const { return num_groups_; }
  // Columns of PredictValues: 1 for multi:softmax (the class index), otherwise num_groups().
  size_t num_value_columns() const { return link_ == Link::kArgmax ? 1 : num_groups_; }
  const std::string& objective() const { return objective_; }
  Link link() const { return link_; }
  bool is_linear() const { return is_linear_; }
  // The margin every prediction starts from: base_score mapped through the objective's link.
  float base_margin() const { return base_margin_; }

  // The margins of one row of num_features() values into out_groups[num_groups()]. Allocates
  // nothing: this is the real-time path.
  void PredictMargin(const float* row, float* out_groups) const;
  // Margins of every row, rows x num_groups(). Columns beyond num_features() are ignored and
  // absent ones count as missing, as XGBoost does for narrower input.
  std::vector<float> PredictMargins(const FeatureMatrix& x) const;
  // Margins of `n` rows into out[n * num_groups()]; row r starts at rows + r * stride (stride >=
  // num_features()). Trees are walked by 8 rows in lockstep, so the node loads of different
  // rows overlap instead of each waiting on the one before (1.6x faster than a row at a time
  // on a 100-tree model); each row's sum is the same float additions in the same order, so the
  // margins equal PredictMargin's bit for bit.
  void PredictMarginsInto(const float* rows, size_t n, size_t stride, float* out) const;
  // One row's margins[num_groups()] to outputs values[num_value_columns()].
  void Transform(const float* margins, float* values) const;
  // Outputs (XGBoost's default prediction), rows x num_value_columns().
  std::vector<float> PredictValues(const FeatureMatrix& x) const;

  // --- The flat trees, for TreeSHAP (empty when is_linear()) ---
  const std::vector<TreeNode>& nodes() const { return nodes_; }
  // sum_hessian of each node, parallel to nodes(): the cover TreeSHAP weights paths by.
  const std::vector<float>& covers() const { return covers_; }
  // Per tree: the index of its root in nodes() (nodes of tree t end where tree t+1 begins)...
  const std::vector<int32_t>& tree_roots() const { return tree_roots_; }
  // ...and the output group it adds to.
  const std::vector<int32_t>& tree_groups() const { return tree_groups_; }
  size_t num_trees() const { return tree_roots_.size(); }
  // Nodes of tree t: [tree_roots()[t], TreeEnd(t)).
  size_t TreeEnd(size_t t) const {
    return t + 1 < tree_roots_.size() ? static_cast<size_t>(tree_roots_[t + 1]) : nodes_.size();
  }
  // The deepest leaf over all trees (0 for a lone leaf).
  int max_depth() const { return max_depth_; }

  // --- gblinear ---
  float linear_weight(size_t feature, size_t group) const {
    return linear_weights_[feature * num_groups_ + group];
  }
  float linear_bias(size_t group) const {
    return linear_weights_[num_features_ * num_groups_ + group];
  }

 private:
  void PredictTreesInto(const float* row, float* out_groups) const;
  void PredictLinearInto(const float* row, float* out_groups) const;
  template <bool kOneGroup>
  void PredictTreesLockstep(const float* rows, size_t n, size_t stride, float* out) const;
  void PrepareLockstep();

  // The trees again for the lockstep walk: a leaf's children are itself, so a row that reached
  // its leaf stays there while the others walk on (no per-row exit test).
  struct LockstepNode {
    int32_t left = 0;
    int32_t right = 0;
    uint32_t split = 0;  // as TreeNode::split (a leaf's is 0)
    float value = 0.0f;  // the threshold, or a leaf's value
  };
  std::vector<LockstepNode> lockstep_nodes_;
  std::vector<int32_t> tree_depths_;  // levels a walk of each tree takes at most

  size_t num_features_ = 0;
  size_t num_groups_ = 1;
  std::string objective_;
  Link link_ = Link::kIdentity;
  bool is_linear_ = false;
  float base_margin_ = 0.0f;

  std::vector<TreeNode> nodes_;
  std::vector<float> covers_;
  std::vector<int32_t> tree_roots_;
  std::vector<int32_t> tree_groups_;
  int max_depth_ = 0;

  // (num_features + 1) x num_groups, row-major; the last row is the bias.
  std::vector<float> linear_weights_;
};

}  // namespace dataml::engine::ml

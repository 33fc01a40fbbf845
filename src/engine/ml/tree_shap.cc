#include "engine/ml/tree_shap.h"

#include <algorithm>
#include <cmath>
#include <system_error>
#include <thread>

namespace dataml::engine::ml {
namespace {

// Below this many rows per thread, starting a thread costs more than it saves.
constexpr size_t kMinRowsPerThread = 64;

// One feature on the path from the root to the current node: the paper's m entries (d, z, o, w).
struct PathElement {
  int32_t feature;       // -1 for the placeholder the root starts the path with
  double zero_fraction;  // share of cover that goes this way when the feature is unknown
  double one_fraction;   // 1 when x itself goes this way, else 0
  double weight;         // proportion of feature orderings (subsets) of each size
};

// The path arithmetic below divides only by small integers, so it multiplies by their
// reciprocals from `inv` (inv[k] = 1 / k) instead: divisions dominated the run time. The
// one_fractions are always 0 or 1 (x goes one way at every split), so no division by them either.

// EXTEND: adds a feature to the path of `depth` elements, growing the subset-size weights.
void ExtendPath(PathElement* path, int depth, double zero, double one, int32_t feature,
                const double* inv) {
  path[depth] = {feature, zero, one, depth == 0 ? 1.0 : 0.0};
  const double scale = inv[depth + 1];
  for (int i = depth - 1; i >= 0; --i) {
    path[i + 1].weight += one * path[i].weight * (i + 1) * scale;
    path[i].weight = zero * path[i].weight * (depth - i) * scale;
  }
}

// UNWIND: removes element `index` from the path of depth + 1 elements, undoing its EXTEND.
void UnwindPath(PathElement* path, int depth, int index, const double* inv) {
  const double zero = path[index].zero_fraction;
  if (path[index].one_fraction != 0) {
    const double zero_scaled = zero * inv[depth + 1];
    double next = path[depth].weight;
    for (int i = depth - 1; i >= 0; --i) {
      const double kept = path[i].weight;
      path[i].weight = next * (depth + 1) * inv[i + 1];
      next = kept - path[i].weight * zero_scaled * (depth - i);
    }
  } else {
    // zero is 0 only below a child without cover, which min_child_weight > 0 rules out.
    const double scale = (depth + 1) / zero;
    for (int i = depth - 1; i >= 0; --i) path[i].weight *= scale * inv[depth - i];
  }
  for (int i = index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

// The total weight UNWIND(path, index) would leave, without modifying the path.
double UnwoundPathSum(const PathElement* path, int depth, int index, const double* inv) {
  const double zero = path[index].zero_fraction;
  double total = 0.0;
  if (path[index].one_fraction != 0) {
    const double zero_scaled = zero * inv[depth + 1];
    double next = path[depth].weight;
    for (int i = depth - 1; i >= 0; --i) {
      const double w = next * (depth + 1) * inv[i + 1];
      total += w;
      next = path[i].weight - w * zero_scaled * (depth - i);
    }
    return total;
  }
  if (zero == 0) return 0.0;
  for (int i = depth - 1; i >= 0; --i) total += path[i].weight * inv[depth - i];
  return total * (depth + 1) / zero;
}

// Walks trees for one thread; owns the path buffer so no node visit allocates.
class TreeShapWalker {
 public:
  explicit TreeShapWalker(const TreeEnsemble& model)
      : nodes_(model.nodes().data()), covers_(model.covers().data()) {
    // Each level's path (at most depth + 1 elements) sits after its parent's: quadratic in depth.
    const size_t levels = static_cast<size_t>(model.max_depth()) + 2;
    buffer_.resize(levels * (levels + 1) / 2 + 1);
    inv_.resize(levels + 2);
    for (size_t k = 1; k < inv_.size(); ++k) inv_[k] = 1.0 / static_cast<double>(k);
  }

  // Adds tree `root`'s contributions for `row` into phi[num_features].
  void Explain(int32_t root, const float* row, double* phi) {
    row_ = row;
    phi_ = phi;
    Recurse(root, 0, buffer_.data(), 1.0, 1.0, -1);
  }

 private:
  // RECURSE of Algorithm 2; `depth` is the number of elements in parent_path.
  void Recurse(int32_t index, int depth, PathElement* parent_path, double zero, double one,
               int32_t feature) {
    PathElement* path = parent_path + depth + 1;
    std::copy_n(parent_path, depth, path);
    ExtendPath(path, depth, zero, one, feature, inv_.data());
    const TreeNode& node = nodes_[index];
    if (node.is_leaf()) {
      for (int i = 1; i <= depth; ++i) {
        const double w = UnwoundPathSum(path, depth, i, inv_.data());
        phi_[path[i].feature] += w * (path[i].one_fraction - path[i].zero_fraction) * node.value;
      }
      return;
    }
    const auto split = static_cast<int32_t>(node.feature());
    const int32_t hot = node.Next(row_[split]);
    const int32_t cold = hot == node.left ? node.left + 1 : node.left;
    const double cover = covers_[index];
    const double hot_zero = cover > 0 ? covers_[hot] / cover : 0.0;
    const double cold_zero = cover > 0 ? covers_[cold] / cover : 0.0;

    // A feature already on the path is unwound and re-extended here with combined fractions.
    double incoming_zero = 1.0;
    double incoming_one = 1.0;
    int k = 0;
    while (k <= depth && path[k].feature != split) ++k;
    if (k <= depth) {
      incoming_zero = path[k].zero_fraction;
      incoming_one = path[k].one_fraction;
      UnwindPath(path, depth, k, inv_.data());
      --depth;
    }
    Recurse(hot, depth + 1, path, hot_zero * incoming_zero, incoming_one, split);
    Recurse(cold, depth + 1, path, cold_zero * incoming_zero, 0.0, split);
  }

  const TreeNode* nodes_;
  const float* covers_;
  const float* row_ = nullptr;
  double* phi_ = nullptr;
  std::vector<PathElement> buffer_;
  std::vector<double> inv_;  // inv_[k] = 1 / k
};

// Each tree's expected value: its leaves averaged by cover, as XGBoost's FillNodeMeanValues.
std::vector<double> TreeExpectations(const TreeEnsemble& model) {
  const std::vector<TreeNode>& nodes = model.nodes();
  const std::vector<float>& covers = model.covers();
  std::vector<double> mean(nodes.size());
  std::vector<double> out(model.num_trees());
  for (size_t t = 0; t < model.num_trees(); ++t) {
    const auto root = static_cast<size_t>(model.tree_roots()[t]);
    // Children follow their parents, so a backward sweep sees children first.
    for (size_t i = model.TreeEnd(t); i-- > root;) {
      const TreeNode& n = nodes[i];
      if (n.is_leaf()) {
        mean[i] = n.value;
        continue;
      }
      const auto l = static_cast<size_t>(n.left);
      const double sum = mean[l] * covers[l] + mean[l + 1] * covers[l + 1];
      const double cover = covers[i] > 0 ? covers[i] : covers[l] + covers[l + 1];
      mean[i] = cover > 0 ? sum / cover : 0.5 * (mean[l] + mean[l + 1]);
    }
    out[t] = mean[root];
  }
  return out;
}

void ExplainLinearRows(const TreeEnsemble& model, const FeatureMatrix& x, size_t begin, size_t end,
                       float* out) {
  const size_t features = model.num_features();
  const size_t groups = model.num_groups();
  for (size_t r = begin; r < end; ++r) {
    const float* row = x.row(r);
    for (size_t g = 0; g < groups; ++g) {
      float* phi = out + (r * groups + g) * (features + 1);
      for (size_t f = 0; f < features; ++f) {
        phi[f] = std::isnan(row[f]) ? 0.0f : row[f] * model.linear_weight(f, g);
      }
      phi[features] = model.linear_bias(g) + model.base_margin();
    }
  }
}

void ExplainTreeRows(const TreeEnsemble& model, const std::vector<double>& biases,
                     const FeatureMatrix& x, size_t begin, size_t end, float* out) {
  const size_t width = model.num_features() + 1;
  const size_t groups = model.num_groups();
  TreeShapWalker walker(model);
  std::vector<double> phi(groups * width);
  for (size_t r = begin; r < end; ++r) {
    std::fill(phi.begin(), phi.end(), 0.0);
    for (size_t t = 0; t < model.num_trees(); ++t) {
      const auto g = static_cast<size_t>(model.tree_groups()[t]);
      walker.Explain(model.tree_roots()[t], x.row(r), phi.data() + g * width);
    }
    float* dst = out + r * groups * width;
    for (size_t g = 0; g < groups; ++g) {
      for (size_t f = 0; f + 1 < width; ++f)
        dst[g * width + f] = static_cast<float>(phi[g * width + f]);
      dst[g * width + width - 1] = static_cast<float>(biases[g]);
    }
  }
}

}  // namespace

Result<std::vector<float>> ShapContributions(const TreeEnsemble& model, const FeatureMatrix& x,
                                             size_t max_threads) {
  if (x.cols != model.num_features()) {
    return Status::InvalidArgument("the matrix has " + std::to_string(x.cols) +
                                   " columns but the model takes " +
                                   std::to_string(model.num_features()) + " features");
  }
  std::vector<float> out(x.rows * model.num_groups() * (model.num_features() + 1), 0.0f);
  std::vector<double> biases(model.num_groups(), model.base_margin());
  if (!model.is_linear()) {
    const std::vector<double> expected = TreeExpectations(model);
    for (size_t t = 0; t < model.num_trees(); ++t) biases[model.tree_groups()[t]] += expected[t];
  }
  auto explain = [&](size_t begin, size_t end) {
    if (model.is_linear()) {
      ExplainLinearRows(model, x, begin, end, out.data());
    } else {
      ExplainTreeRows(model, biases, x, begin, end, out.data());
    }
  };

  size_t threads =
      max_threads != 0 ? max_threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::max<size_t>(1, std::min(threads, x.rows / kMinRowsPerThread));
  const size_t chunk = (x.rows + threads - 1) / threads;
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t) {
    const size_t begin = std::min(x.rows, t * chunk);
    const size_t end = std::min(x.rows, begin + chunk);
    try {
      workers.emplace_back(explain, begin, end);
    } catch (const std::system_error&) {
      explain(begin, end);  // no thread to be had: do that share here
    }
  }
  explain(0, std::min(x.rows, chunk));
  for (std::thread& w : workers) w.join();
  return out;
}

std::vector<double> MeanAbsContributions(const std::vector<float>& contribs, size_t rows,
                                         size_t groups, size_t features) {
  std::vector<double> out(features, 0.0);
  const size_t width = features + 1;
  // Only whole rows count, should the caller's shape disagree with the buffer.
  rows = std::min(rows, groups == 0 ? 0 : contribs.size() / (groups * width));
  if (rows == 0) return out;
  for (size_t block = 0; block < rows * groups; ++block) {
    const float* phi = contribs.data() + block * width;
    for (size_t f = 0; f < features; ++f) out[f] += std::fabs(phi[f]);
  }
  for (double& v : out) v /= static_cast<double>(rows);
  return out;
}

}  // namespace dataml::engine::ml

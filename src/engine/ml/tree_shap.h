// Exact SHAP values of a TreeEnsemble: TreeSHAP (Lundberg, Erion & Lee, "Consistent
// individualized feature attribution for tree ensembles", Algorithm 2) over our flat trees,
// weighting paths by node cover (sum_hessian) as XGBoost does, and the linear model's exact
// attribution for gblinear. Matches XGBoost's pred_contribs output.
#pragma once

#include <cstddef>
#include <vector>

#include "core/result.h"
#include "engine/ml/feature_matrix.h"
#include "engine/ml/tree_model.h"

namespace dataml::engine::ml {

// Contributions in XGBoost's pred_contribs layout: for each row, for each output group,
// num_features() contributions then the bias (expected margin, base margin included); each
// row-group block sums to that row's margin. InvalidArgument unless x.cols == num_features().
// Spreads rows over up to `max_threads` threads (0: one per core) when there are many.
Result<std::vector<float>> ShapContributions(const TreeEnsemble& model, const FeatureMatrix& x,
                                             size_t max_threads = 0);

// Global importance: mean |contribution| of each feature over the rows, summed over groups
// (the bias column left out). `contribs` is ShapContributions' output for rows x groups.
std::vector<double> MeanAbsContributions(const std::vector<float>& contribs, size_t rows,
                                         size_t groups, size_t features);

}  // namespace dataml::engine::ml

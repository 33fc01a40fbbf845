// The points behind a model summary's charts, computed on the holdout rows: ROC and
// precision-recall curves of a two-class classifier, with scikit-learn's semantics (roc_curve
// with drop_intermediate, precision_recall_curve) so that they agree with what users get from
// sklearn on the same scores, and a deterministic sample of a regressor's predictions. Each list
// is thinned to a bounded number of points, as a chart needs no more.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace dataml::engine::ml {

inline constexpr size_t kMaxCurvePoints = 200;
inline constexpr size_t kMaxResidualPoints = 500;

// A threshold is unset where sklearn has none: ROC's first point (its +inf, above every score)
// and the precision-recall curve's last one (recall 0, precision 1).
struct RocPoint {
  double fpr = 0.0;
  double tpr = 0.0;
  std::optional<double> threshold;
};

struct PrPoint {
  double recall = 0.0;
  double precision = 0.0;
  std::optional<double> threshold;
};

struct BinaryCurves {
  std::vector<RocPoint> roc;  // from (0, 0) to (1, 1), thresholds decreasing
  std::vector<PrPoint> pr;    // thresholds increasing, recall decreasing to 0
};

struct ResidualPoint {
  double actual = 0.0;
  double predicted = 0.0;
};

// The curves of `scores` (the positive class's probability) against `positive`, each thinned
// to at most `max_points` (at least 2) with its first and last points kept. `roc` is empty
// when `positive` lacks either class (sklearn's rates are NaN then). InvalidArgument on empty
// input, a size mismatch or a non-finite score.
Result<BinaryCurves> ComputeBinaryCurves(const std::vector<bool>& positive, const std::vector<float>& scores,
                                         size_t max_points = kMaxCurvePoints);

// At most `max_points` (at least 2) of the rows, evenly spaced over their order with the first
// and last included, so the same rows always give the same sample. InvalidArgument on a size
// mismatch.
Result<std::vector<ResidualPoint>> SampleResiduals(const std::vector<double>& actual,
                                                   const std::vector<double>& predicted,
                                                   size_t max_points = kMaxResidualPoints);

// The trapezoidal area under the points (sklearn's auc(fpr, tpr)).
double RocArea(const std::vector<RocPoint>& roc);

// {"roc": [{"fpr", "tpr", "threshold"}, ...], "pr": [{"recall", "precision", "threshold"}, ...]};
// an unset threshold is null.
nlohmann::json ToJson(const BinaryCurves& curves);
// [{"actual", "predicted"}, ...]; a non-finite number is null.
nlohmann::json ToJson(const std::vector<ResidualPoint>& residuals);

}  // namespace dataml::engine::ml

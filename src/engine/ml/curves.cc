#include "engine/ml/curves.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dataml::engine::ml {
namespace {

// sklearn's _binary_clf_curve: at each distinct score, from the highest down, how many
// positives (tps) and negatives (fps) score at least that much.
struct ClfCurve {
  std::vector<double> tps;
  std::vector<double> fps;
  std::vector<double> thresholds;
};

ClfCurve BinaryClfCurve(const std::vector<bool>& positive, const std::vector<float>& scores) {
  const size_t n = scores.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  ClfCurve curve;
  double tp = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (positive[order[i]]) tp += 1.0;
    if (i + 1 < n && scores[order[i + 1]] == scores[order[i]]) continue;
    curve.tps.push_back(tp);
    curve.fps.push_back(static_cast<double>(i + 1) - tp);
    curve.thresholds.push_back(scores[order[i]]);
  }
  return curve;
}

// roc_curve's drop_intermediate: keeps the ends and every point where the curve turns, dropping
// those in the middle of a straight run (which leaves the area unchanged).
ClfCurve DropCollinear(const ClfCurve& in) {
  const size_t n = in.tps.size();
  if (n <= 2) return in;
  ClfCurve out;
  for (size_t i = 0; i < n; ++i) {
    bool keep = i == 0 || i + 1 == n || in.fps[i + 1] - 2 * in.fps[i] + in.fps[i - 1] != 0.0 ||
                in.tps[i + 1] - 2 * in.tps[i] + in.tps[i - 1] != 0.0;
    if (!keep) continue;
    out.tps.push_back(in.tps[i]);
    out.fps.push_back(in.fps[i]);
    out.thresholds.push_back(in.thresholds[i]);
  }
  return out;
}

// `count` indices of [0, n), evenly spaced, with 0 and n - 1 among them (all of them when n <=
// count).
std::vector<size_t> EvenlySpaced(size_t n, size_t count) {
  std::vector<size_t> out;
  if (n <= count) {
    out.resize(n);
    std::iota(out.begin(), out.end(), size_t{0});
    return out;
  }
  for (size_t i = 0; i < count; ++i) {
    // Rounded position i * (n - 1) / (count - 1): strictly increasing since n > count.
    out.push_back((i * (n - 1) + (count - 1) / 2) / (count - 1));
  }
  return out;
}

template <typename Point>
std::vector<Point> Thin(const std::vector<Point>& points, size_t max_points) {
  std::vector<Point> out;
  for (size_t i : EvenlySpaced(points.size(), max_points)) out.push_back(points[i]);
  return out;
}

std::vector<RocPoint> RocPoints(const ClfCurve& counts) {
  const ClfCurve c = DropCollinear(counts);
  const double positives = c.tps.back(), negatives = c.fps.back();
  if (positives <= 0.0 || negatives <= 0.0) return {};
  std::vector<RocPoint> roc = {{0.0, 0.0, std::nullopt}};
  for (size_t i = 0; i < c.tps.size(); ++i) roc.push_back({c.fps[i] / negatives, c.tps[i] / positives, c.thresholds[i]});
  return roc;
}

std::vector<PrPoint> PrPoints(const ClfCurve& c) {
  const double positives = c.tps.back();
  std::vector<PrPoint> pr;
  for (size_t i = c.tps.size(); i-- > 0;) {
    // Every threshold is some row's score, so tps + fps >= 1. Without positives sklearn sets
    // recall to one.
    const double recall = positives > 0.0 ? c.tps[i] / positives : 1.0;
    pr.push_back({recall, c.tps[i] / (c.tps[i] + c.fps[i]), c.thresholds[i]});
  }
  pr.push_back({0.0, 1.0, std::nullopt});
  return pr;
}

nlohmann::json NumberOrNull(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

nlohmann::json NumberOrNull(const std::optional<double>& x) { return x ? NumberOrNull(*x) : nlohmann::json(nullptr); }

Status CheckMaxPoints(size_t max_points) {
  if (max_points < 2) return Status::InvalidArgument("a thinned list keeps at least its first and last points");
  return Status::OK();
}

}  // namespace

Result<BinaryCurves> ComputeBinaryCurves(const std::vector<bool>& positive, const std::vector<float>& scores,
                                         size_t max_points) {
  DATAML_RETURN_NOT_OK(CheckMaxPoints(max_points));
  if (scores.empty()) return Status::InvalidArgument("no rows to draw curves from");
  if (positive.size() != scores.size()) return Status::InvalidArgument("labels and scores differ in length");
  for (float s : scores) {
    if (!std::isfinite(s)) return Status::InvalidArgument("non-finite score");
  }
  const ClfCurve counts = BinaryClfCurve(positive, scores);
  return BinaryCurves{Thin(RocPoints(counts), max_points), Thin(PrPoints(counts), max_points)};
}

Result<std::vector<ResidualPoint>> SampleResiduals(const std::vector<double>& actual,
                                                   const std::vector<double>& predicted, size_t max_points) {
  DATAML_RETURN_NOT_OK(CheckMaxPoints(max_points));
  if (actual.size() != predicted.size()) return Status::InvalidArgument("actual and predicted differ in length");
  std::vector<ResidualPoint> out;
  for (size_t i : EvenlySpaced(actual.size(), max_points)) out.push_back({actual[i], predicted[i]});
  return out;
}

double RocArea(const std::vector<RocPoint>& roc) {
  double area = 0.0;
  for (size_t i = 1; i < roc.size(); ++i) {
    area += (roc[i].fpr - roc[i - 1].fpr) * (roc[i].tpr + roc[i - 1].tpr) / 2.0;
  }
  return area;
}

nlohmann::json ToJson(const BinaryCurves& curves) {
  nlohmann::json roc = nlohmann::json::array(), pr = nlohmann::json::array();
  for (const RocPoint& p : curves.roc) {
    roc.push_back({{"fpr", p.fpr}, {"tpr", p.tpr}, {"threshold", NumberOrNull(p.threshold)}});
  }
  for (const PrPoint& p : curves.pr) {
    pr.push_back({{"recall", p.recall}, {"precision", p.precision}, {"threshold", NumberOrNull(p.threshold)}});
  }
  return {{"roc", std::move(roc)}, {"pr", std::move(pr)}};
}

nlohmann::json ToJson(const std::vector<ResidualPoint>& residuals) {
  nlohmann::json out = nlohmann::json::array();
  for (const ResidualPoint& r : residuals) {
    out.push_back({{"actual", NumberOrNull(r.actual)}, {"predicted", NumberOrNull(r.predicted)}});
  }
  return out;
}

}  // namespace dataml::engine::ml

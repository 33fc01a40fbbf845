#include "engine/ml/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

namespace dataml::engine::ml {
namespace {

// sklearn's historical log_loss eps (before 1.2 made it dtype-dependent): a confident wrong
// prediction costs -log(1e-15) ~ 34.5 instead of infinity.
constexpr double kLogLossEps = 1e-15;
// Below this |y_true| a percentage error is meaningless (sklearn divides by machine epsilon
// instead and reports astronomically large MAPEs); such rows are left out of MAPE.
constexpr double kMapeMinAbsTrue = 1e-12;

double SafeDiv(double num, double den) { return den == 0.0 ? 0.0 : num / den; }

// nlohmann already writes NaN and infinity as null, but only on dump(); saying it here keeps a
// json value that is inspected before serialization from holding a non-finite number.
nlohmann::json FiniteOrNull(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

nlohmann::json FiniteOrNull(const std::optional<double>& x) {
  return x ? FiniteOrNull(*x) : nlohmann::json(nullptr);
}

Status ValidateClassificationInput(const std::vector<int>& y_true,
                                   const std::vector<float>& probabilities, int num_classes) {
  if (y_true.empty()) return Status::InvalidArgument("no rows to evaluate");
  if (num_classes < 1) return Status::InvalidArgument("num_classes must be at least 1");
  if (probabilities.size() != y_true.size() * static_cast<size_t>(num_classes)) {
    return Status::InvalidArgument("probabilities must have rows x num_classes values");
  }
  for (int y : y_true) {
    if (y < 0 || y >= num_classes) return Status::InvalidArgument("label outside [0, num_classes)");
  }
  for (float p : probabilities) {
    if (!std::isfinite(p)) return Status::InvalidArgument("non-finite probability");
  }
  return Status::OK();
}

std::vector<int> ArgMax(const std::vector<float>& probabilities, size_t rows, int num_classes) {
  std::vector<int> predicted(rows);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = probabilities.data() + r * num_classes;
    // max_element returns the first maximum, which is the tie rule numpy's argmax uses.
    predicted[r] = static_cast<int>(std::max_element(row, row + num_classes) - row);
  }
  return predicted;
}

// Mann-Whitney U / (n_pos * n_neg), tied scores sharing their average rank: equal to the area
// under the trapezoidal ROC curve that sklearn integrates.
std::optional<double> BinaryAuc(const std::vector<float>& scores,
                                const std::vector<bool>& positive) {
  const size_t n = scores.size();
  const auto n_pos = static_cast<double>(std::count(positive.begin(), positive.end(), true));
  const double n_neg = static_cast<double>(n) - n_pos;
  if (n_pos == 0.0 || n_neg == 0.0) return std::nullopt;

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double positive_rank_sum = 0.0;
  for (size_t start = 0; start < n;) {
    size_t end = start;
    while (end < n && scores[order[end]] == scores[order[start]]) ++end;
    const double average_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (size_t i = start; i < end; ++i) {
      if (positive[order[i]]) positive_rank_sum += average_rank;
    }
    start = end;
  }
  return (positive_rank_sum - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg);
}

// Binary: AUC of the positive column. Multiclass: unweighted mean of one-vs-rest AUCs, which
// sklearn only defines when every class occurs in y_true.
std::optional<double> RocAuc(const std::vector<int>& y_true,
                             const std::vector<float>& probabilities, int num_classes) {
  if (num_classes < 2) return std::nullopt;
  const size_t rows = y_true.size();
  const int first_scored_class = num_classes == 2 ? 1 : 0;
  double sum = 0.0;
  std::vector<float> scores(rows);
  std::vector<bool> positive(rows);
  for (int c = first_scored_class; c < num_classes; ++c) {
    for (size_t r = 0; r < rows; ++r) {
      scores[r] = probabilities[r * num_classes + c];
      positive[r] = y_true[r] == c;
    }
    std::optional<double> auc = BinaryAuc(scores, positive);
    if (!auc) return std::nullopt;
    sum += *auc;
  }
  return sum / (num_classes - first_scored_class);
}

// Clipped to [1e-15, 1 - 1e-15] then renormalized per row, as older sklearn releases did. Recent
// ones (1.9 checked) clip at the dtype's epsilon and only warn about rows not summing to one; for
// real probability rows the results agree to ~1e-15.
double LogLoss(const std::vector<int>& y_true, const std::vector<float>& probabilities,
               int num_classes) {
  double total = 0.0;
  for (size_t r = 0; r < y_true.size(); ++r) {
    double row_sum = 0.0;
    double p_true = 0.0;
    for (int c = 0; c < num_classes; ++c) {
      const double p = std::clamp(static_cast<double>(probabilities[r * num_classes + c]),
                                  kLogLossEps, 1.0 - kLogLossEps);
      row_sum += p;
      if (c == y_true[r]) p_true = p;
    }
    total -= std::log(p_true / row_sum);
  }
  return total / static_cast<double>(y_true.size());
}

}  // namespace

Result<ClassificationMetrics> ComputeClassificationMetrics(const std::vector<int>& y_true,
                                                           const std::vector<float>& probabilities,
                                                           int num_classes) {
  DATAML_RETURN_NOT_OK(ValidateClassificationInput(y_true, probabilities, num_classes));
  const size_t rows = y_true.size();
  const auto k = static_cast<size_t>(num_classes);
  const std::vector<int> predicted = ArgMax(probabilities, rows, num_classes);

  ClassificationMetrics m;
  m.confusion_matrix.assign(k, std::vector<int64_t>(k, 0));
  int64_t correct = 0;
  for (size_t r = 0; r < rows; ++r) {
    ++m.confusion_matrix[y_true[r]][predicted[r]];
    if (y_true[r] == predicted[r]) ++correct;
  }
  m.accuracy = static_cast<double>(correct) / static_cast<double>(rows);

  m.per_class.resize(k);
  // Macro averages over the classes that occur in y_true or in the predictions, as
  // scikit-learn's default does: a class absent from both (a rare one the split kept out of the
  // holdout) says nothing about the model and must not pull every average down.
  size_t present = 0;
  for (size_t c = 0; c < k; ++c) {
    int64_t predicted_as_c = 0;
    int64_t actually_c = 0;
    for (size_t o = 0; o < k; ++o) {
      predicted_as_c += m.confusion_matrix[o][c];
      actually_c += m.confusion_matrix[c][o];
    }
    const auto tp = static_cast<double>(m.confusion_matrix[c][c]);
    ClassMetrics& cm = m.per_class[c];
    // zero_division=0: an undefined ratio (nothing predicted, nothing true) counts as 0.
    cm.precision = SafeDiv(tp, static_cast<double>(predicted_as_c));
    cm.recall = SafeDiv(tp, static_cast<double>(actually_c));
    // sklearn's form 2tp / (2tp + fp + fn): 0 rather than undefined when precision is.
    cm.f1 = SafeDiv(2.0 * tp, static_cast<double>(predicted_as_c + actually_c));
    cm.support = actually_c;
    if (predicted_as_c + actually_c == 0) continue;
    ++present;
    m.precision += cm.precision;
    m.recall += cm.recall;
    m.f1 += cm.f1;
  }
  if (present > 0) {
    m.precision /= static_cast<double>(present);
    m.recall /= static_cast<double>(present);
    m.f1 /= static_cast<double>(present);
  }

  m.roc_auc = RocAuc(y_true, probabilities, num_classes);
  m.log_loss = LogLoss(y_true, probabilities, num_classes);
  return m;
}

Result<RegressionMetrics> ComputeRegressionMetrics(const std::vector<double>& y_true,
                                                   const std::vector<double>& y_pred) {
  if (y_true.empty()) return Status::InvalidArgument("no rows to evaluate");
  if (y_true.size() != y_pred.size()) {
    return Status::InvalidArgument("y_true and y_pred differ in length");
  }
  const auto all_finite = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
  };
  if (!all_finite(y_true) || !all_finite(y_pred)) {
    return Status::InvalidArgument("non-finite target or prediction");
  }

  const auto n = static_cast<double>(y_true.size());
  const double mean_true = std::accumulate(y_true.begin(), y_true.end(), 0.0) / n;
  double ss_res = 0.0;
  double ss_tot = 0.0;
  double abs_sum = 0.0;
  double ape_sum = 0.0;
  size_t ape_rows = 0;
  for (size_t i = 0; i < y_true.size(); ++i) {
    const double err = y_true[i] - y_pred[i];
    ss_res += err * err;
    ss_tot += (y_true[i] - mean_true) * (y_true[i] - mean_true);
    abs_sum += std::abs(err);
    if (std::abs(y_true[i]) >= kMapeMinAbsTrue) {
      ape_sum += std::abs(err) / std::abs(y_true[i]);
      ++ape_rows;
    }
  }
  // A constant target is detected exactly: its computed mean can be off by an ulp, which would
  // turn SS_tot into a tiny positive number and r2 into a huge negative one.
  const bool constant_true =
      std::all_of(y_true.begin(), y_true.end(), [&](double y) { return y == y_true.front(); });
  if (constant_true) ss_tot = 0.0;

  RegressionMetrics m;
  m.rmse = std::sqrt(ss_res / n);
  m.mae = abs_sum / n;
  // sklearn's force_finite: a constant target scores 1 when predicted perfectly, else 0.
  if (ss_tot == 0.0) {
    m.r2 = ss_res == 0.0 ? 1.0 : 0.0;
  } else {
    m.r2 = 1.0 - ss_res / ss_tot;
  }
  if (ape_rows > 0) m.mape = ape_sum / static_cast<double>(ape_rows);
  return m;
}

nlohmann::json ToJson(const ClassificationMetrics& metrics,
                      const std::vector<std::string>& class_labels) {
  nlohmann::json per_class = nlohmann::json::object();
  for (size_t c = 0; c < metrics.per_class.size(); ++c) {
    const ClassMetrics& cm = metrics.per_class[c];
    const std::string key = c < class_labels.size() ? class_labels[c] : std::to_string(c);
    per_class[key] = {{"precision", FiniteOrNull(cm.precision)},
                      {"recall", FiniteOrNull(cm.recall)},
                      {"f1_score", FiniteOrNull(cm.f1)},
                      {"support", cm.support}};
  }
  return {{"accuracy", FiniteOrNull(metrics.accuracy)},
          {"precision", FiniteOrNull(metrics.precision)},
          {"recall", FiniteOrNull(metrics.recall)},
          {"f1_score", FiniteOrNull(metrics.f1)},
          {"roc_auc", FiniteOrNull(metrics.roc_auc)},
          {"log_loss", FiniteOrNull(metrics.log_loss)},
          {"confusion_matrix", metrics.confusion_matrix},
          {"per_class", std::move(per_class)}};
}

nlohmann::json ToJson(const RegressionMetrics& metrics) {
  return {{"rmse", FiniteOrNull(metrics.rmse)},
          {"mae", FiniteOrNull(metrics.mae)},
          {"r2", FiniteOrNull(metrics.r2)},
          {"mape", FiniteOrNull(metrics.mape)}};
}

}  // namespace dataml::engine::ml

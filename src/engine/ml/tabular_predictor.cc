#include "engine/ml/tabular_predictor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "engine/ml/tree_shap.h"

namespace dataml::engine::ml {
namespace {

// Small rows stay on the stack: the real-time path allocates only its answer.
constexpr size_t kStackFeatures = 256;
constexpr size_t kStackGroups = 128;

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Every row's values as the ensemble gives them (rows x num_value_columns()), the rows shared
// out over `threads`.
std::vector<float> PredictRows(const TreeEnsemble& ensemble, const FeatureMatrix& x, unsigned threads) {
  const size_t groups = ensemble.num_groups(), columns = ensemble.num_value_columns();
  std::vector<float> values(x.rows * columns);
  auto run = [&](size_t first, size_t last) {
    std::vector<float> margins((last - first) * groups);
    ensemble.PredictMarginsInto(x.row(first), last - first, x.cols, margins.data());
    for (size_t r = first; r < last; ++r) {
      ensemble.Transform(margins.data() + (r - first) * groups, values.data() + r * columns);
    }
  };
  constexpr size_t kRowsPerThread = 4096;  // below this a thread costs more than it saves
  const size_t workers = std::clamp<size_t>(x.rows / kRowsPerThread, 1, std::max(1u, threads));
  if (workers == 1) {
    run(0, x.rows);
    return values;
  }
  std::vector<std::thread> pool;
  const size_t step = (x.rows + workers - 1) / workers;
  for (size_t first = 0; first < x.rows; first += step) pool.emplace_back(run, first, std::min(x.rows, first + step));
  for (auto& t : pool) t.join();
  return values;
}

}  // namespace

Result<TabularPredictor> TabularPredictor::Make(Preprocess preprocess, const std::string& model_json) {
  DATAML_ASSIGN_OR_RETURN(TreeEnsemble ensemble, TreeEnsemble::FromXGBoostJson(model_json));
  if (ensemble.num_features() > preprocess.feature_names().size()) {
    return Status::InvalidArgument("the model reads more features than its preprocess makes");
  }
  const bool classifier = preprocess.problem_type() == ProblemType::kClassification;
  const size_t classes = preprocess.classes().size();
  const bool fits = classifier ? (classes == 2 ? ensemble.num_groups() == 1 && ensemble.link() == TreeEnsemble::Link::kLogistic
                                               : ensemble.num_groups() == classes && ensemble.link() == TreeEnsemble::Link::kSoftmax)
                               : ensemble.num_groups() == 1 && ensemble.link() == TreeEnsemble::Link::kIdentity;
  if (!fits) return Status::InvalidArgument("the model's objective does not match its preprocess's problem type");
  return TabularPredictor(std::move(preprocess), std::move(ensemble));
}

Result<RowPrediction> TabularPredictor::PredictRow(const nlohmann::json& features) const {
  const size_t width = preprocess_.feature_names().size();
  std::vector<float> heap;
  float stack[kStackFeatures];
  float* row = stack;
  if (width > kStackFeatures) {
    heap.resize(width);
    row = heap.data();
  }
  DATAML_RETURN_NOT_OK(preprocess_.TransformRow(features, row));
  const size_t groups = ensemble_.num_groups();
  float margins[kStackGroups];
  float values[kStackGroups];
  if (groups > kStackGroups) return Status::Internal("too many output groups");
  ensemble_.PredictMargin(row, margins);
  ensemble_.Transform(margins, values);

  RowPrediction out;
  const auto& classes = preprocess_.classes();
  if (preprocess_.problem_type() == ProblemType::kRegression) {
    out.prediction = values[0];
    return out;
  }
  if (classes.size() == 2) {
    out.probabilities = {{classes[0], 1.0 - values[0]}, {classes[1], values[0]}};
  } else {
    for (size_t c = 0; c < classes.size(); ++c) out.probabilities.emplace_back(classes[c], values[c]);
  }
  // The most probable class; ties go to the first, as argmax does in training's metrics.
  size_t best = 0;
  for (size_t c = 1; c < out.probabilities.size(); ++c) {
    if (out.probabilities[c].second > out.probabilities[best].second) best = c;
  }
  out.prediction = out.probabilities[best].first;
  return out;
}

Result<RowExplanation> TabularPredictor::ExplainRow(const nlohmann::json& features, size_t top) const {
  FeatureMatrix x(1, preprocess_.feature_names().size());
  DATAML_RETURN_NOT_OK(preprocess_.TransformRow(features, x.values.data()));
  DATAML_ASSIGN_OR_RETURN(std::vector<float> contributions, ShapContributions(ensemble_, x, 1));
  const size_t groups = ensemble_.num_groups();
  const size_t stride = x.cols + 1;
  // The predicted class's contributions (binary and regression have one group).
  size_t group = 0;
  if (groups > 1) {
    std::vector<float> margins(groups);
    ensemble_.PredictMargin(x.row(0), margins.data());
    group = static_cast<size_t>(std::max_element(margins.begin(), margins.end()) - margins.begin());
  }
  const float* phi = contributions.data() + group * stride;
  std::map<std::string, double> per_column;
  for (size_t f = 0; f < x.cols; ++f) per_column[preprocess_.feature_sources()[f]] += phi[f];
  RowExplanation out;
  out.bias = phi[x.cols];
  out.contributions.assign(per_column.begin(), per_column.end());
  std::stable_sort(out.contributions.begin(), out.contributions.end(),
                   [](const auto& a, const auto& b) { return std::fabs(a.second) > std::fabs(b.second); });
  if (out.contributions.size() > top) out.contributions.resize(top);
  return out;
}

Result<std::vector<float>> TabularPredictor::PredictTable(const arrow::Table& table, unsigned threads,
                                                          TableTimings* timings) const {
  const auto transform_started = Clock::now();
  DATAML_ASSIGN_OR_RETURN(FeatureMatrix x, preprocess_.Transform(table));
  const auto predict_started = Clock::now();
  std::vector<float> values = PredictRows(ensemble_, x, threads);
  // A binary classifier gives the second class's probability: both classes' are the outputs.
  if (problem_type() == ProblemType::kClassification && classes().size() == 2 && ensemble_.num_value_columns() == 1) {
    std::vector<float> both(x.rows * 2);
    for (size_t r = 0; r < x.rows; ++r) {
      both[2 * r] = 1.0f - values[r];
      both[2 * r + 1] = values[r];
    }
    values = std::move(both);
  }
  if (timings != nullptr) {
    timings->transform_seconds += std::chrono::duration<double>(predict_started - transform_started).count();
    timings->predict_seconds += Since(predict_started);
  }
  return values;
}

Result<std::vector<float>> TabularPredictor::EncodeTarget(const arrow::Table& table, float unknown_as) const {
  return preprocess_.EncodeTarget(table, unknown_as);
}

}  // namespace dataml::engine::ml

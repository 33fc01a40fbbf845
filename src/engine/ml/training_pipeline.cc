#include "engine/ml/training_pipeline.h"

#include <chrono>
#include <cmath>

#include "engine/ml/group_statistics.h"
#include "engine/ml/holdout_split.h"

namespace dataml::engine::ml {
namespace {

using Clock = std::chrono::steady_clock;

// Below this many training rows, "auto" averages kSmallDataSplits validation splits.
constexpr size_t kSmallTrainingRows = 5000;
constexpr int kSmallDataSplits = 3;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<float> Pick(const std::vector<float>& v, const std::vector<size_t>& rows) {
  std::vector<float> out;
  out.reserve(rows.size());
  for (size_t r : rows) out.push_back(v[r]);
  return out;
}

std::vector<size_t> Pick(const std::vector<size_t>& v, const std::vector<size_t>& positions) {
  std::vector<size_t> out;
  out.reserve(positions.size());
  for (size_t p : positions) out.push_back(v[p]);
  return out;
}

Result<HoldoutSplit> Split(ProblemType problem, const std::vector<float>& y, double fraction,
                           uint64_t seed) {
  if (problem == ProblemType::kRegression) return RandomSplit(y.size(), fraction, seed);
  std::vector<int> labels(y.begin(), y.end());
  return StratifiedSplit(labels, fraction, seed);
}

// The features of `table` as the algorithm needs them: the linear booster wants them scaled.
Result<FeatureMatrix> FeaturesFor(Algorithm algorithm, Preprocess& preprocess,
                                  const arrow::Table& table) {
  preprocess.set_standardize(algorithm == Algorithm::kLinear);
  return preprocess.Transform(table);
}

struct Candidate {
  Algorithm algorithm;
  double score;  // mean over the validation splits
  int splits;
};

// "auto": each algorithm trained on 80% of the training rows and scored on the rest. With few
// rows one validation split is noise (on wine, 28 rows picked a model 3x worse on the holdout),
// so small data averages several seeded splits.
Result<std::vector<Candidate>> ScoreCandidates(const TrainingRequest& request, Preprocess& preprocess,
                                               const arrow::Table& table, const std::vector<float>& y,
                                               const std::vector<size_t>& train_rows, int num_classes) {
  const int splits = train_rows.size() < kSmallTrainingRows ? kSmallDataSplits : 1;
  std::vector<float> y_train = Pick(y, train_rows);
  std::vector<Candidate> scored;
  for (Algorithm algorithm : {Algorithm::kXGBoost, Algorithm::kRandomForest, Algorithm::kLinear}) {
    DATAML_ASSIGN_OR_RETURN(FeatureMatrix x, FeaturesFor(algorithm, preprocess, table));
    double total = 0;
    for (int s = 0; s < splits; ++s) {
      DATAML_ASSIGN_OR_RETURN(HoldoutSplit inner, Split(request.problem, y_train, 0.2,
                                                        request.hyperparameters.seed + 1 + static_cast<uint64_t>(s)));
      std::vector<size_t> fit_rows = Pick(train_rows, inner.train);
      std::vector<size_t> valid_rows = Pick(train_rows, inner.test);
      DATAML_ASSIGN_OR_RETURN(Booster booster, TrainModel(algorithm, request.problem, num_classes,
                                                          request.hyperparameters, x.Take(fit_rows), Pick(y, fit_rows)));
      DATAML_ASSIGN_OR_RETURN(auto outputs, PredictOutputs(booster, request.problem, num_classes, x.Take(valid_rows)));
      DATAML_ASSIGN_OR_RETURN(double score, SelectionScore(request.problem, num_classes, Pick(y, valid_rows), outputs));
      total += score;
    }
    const double score = total / splits;
    // A diverging model (NaN loss) must never win.
    scored.push_back({algorithm, std::isfinite(score) ? score : INFINITY, splits});
  }
  return scored;
}

// Positions [begin, end) of `rows` (ascending) shifted down by begin: a worker's own rows of
// the ones all workers agreed on, as indices into its shard.
std::vector<size_t> Within(const std::vector<size_t>& rows, size_t begin, size_t end) {
  std::vector<size_t> out;
  for (auto it = std::lower_bound(rows.begin(), rows.end(), begin); it != rows.end() && *it < end; ++it)
    out.push_back(*it - begin);
  return out;
}

// How many rows each worker held, from where each one's rows start.
nlohmann::json PerWorker(const std::vector<size_t>& offsets) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t w = 0; w + 1 < offsets.size(); ++w) out.push_back(offsets[w + 1] - offsets[w]);
  return out;
}

}  // namespace

Result<TrainingOutcome> RunTraining(const arrow::Table& table, const TrainingRequest& request) {
  const auto started = Clock::now();
  if ((request.base_model == nullptr) != (request.base_preprocess == nullptr))
    return Status::Internal("incremental training needs both the base model and its preprocess");
  const bool incremental = request.base_model != nullptr;
  SoloGroup solo;
  WorkerGroup& group = request.group != nullptr ? *request.group : solo;
  const bool distributed = group.size() > 1;
  if (distributed && (incremental || !request.algorithm || *request.algorithm == Algorithm::kLinear)) {
    return Status::InvalidArgument("training on several workers needs algorithm XGBoost or RandomForest, and not an "
                                   "incremental training");
  }

  // Classes come from every row, so each label has an index; the features are fitted below on
  // the training rows only. Every worker gets every row's target (rows numbered across shards in
  // rank order) and makes from it the same decisions and the same split.
  Preprocess preprocess;
  std::vector<std::string> classes;
  if (incremental) {
    preprocess = *request.base_preprocess;
    classes = preprocess.classes();
  } else if (request.problem == ProblemType::kClassification) {
    DATAML_ASSIGN_OR_RETURN(classes, Preprocess::FitClasses(table, request.target, &group));
  }
  DATAML_ASSIGN_OR_RETURN(std::vector<float> my_labels,
                          Preprocess::EncodeLabels(table, request.target, request.problem, classes));
  std::vector<size_t> offsets;  // where each worker's rows start
  DATAML_ASSIGN_OR_RETURN(std::vector<float> y_all, Concatenate(std::move(my_labels), group, &offsets));
  const size_t my_begin = offsets[static_cast<size_t>(group.rank())];
  const size_t my_end = offsets[static_cast<size_t>(group.rank()) + 1];
  std::vector<size_t> labelled;
  for (size_t i = 0; i < y_all.size(); ++i) {
    if (!std::isnan(y_all[i])) labelled.push_back(i);
  }
  const size_t dropped = y_all.size() - labelled.size();
  if (labelled.size() < 10) {
    return Status::InvalidArgument("training needs at least 10 rows with a target value; the data has " +
                                   std::to_string(labelled.size()));
  }
  const int num_classes = request.problem == ProblemType::kClassification ? static_cast<int>(classes.size()) : 1;
  std::vector<float> y = Pick(y_all, labelled);
  const Hyperparameters& hp = request.hyperparameters;
  DATAML_ASSIGN_OR_RETURN(HoldoutSplit split, Split(request.problem, y, hp.test_size, hp.seed));
  std::vector<size_t> train_rows = Pick(labelled, split.train);
  std::vector<size_t> test_rows = Pick(labelled, split.test);
  if (request.problem == ProblemType::kClassification) {
    std::vector<bool> seen(static_cast<size_t>(num_classes), false);
    for (size_t r : train_rows) seen[static_cast<size_t>(y_all[r])] = true;
    int present = static_cast<int>(std::count(seen.begin(), seen.end(), true));
    if (!incremental && present < 2) {
      return Status::InvalidArgument("the training rows hold a single class of '" +
                                     request.target.name + "'; at least two are needed");
    }
  }
  for (size_t w = 0; distributed && w + 1 < offsets.size(); ++w) {
    // XGBoost cannot build a worker's share of a tree from no rows.
    if (Within(train_rows, offsets[w], offsets[w + 1]).empty()) {
      return Status::InvalidArgument(std::to_string(group.size()) + " workers are too many for " +
                                     std::to_string(train_rows.size()) +
                                     " training rows: each needs some of them; use fewer workers");
    }
  }
  std::vector<size_t> my_train_rows = Within(train_rows, my_begin, my_end);
  std::vector<size_t> my_test_rows = Within(test_rows, my_begin, my_end);
  if (!incremental) {
    DATAML_ASSIGN_OR_RETURN(preprocess, Preprocess::Fit(table, request.features, request.target,
                                                         request.problem, my_train_rows, &classes, &group));
  }
  const double preprocess_seconds = SecondsSince(started);

  // Which algorithm: the base model's, the requested one, or the best candidate.
  const auto train_started = Clock::now();
  nlohmann::json candidates = nlohmann::json::array();
  Algorithm algorithm = Algorithm::kXGBoost;
  if (incremental) {
    algorithm = preprocess.standardized() ? Algorithm::kLinear : request.algorithm.value_or(Algorithm::kXGBoost);
  } else if (request.algorithm) {
    algorithm = *request.algorithm;
  } else {
    DATAML_ASSIGN_OR_RETURN(auto scored, ScoreCandidates(request, preprocess, table, y_all,
                                                         train_rows, num_classes));
    const char* metric = request.problem == ProblemType::kRegression ? "rmse" : "log_loss";
    double best = INFINITY;
    for (const Candidate& c : scored) {
      candidates.push_back({{"algorithm", AlgorithmName(c.algorithm)},
                            {"validation_metric", metric},
                            {"validation_splits", c.splits},
                            {"validation_score", std::isfinite(c.score) ? nlohmann::json(c.score) : nlohmann::json()}});
      if (c.score < best) {
        best = c.score;
        algorithm = c.algorithm;
      }
    }
  }
  const auto transform_started = Clock::now();
  DATAML_ASSIGN_OR_RETURN(FeatureMatrix x, FeaturesFor(algorithm, preprocess, table));
  if (incremental) preprocess.set_standardize(request.base_preprocess->standardized());
  std::vector<float> y_train, y_test = Pick(y_all, test_rows);
  for (size_t r : my_train_rows) y_train.push_back(y_all[my_begin + r]);
  FeatureMatrix x_test = x.Take(my_test_rows);
  FeatureMatrix x_train = x.Take(my_train_rows);
  x = FeatureMatrix();
  const double transform_seconds = SecondsSince(transform_started);
  DATAML_ASSIGN_OR_RETURN(Booster booster, TrainModel(algorithm, request.problem, num_classes, hp, x_train,
                                                      y_train, request.base_model));
  const double train_seconds = SecondsSince(train_started);

  // Each worker scores its own holdout rows; in rank order they are the holdout's rows in order.
  const auto evaluate_started = Clock::now();
  DATAML_ASSIGN_OR_RETURN(auto my_outputs, PredictOutputs(booster, request.problem, num_classes, x_test));
  DATAML_ASSIGN_OR_RETURN(auto outputs, Concatenate(std::move(my_outputs), group));
  DATAML_ASSIGN_OR_RETURN(nlohmann::json metrics,
                          EvaluateOutputs(request.problem, preprocess.classes(), y_test, outputs));
  DATAML_ASSIGN_OR_RETURN(nlohmann::json charts, HoldoutChartPoints(request.problem, num_classes, y_test, outputs));
  DATAML_ASSIGN_OR_RETURN(std::string model_json, booster.SaveJson());
  DATAML_ASSIGN_OR_RETURN(int rounds, booster.BoostedRounds());
  const double evaluate_seconds = SecondsSince(evaluate_started);

  nlohmann::json parameters;
  for (const auto& [k, v] : XGBoostParams(algorithm, request.problem, num_classes, hp)) parameters[k] = v;
  TrainingOutcome out;
  out.summary = {
      {"algorithm", AlgorithmName(algorithm)},
      {"model", ModelDisplayName(algorithm, request.problem)},
      {"problem_type", ProblemTypeName(request.problem)},
      {"metrics", std::move(metrics)},
      {"curves", std::move(charts["curves"])},
      {"residuals", std::move(charts["residuals"])},
      {"candidates", std::move(candidates)},
      {"hyperparameters", hp.ToJson()},
      {"xgboost_parameters", std::move(parameters)},
      {"num_boost_round", BoostingRounds(algorithm, hp)},
      {"boosted_rounds_total", rounds},
      {"classes", preprocess.classes()},
      {"feature_count", preprocess.feature_names().size()},
      {"rows", {{"total", y_all.size()},
                {"training", train_rows.size()},
                {"test", test_rows.size()},
                {"without_target", dropped},
                {"per_worker", PerWorker(offsets)}}},
      {"incremental", incremental},
      {"num_workers", group.size()},
      {"xgboost_version", XGBoostVersionString()},
      {"timings", {{"preprocess_seconds", preprocess_seconds},
                   {"train_seconds", train_seconds},
                   {"transform_seconds", transform_seconds},
                   {"evaluate_seconds", evaluate_seconds}}},
  };
  out.model_json = std::move(model_json);
  out.preprocess = std::move(preprocess);
  return out;
}

}  // namespace dataml::engine::ml

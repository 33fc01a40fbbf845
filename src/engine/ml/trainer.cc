#include "engine/ml/trainer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "engine/ml/curves.h"
#include "engine/ml/metrics.h"

namespace dataml::engine::ml {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

Status OutOfRange(const std::string& key, const std::string& range) {
  return Status::Invalid({{{"hyperparameters", key}, "Must be " + range, "value_error"}});
}

}  // namespace

const char* AlgorithmName(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kXGBoost: return "XGBoost";
    case Algorithm::kRandomForest: return "RandomForest";
    case Algorithm::kLinear: return "Linear";
  }
  return "XGBoost";
}

std::optional<Algorithm> ParseAlgorithm(const std::string& name) {
  const std::string n = Lower(name);
  if (n == "xgboost") return Algorithm::kXGBoost;
  if (n == "randomforest") return Algorithm::kRandomForest;
  if (n == "linear") return Algorithm::kLinear;
  return std::nullopt;
}

std::string ModelDisplayName(Algorithm algorithm, ProblemType problem) {
  const bool classifier = problem == ProblemType::kClassification;
  switch (algorithm) {
    case Algorithm::kXGBoost: return classifier ? "XGBoostClassifier" : "XGBoostRegressor";
    case Algorithm::kRandomForest:
      return classifier ? "RandomForestClassifier" : "RandomForestRegressor";
    case Algorithm::kLinear: return classifier ? "LogisticRegression" : "LinearRegression";
  }
  return "XGBoost";
}

Result<Hyperparameters> Hyperparameters::FromJson(const nlohmann::json& json) {
  Hyperparameters hp;
  if (json.is_null()) return hp;
  if (!json.is_object()) {
    return Status::Invalid(
        {{{"hyperparameters"}, "Input should be a valid dictionary", "dict_type"}});
  }
  static const std::set<std::string> kKnown = {
      "num_boost_round", "max_depth",      "learning_rate", "subsample",
      "colsample_bytree", "min_child_weight", "reg_lambda",  "reg_alpha",
      "num_parallel_tree", "seed",          "test_size",     "nthread",
      "linear_learning_rate"};
  // A null value means "the default" (ToJson writes unset ones that way).
  auto given = [&](const char* key) { return json.contains(key) && !json[key].is_null(); };
  for (const auto& [key, value] : json.items()) {
    if (!kKnown.contains(key)) {
      return Status::Invalid({{{"hyperparameters", key},
                               "Unknown hyperparameter; known: num_boost_round, max_depth, "
                               "learning_rate, subsample, colsample_bytree, min_child_weight, "
                               "reg_lambda, reg_alpha, num_parallel_tree, seed, test_size, "
                               "nthread, linear_learning_rate",
                               "extra_forbidden"}});
    }
    if (value.is_null()) continue;
    if (!value.is_number() || (value.is_number_float() && !std::isfinite(value.get<double>()))) {
      return Status::Invalid(
          {{{"hyperparameters", key}, "Input should be a valid number", "number_type"}});
    }
  }
  auto integer = [&](const char* key, int lo, int hi, auto& out) -> Status {
    if (!given(key)) return Status::OK();
    const nlohmann::json& v = json[key];
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
      return OutOfRange(key, "an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
    out = static_cast<std::remove_reference_t<decltype(out)>>(v.get<int64_t>());
    return Status::OK();
  };
  auto real = [&](const char* key, double lo, double hi, bool lo_open, double& out) -> Status {
    if (!given(key)) return Status::OK();
    double v = json[key].get<double>();
    if (v > hi || v < lo || (lo_open && v == lo))
      return OutOfRange(key, std::string(lo_open ? "in (" : "in [") + Num(lo) + ", " + Num(hi) + "]");
    out = v;
    return Status::OK();
  };
  DATAML_RETURN_NOT_OK(integer("num_boost_round", 1, 5000, hp.num_boost_round));
  DATAML_RETURN_NOT_OK(integer("max_depth", 1, 16, hp.max_depth));
  DATAML_RETURN_NOT_OK(integer("num_parallel_tree", 1, 1000, hp.num_parallel_tree));
  DATAML_RETURN_NOT_OK(integer("nthread", 0, 256, hp.nthread));
  int64_t seed = static_cast<int64_t>(hp.seed);
  DATAML_RETURN_NOT_OK(integer("seed", 0, 2147483647, seed));
  hp.seed = static_cast<uint64_t>(seed);
  DATAML_RETURN_NOT_OK(real("learning_rate", 0, 1, true, hp.learning_rate));
  DATAML_RETURN_NOT_OK(real("subsample", 0, 1, true, hp.subsample));
  DATAML_RETURN_NOT_OK(real("colsample_bytree", 0, 1, true, hp.colsample_bytree));
  DATAML_RETURN_NOT_OK(real("min_child_weight", 0, 1e6, false, hp.min_child_weight));
  if (given("reg_lambda")) {
    double v = 0;
    DATAML_RETURN_NOT_OK(real("reg_lambda", 0, 1e6, false, v));
    hp.reg_lambda = v;
  }
  DATAML_RETURN_NOT_OK(real("reg_alpha", 0, 1e6, false, hp.reg_alpha));
  DATAML_RETURN_NOT_OK(real("test_size", 0.05, 0.5, false, hp.test_size));
  if (given("linear_learning_rate")) {
    double v = 0.5;
    DATAML_RETURN_NOT_OK(real("linear_learning_rate", 0, 1, true, v));
    hp.linear_learning_rate = v;
  }
  return hp;
}

nlohmann::json Hyperparameters::ToJson() const {
  nlohmann::json j = {{"num_boost_round", num_boost_round},
                      {"max_depth", max_depth},
                      {"learning_rate", learning_rate},
                      {"subsample", subsample},
                      {"colsample_bytree", colsample_bytree},
                      {"min_child_weight", min_child_weight},
                      {"reg_lambda", reg_lambda ? nlohmann::json(*reg_lambda) : nlohmann::json()},
                      {"reg_alpha", reg_alpha},
                      {"num_parallel_tree", num_parallel_tree},
                      {"seed", seed},
                      {"test_size", test_size},
                      {"nthread", nthread}};
  if (linear_learning_rate) j["linear_learning_rate"] = *linear_learning_rate;
  return j;
}

std::map<std::string, std::string> XGBoostParams(Algorithm algorithm, ProblemType problem,
                                                 int num_classes, const Hyperparameters& hp) {
  std::map<std::string, std::string> p;
  if (problem == ProblemType::kRegression) {
    p["objective"] = "reg:squarederror";
  } else if (num_classes == 2) {
    p["objective"] = "binary:logistic";
  } else {
    p["objective"] = "multi:softprob";
    p["num_class"] = std::to_string(num_classes);
  }
  p["seed"] = std::to_string(hp.seed);
  p["nthread"] = std::to_string(hp.nthread);
  p["reg_lambda"] = Num(hp.reg_lambda.value_or(algorithm == Algorithm::kLinear ? 0.0 : 1.0));
  p["reg_alpha"] = Num(hp.reg_alpha);
  p["verbosity"] = "0";
  switch (algorithm) {
    case Algorithm::kXGBoost:
      p["booster"] = "gbtree";
      p["tree_method"] = "hist";
      p["max_depth"] = std::to_string(hp.max_depth);
      p["eta"] = Num(hp.learning_rate);
      p["subsample"] = Num(hp.subsample);
      p["colsample_bytree"] = Num(hp.colsample_bytree);
      p["min_child_weight"] = Num(hp.min_child_weight);
      break;
    case Algorithm::kRandomForest:
      // XGBoost's random-forest recipe: one round of many trees, each on a row sample and
      // a column sample per split, not shrunk.
      p["booster"] = "gbtree";
      p["tree_method"] = "hist";
      p["max_depth"] = std::to_string(hp.max_depth);
      p["eta"] = "1";
      p["num_parallel_tree"] = std::to_string(hp.num_parallel_tree);
      p["subsample"] = Num(hp.subsample < 1.0 ? hp.subsample : 0.8);
      p["colsample_bynode"] = Num(hp.colsample_bytree < 1.0 ? hp.colsample_bytree : 0.8);
      p["min_child_weight"] = Num(hp.min_child_weight);
      break;
    case Algorithm::kLinear:
      // Coordinate descent with a cyclic order is deterministic; the default "shotgun" updater
      // is not when it runs on several threads.
      p["booster"] = "gblinear";
      p["updater"] = "coord_descent";
      p["feature_selector"] = "cyclic";
      p["eta"] = Num(hp.linear_learning_rate.value_or(0.5));
      break;
  }
  return p;
}

int BoostingRounds(Algorithm algorithm, const Hyperparameters& hp) {
  return algorithm == Algorithm::kRandomForest ? 1 : hp.num_boost_round;
}

Result<Booster> TrainModel(Algorithm algorithm, ProblemType problem, int num_classes,
                           const Hyperparameters& hp, const FeatureMatrix& x,
                           const std::vector<float>& y, const std::string* base_model) {
  if (x.rows == 0) return Status::InvalidArgument("there are no rows to train on");
  DATAML_ASSIGN_OR_RETURN(DMatrix train, DMatrix::FromDense(x, y));
  int first_round = 0;
  Booster booster;
  if (base_model != nullptr) {
    DATAML_ASSIGN_OR_RETURN(booster, Booster::Load(*base_model));
    DATAML_ASSIGN_OR_RETURN(first_round, booster.BoostedRounds());
  } else {
    DATAML_ASSIGN_OR_RETURN(booster, Booster::Create({&train}));
  }
  DATAML_RETURN_NOT_OK(booster.SetParams(XGBoostParams(algorithm, problem, num_classes, hp)));
  const int rounds = BoostingRounds(algorithm, hp);
  for (int i = 0; i < rounds; ++i) {
    DATAML_RETURN_NOT_OK(booster.UpdateOneIter(first_round + i, train));
  }
  return booster;
}

Result<std::vector<float>> PredictOutputs(const Booster& booster, ProblemType problem,
                                          int num_classes, const FeatureMatrix& x) {
  DATAML_ASSIGN_OR_RETURN(DMatrix data, DMatrix::FromDense(x));
  DATAML_ASSIGN_OR_RETURN(Booster::Prediction p, booster.Predict(data, 0));
  if (problem == ProblemType::kRegression || num_classes > 2) {
    const size_t expected = x.rows * (problem == ProblemType::kRegression ? 1 : num_classes);
    if (p.values.size() != expected)
      return Status::Internal("XGBoost returned an unexpected number of predictions");
    return std::move(p.values);
  }
  if (p.values.size() != x.rows)
    return Status::Internal("XGBoost returned an unexpected number of predictions");
  std::vector<float> out(x.rows * 2);
  for (size_t i = 0; i < x.rows; ++i) {
    out[2 * i] = 1.0f - p.values[i];
    out[2 * i + 1] = p.values[i];
  }
  return out;
}

Result<nlohmann::json> EvaluateOutputs(ProblemType problem, const std::vector<std::string>& classes,
                                       const std::vector<float>& y, const std::vector<float>& outputs) {
  if (y.empty()) return Status::InvalidArgument("there are no holdout rows to evaluate on");
  if (problem == ProblemType::kRegression) {
    std::vector<double> truth(y.begin(), y.end()), pred(outputs.begin(), outputs.end());
    DATAML_ASSIGN_OR_RETURN(RegressionMetrics m, ComputeRegressionMetrics(truth, pred));
    return ToJson(m);
  }
  std::vector<int> truth;
  truth.reserve(y.size());
  for (float v : y) truth.push_back(static_cast<int>(v));
  DATAML_ASSIGN_OR_RETURN(ClassificationMetrics m,
                          ComputeClassificationMetrics(truth, outputs, static_cast<int>(classes.size())));
  return ToJson(m, classes);
}

Result<nlohmann::json> HoldoutChartPoints(ProblemType problem, int num_classes, const std::vector<float>& y,
                                          const std::vector<float>& outputs) {
  nlohmann::json points = {{"curves", nullptr}, {"residuals", nullptr}};
  if (problem == ProblemType::kRegression) {
    std::vector<double> actual(y.begin(), y.end()), predicted(outputs.begin(), outputs.end());
    DATAML_ASSIGN_OR_RETURN(std::vector<ResidualPoint> residuals, SampleResiduals(actual, predicted));
    points["residuals"] = ToJson(residuals);
  } else if (problem == ProblemType::kClassification && num_classes == 2) {
    if (outputs.size() != 2 * y.size()) return Status::InvalidArgument("probabilities must have rows x 2 values");
    std::vector<bool> positive;
    std::vector<float> scores;
    for (size_t r = 0; r < y.size(); ++r) {
      positive.push_back(y[r] == 1.0f);
      scores.push_back(outputs[2 * r + 1]);
    }
    DATAML_ASSIGN_OR_RETURN(BinaryCurves curves, ComputeBinaryCurves(positive, scores));
    points["curves"] = ToJson(curves);
  }
  return points;
}

Result<double> SelectionScore(ProblemType problem, int num_classes, const std::vector<float>& y,
                              const std::vector<float>& outputs) {
  if (y.empty()) return Status::InvalidArgument("there are no validation rows");
  if (problem == ProblemType::kRegression) {
    double sum = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      double d = static_cast<double>(outputs[i]) - y[i];
      sum += d * d;
    }
    return std::sqrt(sum / static_cast<double>(y.size()));
  }
  double loss = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    double p = outputs[i * num_classes + static_cast<size_t>(y[i])];
    loss -= std::log(std::clamp(p, 1e-15, 1.0 - 1e-15));
  }
  return loss / static_cast<double>(y.size());
}

}  // namespace dataml::engine::ml

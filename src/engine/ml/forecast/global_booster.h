// The global XGBoost forecaster: one booster for every series of a model, trained on their
// differenced, scaled values. Each series is divided by its mean absolute value (so that series
// of any size share the trees) and differenced (so that trees, which cannot extrapolate a
// level, learn steps); a row predicts one step from lags of the steps, the lag a season back,
// rolling statistics of the last window, the calendar position of the period and the series'
// static features. Forecasts are recursive: each step's prediction becomes the next one's lag.
// Trained by XGBoost (engine/ml/trainer), evaluated by our tree evaluator (engine/ml/tree_model).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/ml/forecast/series.h"
#include "engine/ml/trainer.h"
#include "engine/ml/tree_model.h"

namespace dataml::engine::ml::forecast {

// What the booster's rows hold; fixed by the model's frequency, season and static features.
struct BoosterLayout {
  Frequency frequency = Frequency::kDay;
  int season = 1;
  int lags = 3;    // steps d[t-1..t-lags]
  int window = 4;  // periods of the rolling statistics
  int statics = 0;

  static BoosterLayout For(Frequency frequency, int season, int statics);
  size_t num_features() const;
  // The most recent values a forecast reads (a series' tail must hold them, or as many as it has).
  size_t memory() const;
};

// One series as the booster sees it: its values from `start`, its scale and its encoded static
// features (layout.statics of them).
struct BoosterSeries {
  Period start;
  std::span<const double> values;
  double scale = 1;
  std::span<const float> statics;
};

// The scale a series is divided by: the mean absolute value of `values`, 1 when that is 0.
double BoosterScale(std::span<const double> values);

class GlobalBooster {
 public:
  // InvalidArgument when the series give no row to learn from.
  static Result<std::shared_ptr<const GlobalBooster>> Train(const std::vector<BoosterSeries>& series,
                                                            const BoosterLayout& layout, const Hyperparameters& hp);
  // `horizon` values after the series' last one.
  std::vector<double> Forecast(const BoosterSeries& series, int horizon) const;

  const BoosterLayout& layout() const { return layout_; }
  nlohmann::json ToJson() const;
  static Result<std::shared_ptr<const GlobalBooster>> FromJson(const nlohmann::json& json, Frequency frequency);

 private:
  GlobalBooster(BoosterLayout layout, TreeEnsemble trees, std::string model_json)
      : layout_(layout), trees_(std::move(trees)), model_json_(std::move(model_json)) {}

  BoosterLayout layout_;
  TreeEnsemble trees_;
  std::string model_json_;  // XGBoost's, as saved
};

}  // namespace dataml::engine::ml::forecast

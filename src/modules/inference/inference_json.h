// The inference module's answers in the JSON shape of the API: the handlers' responses, and the
// output the predictions log keeps for a real-time prediction (9.6 lists it again).
#pragma once

#include <nlohmann/json.hpp>

#include "modules/inference/prediction_results.h"

namespace dataml::inference {

nlohmann::json ToJson(const RealtimePrediction& prediction);
nlohmann::json ToJson(const PredictionForm& form);
nlohmann::json ToJson(const BatchPrediction& prediction);
nlohmann::json ToJson(const PredictionList& list);
nlohmann::json ToJson(const SeriesForecast& forecast);

}  // namespace dataml::inference

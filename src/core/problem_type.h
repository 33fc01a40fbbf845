// The kind of model a training makes (the API document's `problem_type`): one enum for every
// layer, its names parsed once where text comes in (a request, a stored row, a job spec).
#pragma once

#include <optional>
#include <string_view>

namespace dataml {

enum class ProblemType { kClassification, kRegression, kForecast };

// "Classification", "Regression", "Forecast".
const char* ProblemTypeName(ProblemType type);
// The type of one of those names, exactly as written; nullopt otherwise.
std::optional<ProblemType> ParseProblemType(std::string_view name);

}  // namespace dataml

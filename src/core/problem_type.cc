#include "core/problem_type.h"

namespace dataml {

const char* ProblemTypeName(ProblemType type) {
  switch (type) {
    case ProblemType::kClassification: return "Classification";
    case ProblemType::kRegression: return "Regression";
    case ProblemType::kForecast: return "Forecast";
  }
  return "Classification";  // unreachable: every enumerator is handled above
}

std::optional<ProblemType> ParseProblemType(std::string_view name) {
  for (ProblemType type : {ProblemType::kClassification, ProblemType::kRegression, ProblemType::kForecast}) {
    if (name == ProblemTypeName(type)) return type;
  }
  return std::nullopt;
}

}  // namespace dataml

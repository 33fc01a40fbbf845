#include "engine/data/validation_report.h"

#include "engine/data/utf8.h"

namespace dataml::engine {
namespace {

constexpr size_t kMaxSampleBytes = 200;

// Samples are shown back to users as JSON text: cut them short and keep them valid UTF-8.
std::string PrintableSample(std::string_view value) {
  std::string out(value.substr(0, kMaxSampleBytes));
  if (!IsValidUtf8(out)) {
    std::string escaped;
    for (unsigned char c : out) {
      if (c < 0x80) {
        escaped.push_back(static_cast<char>(c));
      } else {
        static const char* kHex = "0123456789abcdef";
        escaped += "\\x";
        escaped.push_back(kHex[c >> 4]);
        escaped.push_back(kHex[c & 0xf]);
      }
    }
    return escaped;
  }
  return out;
}

}  // namespace

void ErrorCollector::Add(const std::string& column, const std::string& kind,
                         const std::string& expected, int64_t row, std::string_view value) {
  auto key = std::make_pair(column, kind);
  auto it = index_.find(key);
  if (it == index_.end()) {
    it = index_.emplace(key, groups_.size()).first;
    groups_.push_back({column, kind, expected, 0, {}});
  }
  ErrorGroup& group = groups_[it->second];
  ++group.count;
  if (group.samples.size() < max_samples_) group.samples.push_back({row, PrintableSample(value)});
}

std::vector<ErrorGroup> ErrorCollector::Take() {
  index_.clear();
  return std::move(groups_);
}

nlohmann::json ValidationReport::ToJson() const {
  if (clean()) return nullptr;
  nlohmann::json errors_json = nlohmann::json::array();
  for (const ErrorGroup& g : errors) {
    nlohmann::json samples = nlohmann::json::array();
    for (const CellSample& s : g.samples) samples.push_back({{"row", s.row}, {"value", s.value}});
    errors_json.push_back({{"column", g.column.empty() ? nlohmann::json(nullptr) : nlohmann::json(g.column)},
                           {"kind", g.kind},
                           {"expected", g.expected},
                           {"count", g.count},
                           {"samples", samples}});
  }
  return {{"missing_columns", missing_columns},
          {"extra_columns", extra_columns},
          {"invalid_records", invalid_records()},
          {"errors", errors_json}};
}

}  // namespace dataml::engine

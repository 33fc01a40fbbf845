#include "engine/ml/group_statistics.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <set>

namespace dataml::engine::ml {
namespace {

// Strings as one byte string: each as its 8-byte length then its bytes (any bytes, not only
// UTF-8, so no JSON here).
std::string EncodeStrings(const std::vector<std::string>& strings) {
  std::string out;
  for (const std::string& s : strings) {
    const uint64_t n = s.size();
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out += s;
  }
  return out;
}

Result<std::vector<std::string>> DecodeStrings(const std::string& bytes) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < bytes.size()) {
    uint64_t n = 0;
    if (bytes.size() - at < sizeof n) return Status::Internal("a worker sent a truncated list of values");
    std::memcpy(&n, bytes.data() + at, sizeof n);
    at += sizeof n;
    if (bytes.size() - at < n) return Status::Internal("a worker sent a truncated list of values");
    out.emplace_back(bytes, at, n);
    at += n;
  }
  return out;
}

Result<std::vector<std::string>> GatherStrings(const std::vector<std::string>& mine, WorkerGroup& group) {
  DATAML_ASSIGN_OR_RETURN(std::vector<std::string> parts, group.AllGather(EncodeStrings(mine)));
  std::vector<std::string> out;
  for (const std::string& part : parts) {
    DATAML_ASSIGN_OR_RETURN(std::vector<std::string> strings, DecodeStrings(part));
    for (std::string& s : strings) out.push_back(std::move(s));
  }
  return out;
}

// A key whose unsigned order is the doubles' numeric order (negative zero taken as zero).
uint64_t KeyOf(double v) {
  const uint64_t bits = std::bit_cast<uint64_t>(v == 0.0 ? 0.0 : v);
  constexpr uint64_t kSign = uint64_t{1} << 63;
  return (bits & kSign) != 0 ? ~bits : bits | kSign;
}

double ValueOf(uint64_t key) {
  constexpr uint64_t kSign = uint64_t{1} << 63;
  return std::bit_cast<double>((key & kSign) != 0 ? key & ~kSign : ~key);
}

double LocalMedian(std::vector<double> values) {
  if (values.empty()) return 0.0;
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2.0;
}

}  // namespace

Result<std::vector<float>> Concatenate(std::vector<float> mine, WorkerGroup& group, std::vector<size_t>* offsets) {
  if (group.size() == 1) {
    if (offsets != nullptr) *offsets = {0, mine.size()};
    return mine;
  }
  std::string bytes(reinterpret_cast<const char*>(mine.data()), mine.size() * sizeof(float));
  DATAML_ASSIGN_OR_RETURN(std::vector<std::string> parts, group.AllGather(bytes));
  std::vector<float> out;
  if (offsets != nullptr) offsets->assign(1, 0);
  for (const std::string& part : parts) {
    if (part.size() % sizeof(float) != 0) return Status::Internal("a worker sent a partial list of numbers");
    const size_t at = out.size();
    out.resize(at + part.size() / sizeof(float));
    std::memcpy(out.data() + at, part.data(), part.size());
    if (offsets != nullptr) offsets->push_back(out.size());
  }
  return out;
}

Result<std::vector<double>> KthSmallest(const std::vector<double>& mine, const std::vector<int64_t>& ks,
                                        WorkerGroup& group) {
  constexpr int kDigits = 256;
  std::vector<uint64_t> prefix(ks.size(), 0);
  std::vector<int64_t> remaining = ks;
  // Each target keeps only its own candidates: the values that match the digits chosen so far.
  std::vector<std::vector<uint64_t>> candidates(ks.size());
  for (auto& keys : candidates) {
    keys.reserve(mine.size());
    for (double v : mine) keys.push_back(KeyOf(v));
  }
  for (int shift = 56; shift >= 0; shift -= 8) {
    std::vector<int64_t> counts(ks.size() * kDigits, 0);
    for (size_t t = 0; t < ks.size(); ++t) {
      for (uint64_t key : candidates[t]) ++counts[t * kDigits + ((key >> shift) & 0xff)];
    }
    DATAML_RETURN_NOT_OK(group.Sum(counts));
    for (size_t t = 0; t < ks.size(); ++t) {
      uint64_t digit = 0;
      while (digit < kDigits && remaining[t] >= counts[t * kDigits + digit]) {
        remaining[t] -= counts[t * kDigits + digit];
        ++digit;
      }
      if (digit == kDigits) return Status::Internal("a rank beyond the values' count");
      prefix[t] |= digit << shift;
      std::erase_if(candidates[t], [&](uint64_t key) { return ((key >> shift) & 0xff) != digit; });
    }
  }
  std::vector<double> out;
  for (uint64_t key : prefix) out.push_back(ValueOf(key));
  return out;
}

Result<double> Median(std::vector<double> mine, WorkerGroup& group) {
  if (group.size() == 1) return LocalMedian(std::move(mine));
  std::vector<int64_t> count = {static_cast<int64_t>(mine.size())};
  DATAML_RETURN_NOT_OK(group.Sum(count));
  const int64_t n = count[0];
  if (n == 0) return 0.0;
  if (n % 2 == 1) {
    DATAML_ASSIGN_OR_RETURN(auto middle, KthSmallest(mine, {n / 2}, group));
    return middle[0];
  }
  DATAML_ASSIGN_OR_RETURN(auto middle, KthSmallest(mine, {n / 2 - 1, n / 2}, group));
  return (middle[0] + middle[1]) / 2.0;
}

Result<FrequentValues> MostFrequent(const std::unordered_map<std::string, int64_t>& mine, size_t keep,
                                    WorkerGroup& group) {
  auto by_count = [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; };
  std::vector<std::pair<std::string, int64_t>> ranked(mine.begin(), mine.end());
  FrequentValues out;
  if (group.size() == 1) {
    std::sort(ranked.begin(), ranked.end(), by_count);
    out.more = ranked.size() > keep;
    if (out.more) ranked.resize(keep);
    out.values = std::move(ranked);
    return out;
  }
  const size_t proposals = std::min(ranked.size(), kCandidatesPerKeep * keep);
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(proposals), ranked.end(), by_count);
  std::vector<std::string> proposed;
  for (size_t i = 0; i < proposals; ++i) proposed.push_back(ranked[i].first);
  DATAML_ASSIGN_OR_RETURN(std::vector<std::string> candidates, DistinctUnion(std::move(proposed), group));
  std::sort(candidates.begin(), candidates.end());  // the same order on every worker
  std::vector<int64_t> counts;
  counts.reserve(candidates.size());
  for (const std::string& c : candidates) {
    auto it = mine.find(c);
    counts.push_back(it == mine.end() ? 0 : it->second);
  }
  DATAML_RETURN_NOT_OK(group.Sum(counts));
  for (size_t i = 0; i < candidates.size(); ++i) out.values.emplace_back(std::move(candidates[i]), counts[i]);
  std::sort(out.values.begin(), out.values.end(), by_count);
  out.more = out.values.size() > keep;
  if (out.more) out.values.resize(keep);
  return out;
}

Result<std::vector<std::string>> DistinctUnion(std::vector<std::string> mine, WorkerGroup& group) {
  if (group.size() > 1) {
    DATAML_ASSIGN_OR_RETURN(mine, GatherStrings(mine, group));
  }
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  return mine;
}

}  // namespace dataml::engine::ml

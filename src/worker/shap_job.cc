#include "worker/shap_job.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>

#include "engine/data/memory_pool.h"
#include "engine/ml/preprocess.h"
#include "engine/ml/training_table.h"
#include "engine/ml/tree_model.h"
#include "engine/ml/tree_shap.h"

namespace dataml::worker {
namespace {

constexpr size_t kShapBlockRows = 4096;

// `count` distinct row indices out of `rows`, ascending, the same for the same seed on every
// platform (mt19937_64 is specified; the bounded draw is ours, not a library distribution).
std::vector<int64_t> SampleRows(int64_t rows, int64_t count, uint64_t seed) {
  std::vector<int64_t> all(static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i) all[static_cast<size_t>(i)] = i;
  if (count >= rows) return all;
  std::mt19937_64 rng(seed);
  for (int64_t i = 0; i < count; ++i) {
    const uint64_t span = static_cast<uint64_t>(rows - i);
    const uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    uint64_t draw = rng();
    while (draw >= limit) draw = rng();
    std::swap(all[static_cast<size_t>(i)], all[static_cast<size_t>(i + static_cast<int64_t>(draw % span))]);
  }
  all.resize(static_cast<size_t>(count));
  std::sort(all.begin(), all.end());
  return all;
}

Result<std::shared_ptr<arrow::Table>> TakeRows(const std::shared_ptr<arrow::Table>& table,
                                               const std::vector<int64_t>& rows) {
  if (static_cast<int64_t>(rows.size()) == table->num_rows()) return table;
  arrow::Int64Builder builder(engine::DataMemoryPool());
  if (!builder.AppendValues(rows).ok()) return Status::Internal("cannot build the row sample");
  auto indices = builder.Finish();
  if (!indices.ok()) return Status::Internal("cannot build the row sample");
  auto taken = arrow::compute::Take(table, *indices);
  if (!taken.ok()) return Status::Internal("cannot sample rows: " + taken.status().ToString());
  return taken->table();
}

}  // namespace

Result<nlohmann::json> RunShapJob(const job_specs::ShapSpec& spec, const WorkerContext& context) {
  const auto started = std::chrono::steady_clock::now();
  DATAML_ASSIGN_OR_RETURN(engine::FileSet paths, StoredFiles(context, spec.parquet_keys));
  const std::string& model_key = spec.model_key;
  const std::string& preprocess_key = spec.preprocess_key;
  const int64_t sample_rows = spec.sample_rows;  // positive: the codec checks it
  const uint64_t seed = spec.seed;

  DATAML_ASSIGN_OR_RETURN(std::string model_json, context.store.Read(model_key));
  DATAML_ASSIGN_OR_RETURN(auto model, engine::ml::TreeEnsemble::FromXGBoostJson(model_json));
  DATAML_ASSIGN_OR_RETURN(std::string preprocess_text, context.store.Read(preprocess_key));
  DATAML_ASSIGN_OR_RETURN(auto preprocess, engine::ml::Preprocess::FromJson(
                                               nlohmann::json::parse(preprocess_text, nullptr, false)));
  if (static_cast<size_t>(model.num_features()) != preprocess.feature_names().size()) {
    return Status::InvalidArgument("the model and its preprocess disagree on the number of features");
  }

  std::vector<std::string> columns;
  for (const auto& input : preprocess.inputs()) columns.push_back(input.name);
  DATAML_ASSIGN_OR_RETURN(auto table, engine::ml::ReadTrainingTable(paths, columns));
  DATAML_ASSIGN_OR_RETURN(auto sample, TakeRows(table, SampleRows(table->num_rows(), sample_rows, seed)));
  DATAML_ASSIGN_OR_RETURN(engine::ml::FeatureMatrix x, preprocess.Transform(*sample));

  // In blocks of rows: the contributions of a whole sample (rows x classes x features) could
  // take gigabytes; a block's are summed and dropped.
  const auto shap_started = std::chrono::steady_clock::now();
  const size_t groups = static_cast<size_t>(model.num_groups());
  std::vector<double> per_feature(x.cols, 0.0);
  std::vector<size_t> block;
  for (size_t first = 0; first < x.rows; first += kShapBlockRows) {
    block.clear();
    for (size_t r = first; r < std::min(x.rows, first + kShapBlockRows); ++r) block.push_back(r);
    DATAML_ASSIGN_OR_RETURN(std::vector<float> contributions,
                            engine::ml::ShapContributions(model, x.Take(block)));
    std::vector<double> block_means = engine::ml::MeanAbsContributions(contributions, block.size(), groups, x.cols);
    for (size_t f = 0; f < x.cols; ++f) per_feature[f] += block_means[f] * static_cast<double>(block.size());
  }
  for (double& v : per_feature) v /= static_cast<double>(std::max<size_t>(1, x.rows));
  const double shap_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - shap_started).count();

  // One-hot and derived features summed back to the column they came from.
  std::map<std::string, double> per_column;
  for (const auto& input : preprocess.inputs()) per_column[input.name] = 0.0;
  nlohmann::json by_feature = nlohmann::json::object();
  for (size_t f = 0; f < per_feature.size(); ++f) {
    per_column[preprocess.feature_sources()[f]] += per_feature[f];
    by_feature[preprocess.feature_names()[f]] = per_feature[f];
  }
  // (JSON objects carry no order here; the server ranks them when it answers.)
  return nlohmann::json{
      {"feature_importance", per_column},
      {"feature_importance_by_feature", std::move(by_feature)},
      {"method", "TreeSHAP, mean |SHAP| per input column"},
      {"sample_rows", x.rows},
      {"dataset_rows", table->num_rows()},
      {"seed", seed},
      {"timings", {{"shap_seconds", shap_seconds},
                   {"total_seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}}}};
}

}  // namespace dataml::worker

#include "worker/train_job.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <thread>

#include "engine/ml/rabit_tracker.h"
#include "engine/ml/training_pipeline.h"
#include "engine/ml/training_table.h"
#include "engine/ml/xgboost_api.h"
#include "worker/forecast_train_job.h"
#include "worker/job_client.h"

namespace dataml::worker {
namespace {

using engine::ml::InputColumn;

Result<InputColumn> ToInputColumn(const job_specs::Column& c) {
  InputColumn column;
  column.name = c.name;
  auto type = engine::ParseDataTypeName(c.data_type);
  if (!type) return Status::InvalidArgument("column '" + column.name + "' has an unknown data type");
  column.type = *type;
  return column;
}

Result<engine::ml::TrainingRequest> ToRequest(const job_specs::TrainSpec& spec) {
  engine::ml::TrainingRequest request;
  request.problem = spec.problem_type;
  const std::string& algorithm = spec.algorithm;
  if (algorithm != "auto") {
    request.algorithm = engine::ml::ParseAlgorithm(algorithm);
    if (!request.algorithm) return Status::InvalidArgument("unknown algorithm '" + algorithm + "'");
  }
  DATAML_ASSIGN_OR_RETURN(request.hyperparameters,
                          engine::ml::Hyperparameters::FromJson(spec.hyperparameters));
  for (const job_specs::Column& f : spec.features) {
    DATAML_ASSIGN_OR_RETURN(InputColumn column, ToInputColumn(f));
    request.features.push_back(std::move(column));
  }
  DATAML_ASSIGN_OR_RETURN(request.target, ToInputColumn(spec.target));
  return request;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// How long the workers of one training have to find each other: every rank is a job of its own
// that a cluster may start late (a busy node, an image to pull).
constexpr std::chrono::seconds kJoinTimeout{180};
constexpr std::chrono::milliseconds kRendezvousPoll{500};
// Once rank 0 has trained, every rank leaves the collective at once; this is a bound, not a wait.
constexpr std::chrono::seconds kLeaveTimeout{60};

// This worker's place in a training on several: rank 0 runs the tracker and posts where it
// listens; the others wait for that. Then every rank joins XGBoost's collective.
struct Distributed {
  std::unique_ptr<engine::ml::RabitTracker> tracker;  // rank 0's
  std::unique_ptr<engine::ml::Collective> collective;
};

Result<Distributed> JoinTraining(int world, const WorkerContext& context) {
  if (context.client == nullptr) return Status::Internal("a distributed training needs the job protocol");
  Distributed out;
  std::pair<std::string, uint16_t> tracker;
  if (context.rank == 0) {
    DATAML_ASSIGN_OR_RETURN(out.tracker, engine::ml::RabitTracker::Start(world, "0.0.0.0", kJoinTimeout));
    DATAML_ASSIGN_OR_RETURN(std::string host, context.client->LocalAddress());
    tracker = {host, out.tracker->port()};
    DATAML_RETURN_NOT_OK(context.client->PostRendezvous(tracker.first, tracker.second));
    spdlog::info("rank 0: tracker for {} workers at {}:{}", world, tracker.first, tracker.second);
  } else {
    const auto deadline = std::chrono::steady_clock::now() + kJoinTimeout;
    while (true) {
      auto found = context.client->FetchRendezvous();
      if (found.ok()) {
        tracker = *found;
        break;
      }
      if (found.status().code() != StatusCode::kNotFound) return found.status();
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::Unavailable("rank 0 did not post where its tracker listens within " +
                                   std::to_string(kJoinTimeout.count()) + " s");
      }
      std::this_thread::sleep_for(kRendezvousPoll);
    }
  }
  auto joined = engine::ml::Collective::Join(engine::ml::RabitWorkerConfig(tracker.first, tracker.second, context.rank));
  if (!joined.ok()) {
    // Rank 0's tracker knows why better (workers that never came): its word first.
    if (out.tracker) {
      out.tracker->Stop();
      Status why = out.tracker->Wait();
      if (!why.ok() && why.code() != StatusCode::kFailedPrecondition) return why;
    }
    return joined.status();
  }
  out.collective = std::move(joined).ValueOrDie();
  return out;
}

}  // namespace

Result<nlohmann::json> RunTrainJob(const job_specs::TrainSpec& spec, const WorkerContext& context) {
  if (spec.problem_type == ProblemType::kForecast) return RunForecastTrainJob(spec, context);
  const auto started = std::chrono::steady_clock::now();
  DATAML_ASSIGN_OR_RETURN(engine::ml::TrainingRequest request, ToRequest(spec));
  DATAML_ASSIGN_OR_RETURN(engine::FileSet paths, StoredFiles(context, spec.parquet_keys));
  const std::string& model_key = spec.model_key;
  const std::string& preprocess_key = spec.preprocess_key;
  const std::optional<std::string>& base_model_key = spec.base_model_key;

  // Incremental: the base model and the preprocess it was trained with, reused as they are.
  std::string base_model;
  engine::ml::Preprocess base_preprocess;
  if (base_model_key) {
    DATAML_ASSIGN_OR_RETURN(base_model, context.store.Read(*base_model_key));
    DATAML_ASSIGN_OR_RETURN(std::string text, context.store.Read(preprocess_key));
    auto json = nlohmann::json::parse(text, nullptr, false);
    DATAML_ASSIGN_OR_RETURN(base_preprocess, engine::ml::Preprocess::FromJson(json));
    request.base_model = &base_model;
    request.base_preprocess = &base_preprocess;
  }

  std::vector<std::string> columns;
  for (const InputColumn& f : request.features) columns.push_back(f.name);
  columns.push_back(request.target.name);
  // Each worker of a distributed training reads its own shard of the rows.
  const engine::ml::RowShard shard{spec.num_workers > 1 ? context.rank : 0, spec.num_workers};
  DATAML_ASSIGN_OR_RETURN(auto table, engine::ml::ReadTrainingTable(paths, columns, shard));
  const double read_seconds = SecondsSince(started);

  Distributed distributed;
  if (spec.num_workers > 1) {
    const auto join_started = std::chrono::steady_clock::now();
    DATAML_ASSIGN_OR_RETURN(distributed, JoinTraining(spec.num_workers, context));
    request.group = distributed.collective.get();
    spdlog::info("rank {} of {} joined the training in {:.2f} s; it holds {} rows", context.rank, spec.num_workers,
                 SecondsSince(join_started), table->num_rows());
  }
  auto trained = engine::ml::RunTraining(*table, request);
  request.group = nullptr;
  distributed.collective.reset();  // leaves the collective: the tracker counts every rank out
  if (distributed.tracker) {
    if (!trained.ok()) {
      // The others may wait in a collective step for this rank: its failure is reported now, and
      // the backend stops them once it sees rank 0 gone.
      distributed.tracker->Stop();
    } else {
      // The model is whole; a rank slow to say goodbye is logged, not fatal.
      Status tracked = distributed.tracker->WaitFor(kLeaveTimeout);
      if (!tracked.ok()) spdlog::warn("rank 0: {}", tracked.message());
    }
  }
  DATAML_ASSIGN_OR_RETURN(engine::ml::TrainingOutcome outcome, std::move(trained));
  if (context.rank > 0) return nlohmann::json::object();  // rank 0 saves the model and reports
  DATAML_RETURN_NOT_OK(context.store.Write(model_key, outcome.model_json));
  if (!base_model_key) {
    DATAML_RETURN_NOT_OK(context.store.Write(preprocess_key, outcome.preprocess.ToJson().dump()));
  }
  nlohmann::json summary = std::move(outcome.summary);
  summary["timings"]["read_seconds"] = read_seconds;
  summary["timings"]["total_seconds"] = SecondsSince(started);
  // The document's result shape (metrics, checkpoint, path, error) with our summary beside it.
  return nlohmann::json{{"metrics", summary["metrics"]},
                        {"checkpoint", model_key},
                        {"path", model_key},
                        {"error", nullptr},
                        {"model_key", model_key},
                        {"preprocess_key", preprocess_key},
                        {"feature_names", outcome.preprocess.feature_names()},
                        {"summary", std::move(summary)}};
}

}  // namespace dataml::worker

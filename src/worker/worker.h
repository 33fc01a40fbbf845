// `dataml worker --job <id>`: runs one job away from the server. It fetches the job's spec with
// the job token, runs the job's kind and posts the outcome; it never opens the metadata DB.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "core/result.h"
#include "engine/data/file_set.h"
#include "job_specs/job_specs.h"
#include "storage/blob_store.h"

namespace dataml::worker {

class JobClient;

// What a kind may use besides its payload.
struct WorkerContext {
  const storage::BlobStore& store;
  // A job on several workers (a distributed training): this one's rank, and the job protocol,
  // through which they meet.
  int rank = 0;
  const JobClient* client = nullptr;
};

// The stored files behind a spec's keys, for the engines to read.
Result<engine::FileSet> StoredFiles(const WorkerContext& context, const std::vector<std::string>& keys);

// Runs a job's payload; the JSON becomes the job's result, a Status its error.
using JobKind = std::function<Result<nlohmann::json>(const nlohmann::json& payload,
                                                     const WorkerContext& context)>;

class JobKinds {
 public:
  void Register(std::string kind, JobKind run) { kinds_[std::move(kind)] = std::move(run); }
  // A kind with a typed spec (job_specs.h): the payload is decoded first, and one that does not
  // decode is the job's error.
  template <typename Spec>
  void Register(Result<nlohmann::json> (*run)(const Spec&, const WorkerContext&)) {
    Register(Spec::kKind, [run](const nlohmann::json& payload, const WorkerContext& context) -> Result<nlohmann::json> {
      DATAML_ASSIGN_OR_RETURN(Spec spec, job_specs::Decode<Spec>(payload));
      return run(spec, context);
    });
  }
  // nullptr for a kind nobody registered.
  const JobKind* Find(const std::string& kind) const;

 private:
  std::map<std::string, JobKind> kinds_;
};

// Every kind this build can run ("statistics", ...).
JobKinds DefaultJobKinds();

struct WorkerOptions {
  int64_t job_id = 0;
  std::string server_url;
  std::string data_dir;
  std::string token;
  int rank = 0;  // of a job on several workers: rank 0 reports, the others only fail it
  // How long a worker whose job is back in the queue waits for it to run again.
  std::chrono::milliseconds requeued_wait{std::chrono::minutes(3)};
};

// Runs the job; 0 once its outcome (success or failure) was reported, 1 if it could not be. A
// rank above 0 reports only a failure (and then exits 1, so that its backend stops the others).
int RunWorker(const WorkerOptions& options, const JobKinds& kinds);
// RunWorker with the token from DATAML_JOB_TOKEN and the default kinds.
int WorkerMain(int64_t job_id, const std::string& server_url, const std::string& data_dir, int rank = 0);

}  // namespace dataml::worker

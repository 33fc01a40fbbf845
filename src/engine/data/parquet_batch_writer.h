// Writes record batches to a Parquet file on a thread of its own, so that encoding and
// compression overlap with the CSV parsing and validation that produce the batches.
#pragma once

#include <arrow/api.h>
#include <arrow/io/interfaces.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"

namespace dataml::engine {

class ParquetBatchWriter {
 public:
  // Writes `schema`'s Parquet to `sink` (closed by Finish); at most `queue_capacity` batches wait
  // in memory.
  static Result<std::unique_ptr<ParquetBatchWriter>> Open(std::shared_ptr<arrow::io::OutputStream> sink,
                                                          std::shared_ptr<arrow::Schema> schema,
                                                          size_t queue_capacity = 4);
  // Stops the thread; a writer not finished leaves an incomplete file for the caller to remove.
  ~ParquetBatchWriter();

  // Queues a batch; blocks while the queue is full. Returns the writer's error once it failed.
  Status Push(std::shared_ptr<arrow::RecordBatch> batch);
  // Writes what is queued, closes the file and reports the first error.
  Status Finish();

 private:
  ParquetBatchWriter() = default;
  void Run();

  std::unique_ptr<class ParquetFileHandles> files_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<arrow::RecordBatch>> queue_;
  size_t capacity_ = 4;
  static constexpr int64_t kMaxRowGroupBytes = 64 << 20;
  int64_t buffered_bytes_ = 0;  // in the open row group (writer thread only)
  bool closing_ = false;
  Status error_;
  std::thread thread_;
};

}  // namespace dataml::engine

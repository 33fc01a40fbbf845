#include "engine/data/parquet_batch_writer.h"
#include "core/arrow_status.h"
#include "engine/data/memory_pool.h"

#include <arrow/io/api.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>
#include <arrow/util/byte_size.h>

namespace dataml::engine {

class ParquetFileHandles {
 public:
  std::shared_ptr<arrow::io::OutputStream> sink;
  std::unique_ptr<parquet::arrow::FileWriter> writer;
};

namespace {


std::shared_ptr<parquet::WriterProperties> Properties(const arrow::Schema& schema) {
  // Row groups of 64k records bound the writer's buffer (a few MB for a dozen columns) whatever
  // the file size, and keep previews cheap: a page decodes only its row groups.
  parquet::WriterProperties::Builder builder;
  builder.memory_pool(DataMemoryPool())->compression(parquet::Compression::SNAPPY)->max_row_group_length(64 * 1024);
  // Dictionaries pay for repetitive strings, not for measurements: float columns are mostly
  // distinct values, and dictionary-encoding them cost ~9% of ingest time.
  for (const auto& field : schema.fields()) {
    if (field->type()->id() == arrow::Type::DOUBLE) builder.disable_dictionary(field->name());
  }
  return builder.build();
}

}  // namespace

Result<std::unique_ptr<ParquetBatchWriter>> ParquetBatchWriter::Open(std::shared_ptr<arrow::io::OutputStream> sink,
                                                                     std::shared_ptr<arrow::Schema> schema,
                                                                     size_t queue_capacity) {
  std::unique_ptr<ParquetBatchWriter> w(new ParquetBatchWriter());
  w->capacity_ = std::max<size_t>(1, queue_capacity);
  w->files_ = std::make_unique<ParquetFileHandles>();
  w->files_->sink = sink;
  auto writer = parquet::arrow::FileWriter::Open(*schema, DataMemoryPool(), std::move(sink), Properties(*schema));
  if (!writer.ok()) return FromArrow(writer.status(), "cannot write Parquet");
  w->files_->writer = std::move(*writer);
  w->thread_ = std::thread([raw = w.get()] { raw->Run(); });
  return w;
}

ParquetBatchWriter::~ParquetBatchWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ParquetBatchWriter::Run() {
  for (;;) {
    std::shared_ptr<arrow::RecordBatch> batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing with nothing left
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    changed_.notify_all();
    // Rows of a row group stay buffered until it closes: bound it by bytes as well as by rows,
    // so that very wide records (long text cells) keep memory flat too.
    int64_t bytes = arrow::util::TotalBufferSize(*batch);
    Status written = Status::OK();
    if (buffered_bytes_ > 0 && buffered_bytes_ + bytes > kMaxRowGroupBytes) {
      written = FromArrow(files_->writer->NewBufferedRowGroup(), "cannot write Parquet");
      buffered_bytes_ = 0;
    }
    if (written.ok()) written = FromArrow(files_->writer->WriteRecordBatch(*batch), "cannot write Parquet");
    buffered_bytes_ += bytes;
    if (!written.ok()) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = written;
      closing_ = true;
      queue_.clear();
      changed_.notify_all();
      return;
    }
  }
}

Status ParquetBatchWriter::Push(std::shared_ptr<arrow::RecordBatch> batch) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < capacity_ || !error_.ok() || closing_; });
  if (!error_.ok()) return error_;
  if (closing_) return Status::Internal("Parquet writer is closed");
  queue_.push_back(std::move(batch));
  changed_.notify_all();
  return Status::OK();
}

Status ParquetBatchWriter::Finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!error_.ok()) return error_;
  DATAML_RETURN_NOT_OK(FromArrow(files_->writer->Close(), "cannot finish Parquet"));
  return FromArrow(files_->sink->Close(), "cannot close Parquet");
}

}  // namespace dataml::engine

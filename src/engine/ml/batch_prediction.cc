#include "engine/ml/batch_prediction.h"

#include <arrow/api.h>
#include <arrow/io/api.h>
#include <parquet/arrow/reader.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>

#include "core/arrow_status.h"
#include "engine/data/memory_pool.h"
#include "engine/data/parquet_rows.h"

namespace dataml::engine::ml {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }


// RFC 4180: quoted only when it must be.
void AppendField(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

template <typename T>
void AppendNumber(std::string& out, T value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, ec == std::errc() ? end : buf);
}

// An Id cell as the dataset's preview shows it; empty when null.
void AppendCell(std::string& out, const arrow::Array& array, int64_t i) {
  if (array.IsNull(i)) return;
  switch (array.type_id()) {
    case arrow::Type::INT64: return AppendNumber(out, static_cast<const arrow::Int64Array&>(array).Value(i));
    case arrow::Type::DOUBLE: return AppendNumber(out, static_cast<const arrow::DoubleArray&>(array).Value(i));
    case arrow::Type::BOOL:
      out.append(static_cast<const arrow::BooleanArray&>(array).Value(i) ? "true" : "false");
      return;
    case arrow::Type::STRING: return AppendField(out, static_cast<const arrow::StringArray&>(array).GetView(i));
    case arrow::Type::DATE32: out.append(FormatDate(static_cast<const arrow::Date32Array&>(array).Value(i))); return;
    case arrow::Type::TIMESTAMP:
      out.append(FormatTimestampMicros(static_cast<const arrow::TimestampArray&>(array).Value(i)));
      return;
    default: {
      auto scalar = array.GetScalar(i);
      if (scalar.ok()) AppendField(out, (*scalar)->ToString());
    }
  }
}

class Scorer {
 public:
  explicit Scorer(bool classification) : classification_(classification) {}

  // `labels`: class indices (-1 for a class the model never saw) or values; NaN when missing.
  void Add(const std::vector<float>& labels, const std::vector<size_t>& predicted_class,
           const std::vector<float>& predicted_value) {
    for (size_t r = 0; r < labels.size(); ++r) {
      if (std::isnan(labels[r])) continue;
      ++scored_;
      if (classification_) {
        correct_ += labels[r] >= 0 && static_cast<size_t>(labels[r]) == predicted_class[r];
      } else {
        const double error = static_cast<double>(predicted_value[r]) - labels[r];
        squared_error_ += error * error;
      }
    }
  }

  void Finish(BatchPredictionSummary& summary) const {
    summary.scored_rows = scored_;
    if (scored_ == 0) return;
    if (classification_) {
      summary.accuracy = static_cast<double>(correct_) / static_cast<double>(scored_);
    } else {
      summary.rmse = std::sqrt(squared_error_ / static_cast<double>(scored_));
    }
  }

 private:
  bool classification_;
  int64_t scored_ = 0;
  int64_t correct_ = 0;
  double squared_error_ = 0;
};

// The results stream, with the one error message a full disk or a lost store gives.
Status WriteResults(arrow::io::OutputStream& out, const std::string& bytes) {
  if (!out.Write(bytes.data(), static_cast<int64_t>(bytes.size())).ok()) {
    return Status::Internal("cannot write the results file (disk full?)");
  }
  return Status::OK();
}

}  // namespace

std::vector<std::string> BatchResultHeader(const Predictor& model, const std::optional<std::string>& id_column) {
  std::vector<std::string> header;
  if (id_column) header.push_back(*id_column);
  header.push_back("prediction");
  if (model.problem_type() == ProblemType::kClassification) {
    for (const std::string& label : model.classes()) header.push_back("probability_" + label);
  }
  return header;
}

Result<BatchPredictionSummary> PredictBatch(const Predictor& model, const FileSet& inputs,
                                            const BatchPredictionOptions& options, arrow::io::OutputStream& out) {
  if (model.problem_type() == ProblemType::kForecast)
    return Status::InvalidArgument("a Forecast model answers forecasts, not batches of rows");
  const bool classification = model.problem_type() == ProblemType::kClassification;
  const std::vector<std::string>& classes = model.classes();
  const size_t width = model.OutputWidth();
  const unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());

  std::vector<std::string> columns;
  for (const InputColumn& input : model.inputs()) columns.push_back(input.name);
  if (options.id_column) columns.push_back(*options.id_column);
  if (options.score) columns.push_back(model.target().name);

  std::string text;
  for (const std::string& name : BatchResultHeader(model, options.id_column)) {
    if (!text.empty()) text.push_back(',');
    AppendField(text, name);
  }
  text.push_back('\n');

  BatchPredictionSummary summary;
  Scorer scorer(classification);
  for (const std::string& path : inputs.paths) {
    auto read_started = Clock::now();
    DATAML_ASSIGN_OR_RETURN(auto file, OpenFile({inputs.fs, path}));
    auto opened = parquet::arrow::OpenFile(file, DataMemoryPool());
    DATAML_RETURN_NOT_OK(FromArrow(opened.status(), "cannot read a validated file"));
    std::unique_ptr<parquet::arrow::FileReader> reader = std::move(*opened);
    reader->set_batch_size(options.batch_rows);
    std::shared_ptr<arrow::Schema> schema;
    DATAML_RETURN_NOT_OK(FromArrow(reader->GetSchema(&schema), "cannot read a validated file"));
    std::vector<int> indices;
    for (const std::string& name : columns) {
      const int index = schema->GetFieldIndex(name);
      if (index < 0) return Status::InvalidArgument("the data has no column '" + name + "'");
      indices.push_back(index);
    }
    std::vector<int> row_groups(static_cast<size_t>(reader->num_row_groups()));
    for (size_t g = 0; g < row_groups.size(); ++g) row_groups[g] = static_cast<int>(g);
    auto batches = reader->GetRecordBatchReader(row_groups, indices);
    DATAML_RETURN_NOT_OK(FromArrow(batches.status(), "cannot read a validated file"));
    summary.read_seconds += Since(read_started);

    while (true) {
      read_started = Clock::now();
      std::shared_ptr<arrow::RecordBatch> batch;
      DATAML_RETURN_NOT_OK(FromArrow((*batches)->ReadNext(&batch), "cannot read a validated file"));
      if (batch == nullptr) break;
      auto table = arrow::Table::FromRecordBatches({batch});
      DATAML_RETURN_NOT_OK(FromArrow(table.status(), "cannot read a validated file"));
      summary.read_seconds += Since(read_started);

      TableTimings timings;
      DATAML_ASSIGN_OR_RETURN(const std::vector<float> values, model.PredictTable(**table, threads, &timings));
      summary.transform_seconds += timings.transform_seconds;
      const auto predict_started = Clock::now();
      const size_t rows = static_cast<size_t>(batch->num_rows());
      // The predicted class: argmax of the probabilities (ties to the first), as real time does.
      std::vector<size_t> predicted_class(classification ? rows : 0);
      for (size_t r = 0; r < predicted_class.size(); ++r) {
        const float* v = values.data() + r * width;
        predicted_class[r] = static_cast<size_t>(std::max_element(v, v + width) - v);
      }
      if (options.score) {
        DATAML_ASSIGN_OR_RETURN(std::vector<float> labels, model.EncodeTarget(**table, -1.0f));
        scorer.Add(labels, predicted_class, values);
      }
      summary.predict_seconds += timings.predict_seconds + Since(predict_started);

      const auto write_started = Clock::now();
      const int id_index = static_cast<int>(model.inputs().size());  // columns: inputs, id, target
      const arrow::Array* ids = options.id_column ? batch->column(id_index).get() : nullptr;
      text.reserve(text.size() + rows * (16 + 12 * (classes.size() + 1)));
      for (size_t r = 0; r < rows; ++r) {
        if (ids != nullptr) {
          AppendCell(text, *ids, static_cast<int64_t>(r));
          text.push_back(',');
        }
        const float* v = values.data() + r * width;
        if (!classification) {
          AppendNumber(text, v[0]);
        } else {
          AppendField(text, classes[predicted_class[r]]);
          for (size_t c = 0; c < width; ++c) {
            text.push_back(',');
            AppendNumber(text, v[c]);
          }
        }
        text.push_back('\n');
      }
      DATAML_RETURN_NOT_OK(WriteResults(out, text));
      text.clear();
      summary.rows += static_cast<int64_t>(rows);
      summary.write_seconds += Since(write_started);
    }
  }
  if (!text.empty()) DATAML_RETURN_NOT_OK(WriteResults(out, text));  // the header of an empty result
  if (!out.Close().ok()) return Status::Internal("cannot write the results file (disk full?)");
  scorer.Finish(summary);
  return summary;
}

}  // namespace dataml::engine::ml

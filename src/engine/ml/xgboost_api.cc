#include "engine/ml/xgboost_api.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace dataml::engine::ml {
namespace {

Status Check(int rc, const char* what) {
  if (rc == 0) return Status::OK();
  return Status::Internal(std::string("XGBoost ") + what + ": " + XGBGetLastError());
}

}  // namespace

std::string XGBoostVersionString() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

Result<DMatrix> DMatrix::FromDense(const FeatureMatrix& x, const std::vector<float>& labels,
                                   const std::vector<float>& weights) {
  DMatrixHandle raw = nullptr;
  // An empty float array still needs a valid pointer.
  static const float kEmpty = 0;
  const float* data = x.values.empty() ? &kEmpty : x.values.data();
  DATAML_RETURN_NOT_OK(Check(
      XGDMatrixCreateFromMat(data, x.rows, x.cols, kMissing, &raw), "cannot build a DMatrix"));
  DMatrix out;
  out.handle_.reset(raw);
  out.rows_ = x.rows;
  if (!labels.empty()) {
    DATAML_RETURN_NOT_OK(Check(XGDMatrixSetFloatInfo(raw, "label", labels.data(), labels.size()),
                               "cannot set labels"));
  }
  if (!weights.empty()) {
    DATAML_RETURN_NOT_OK(Check(
        XGDMatrixSetFloatInfo(raw, "weight", weights.data(), weights.size()), "cannot set weights"));
  }
  return out;
}

Result<Booster> Booster::Create(const std::vector<const DMatrix*>& cache) {
  std::vector<DMatrixHandle> handles;
  for (const DMatrix* m : cache) handles.push_back(m->get());
  BoosterHandle raw = nullptr;
  DATAML_RETURN_NOT_OK(Check(XGBoosterCreate(handles.data(), handles.size(), &raw),
                             "cannot create a booster"));
  Booster out;
  out.handle_.reset(raw);
  return out;
}

Result<Booster> Booster::Load(const std::string& bytes) {
  BoosterHandle raw = nullptr;
  DATAML_RETURN_NOT_OK(Check(XGBoosterCreate(nullptr, 0, &raw), "cannot create a booster"));
  Booster out;
  out.handle_.reset(raw);
  DATAML_RETURN_NOT_OK(Check(XGBoosterLoadModelFromBuffer(raw, bytes.data(), bytes.size()),
                             "cannot load the model"));
  return out;
}

Status Booster::SetParam(const std::string& name, const std::string& value) {
  return Check(XGBoosterSetParam(get(), name.c_str(), value.c_str()),
               ("rejects parameter " + name + "=" + value).c_str());
}

Status Booster::SetParams(const std::map<std::string, std::string>& params) {
  for (const auto& [name, value] : params) DATAML_RETURN_NOT_OK(SetParam(name, value));
  return Status::OK();
}

Status Booster::UpdateOneIter(int iteration, const DMatrix& train) {
  return Check(XGBoosterUpdateOneIter(get(), iteration, train.get()), "training round failed");
}

Result<std::string> Booster::EvalOneIter(int iteration, const std::vector<const DMatrix*>& sets,
                                         const std::vector<std::string>& names) {
  std::vector<DMatrixHandle> handles;
  std::vector<const char*> name_ptrs;
  for (const DMatrix* m : sets) handles.push_back(m->get());
  for (const std::string& n : names) name_ptrs.push_back(n.c_str());
  const char* out = nullptr;
  DATAML_RETURN_NOT_OK(Check(XGBoosterEvalOneIter(get(), iteration, handles.data(),
                                                  name_ptrs.data(), handles.size(), &out),
                             "evaluation failed"));
  return std::string(out);
}

Result<Booster::Prediction> Booster::Predict(const DMatrix& data, int type, int iteration_end,
                                             bool strict_shape) const {
  nlohmann::json config = {{"type", type},
                           {"training", false},
                           {"iteration_begin", 0},
                           {"iteration_end", iteration_end},
                           {"strict_shape", strict_shape}};
  const std::string config_text = config.dump();
  const uint64_t* shape = nullptr;
  uint64_t dim = 0;
  const float* result = nullptr;
  DATAML_RETURN_NOT_OK(Check(XGBoosterPredictFromDMatrix(get(), data.get(), config_text.c_str(),
                                                         &shape, &dim, &result),
                             "prediction failed"));
  Prediction out;
  out.shape.assign(shape, shape + dim);
  size_t n = 1;
  for (uint64_t s : out.shape) n *= s;
  out.values.assign(result, result + n);
  return out;
}

Result<std::string> Booster::SaveJson() const {
  bst_ulong len = 0;
  const char* bytes = nullptr;
  DATAML_RETURN_NOT_OK(Check(XGBoosterSaveModelToBuffer(get(), R"({"format": "json"})", &len, &bytes),
                             "cannot save the model"));
  return std::string(bytes, len);
}

Result<int> Booster::BoostedRounds() const {
  int rounds = 0;
  DATAML_RETURN_NOT_OK(Check(XGBoosterBoostedRounds(get(), &rounds), "cannot count rounds"));
  return rounds;
}

Result<uint64_t> Booster::NumFeatures() const {
  bst_ulong n = 0;
  DATAML_RETURN_NOT_OK(Check(XGBoosterGetNumFeature(get(), &n), "cannot count features"));
  return static_cast<uint64_t>(n);
}

Result<std::string> Booster::SaveConfig() const {
  bst_ulong len = 0;
  const char* text = nullptr;
  DATAML_RETURN_NOT_OK(Check(XGBoosterSaveJsonConfig(get(), &len, &text), "cannot save config"));
  return std::string(text, len);
}

Result<std::unique_ptr<Collective>> Collective::Join(const nlohmann::json& config) {
  DATAML_RETURN_NOT_OK(Check(XGCommunicatorInit(config.dump().c_str()), "cannot join the distributed training"));
  return std::unique_ptr<Collective>(new Collective());
}

Collective::~Collective() {
  if (XGCommunicatorFinalize() != 0) {
    // Nothing to return it to: the training's outcome was decided before.
    std::fprintf(stderr, "XGBoost: leaving the distributed training: %s\n", XGBGetLastError());
  }
}

int Collective::rank() const { return XGCommunicatorGetRank(); }
int Collective::size() const { return XGCommunicatorGetWorldSize(); }

// xgboost::collective::DataType and Operation of 1.7's communicator.h.
constexpr int kInt64 = 4;
constexpr int kDouble = 7;
constexpr int kSum = 2;

Status Collective::Sum(std::vector<int64_t>& values) {
  if (values.empty()) return Status::OK();
  return Check(XGCommunicatorAllreduce(values.data(), values.size(), kInt64, kSum), "allreduce");
}

Status Collective::Sum(std::vector<double>& values) {
  if (values.empty()) return Status::OK();
  return Check(XGCommunicatorAllreduce(values.data(), values.size(), kDouble, kSum), "allreduce");
}

Result<std::vector<std::string>> Collective::AllGather(const std::string& mine) {
  // Every size first (one sum), then each worker's bytes broadcast from it in turn.
  const int n = size(), me = rank();
  std::vector<int64_t> sizes(static_cast<size_t>(n), 0);
  sizes[static_cast<size_t>(me)] = static_cast<int64_t>(mine.size());
  DATAML_RETURN_NOT_OK(Sum(sizes));
  std::vector<std::string> out(static_cast<size_t>(n));
  for (int root = 0; root < n; ++root) {
    std::string& bytes = out[static_cast<size_t>(root)];
    bytes = root == me ? mine : std::string(static_cast<size_t>(sizes[static_cast<size_t>(root)]), '\0');
    if (bytes.empty()) continue;  // skipped by every worker alike: they all know the size
    DATAML_RETURN_NOT_OK(Check(XGCommunicatorBroadcast(bytes.data(), bytes.size(), root), "broadcast"));
  }
  return out;
}

}  // namespace dataml::engine::ml

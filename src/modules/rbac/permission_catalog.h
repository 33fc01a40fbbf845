// The permissions that endpoints check, and which built-in role holds which. Every tenant
// gets these as built-in permissions and roles when it is created.
#pragma once

#include <string>
#include <vector>

namespace dataml::rbac {

namespace perm {
inline constexpr const char* kViewUsers = "can_view_users";
inline constexpr const char* kManageUsers = "can_manage_users";
inline constexpr const char* kViewRoles = "can_view_roles";
inline constexpr const char* kManageRoles = "can_manage_roles";
inline constexpr const char* kViewTemplates = "can_view_templates";
inline constexpr const char* kCreateTemplate = "can_create_template";
inline constexpr const char* kUpdateTemplate = "can_update_template";
inline constexpr const char* kDeleteTemplate = "can_delete_template";
inline constexpr const char* kViewDatasets = "can_view_datasets";
inline constexpr const char* kUploadDataset = "can_upload_dataset";
inline constexpr const char* kDeleteDataset = "can_delete_dataset";
inline constexpr const char* kGenerateStatistics = "can_generate_statistics";
inline constexpr const char* kViewFiles = "can_view_files";
inline constexpr const char* kAddFiles = "can_add_files";
inline constexpr const char* kDeleteFiles = "can_delete_files";
inline constexpr const char* kDownloadFiles = "can_download_files";
inline constexpr const char* kViewModels = "can_view_models";
inline constexpr const char* kTrainModels = "can_train_models";
inline constexpr const char* kDeleteModels = "can_delete_models";
inline constexpr const char* kGenerateFeatureImportance = "can_generate_feature_importance";
inline constexpr const char* kRunInference = "can_run_inference";
inline constexpr const char* kRunBatchPrediction = "can_run_batch_prediction";
inline constexpr const char* kViewPredictions = "can_view_predictions";
inline constexpr const char* kViewDatalake = "can_view_datalake";
inline constexpr const char* kTerminateJobs = "can_terminate_jobs";
}  // namespace perm

namespace role {
inline constexpr const char* kAdmin = "admin";
inline constexpr const char* kDataScientist = "data_scientist";
inline constexpr const char* kViewer = "viewer";
}  // namespace role

struct CatalogPermission {
  std::string name;
  std::string description;
  bool data_scientist = false;  // the admin role holds every permission
  bool viewer = false;
};

const std::vector<CatalogPermission>& PermissionCatalog();
bool IsBuiltinRoleName(const std::string& name);

}  // namespace dataml::rbac

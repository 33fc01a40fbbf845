#include "modules/rbac/permission_catalog.h"

namespace dataml::rbac {

const std::vector<CatalogPermission>& PermissionCatalog() {
  // name, description, data_scientist, viewer
  static const std::vector<CatalogPermission> kCatalog = {
      {perm::kViewUsers, "List and read users of the tenant", true, true},
      {perm::kManageUsers, "Create, update, deactivate users and reset their passwords", false, false},
      {perm::kViewRoles, "List roles and permissions", true, true},
      {perm::kManageRoles, "Create roles and permissions, grant, revoke and assign them", false, false},
      {perm::kViewTemplates, "List and read templates", true, true},
      {perm::kCreateTemplate, "Create templates", true, false},
      {perm::kUpdateTemplate, "Update templates", true, false},
      {perm::kDeleteTemplate, "Delete templates", true, false},
      {perm::kViewDatasets, "List, read and preview datasets", true, true},
      {perm::kUploadDataset, "Upload datasets", true, false},
      {perm::kDeleteDataset, "Delete datasets", true, false},
      {perm::kGenerateStatistics, "Start dataset statistics jobs", true, false},
      {perm::kViewFiles, "List, read and preview dataset files", true, true},
      {perm::kAddFiles, "Add files to datasets", true, false},
      {perm::kDeleteFiles, "Delete dataset files", true, false},
      {perm::kDownloadFiles, "Download dataset files", true, false},
      {perm::kViewModels, "List and read predictors, their summaries and explanations", true, true},
      {perm::kTrainModels, "Create and update predictors (training jobs)", true, false},
      {perm::kDeleteModels, "Delete predictors and their explanations", true, false},
      {perm::kGenerateFeatureImportance, "Start SHAP feature-importance jobs", true, false},
      {perm::kRunInference, "Real-time and form-based predictions and forecasts", true, false},
      {perm::kRunBatchPrediction, "Start batch predictions", true, false},
      {perm::kViewPredictions, "List predictions and read their results", true, true},
      {perm::kViewDatalake, "Inspect datalake schemas, tables and statistics", true, true},
      {perm::kTerminateJobs, "Terminate running jobs", true, false},
  };
  return kCatalog;
}

bool IsBuiltinRoleName(const std::string& name) {
  return name == role::kAdmin || name == role::kDataScientist || name == role::kViewer;
}

}  // namespace dataml::rbac

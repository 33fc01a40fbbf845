// The sidebar: each entry shows only to callers with its permission (superusers see all).
export interface NavItem {
  to: string;
  label: string;
  permission?: string;
}

export const NAV: NavItem[] = [
  { to: "/datasets", label: "Datasets", permission: "can_view_datasets" },
  { to: "/templates", label: "Templates", permission: "can_view_templates" },
  { to: "/training", label: "Training", permission: "can_view_models" },
  { to: "/predict", label: "Predict", permission: "can_run_inference" },
  { to: "/forecasts", label: "Forecasts", permission: "can_run_inference" },
  { to: "/lake", label: "Datalake", permission: "can_view_datalake" },
  { to: "/jobs", label: "Jobs", permission: "can_view_models" },
  { to: "/admin/users", label: "Users", permission: "can_view_users" },
  { to: "/admin/roles", label: "Roles & permissions", permission: "can_view_roles" },
];

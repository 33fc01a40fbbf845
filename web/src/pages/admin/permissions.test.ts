import { describe, expect, it } from "vitest";
import { areaOf, effectivePermissions, groupPermissions, idsByName, isLockedRole, OTHER } from "./permissions";

describe("groupPermissions", () => {
  it("groups the built-in catalogue by area in a fixed order, names sorted in each", () => {
    const names = ["can_view_datalake", "can_manage_users", "can_view_users", "can_terminate_jobs", "can_upload_dataset", "can_view_files", "can_generate_statistics", "can_run_batch_prediction", "can_view_models", "can_generate_feature_importance", "can_manage_roles", "can_create_template"];
    const groups = groupPermissions(names.map((name) => ({ name })));
    expect(groups.map((g) => g.area)).toEqual(["Users", "Roles & permissions", "Templates", "Datasets & files", "Models & training", "Predictions", "Datalake", "Jobs"]);
    expect(groups[0]!.items.map((p) => p.name)).toEqual(["can_manage_users", "can_view_users"]);
    expect(groups[3]!.items.map((p) => p.name)).toEqual(["can_generate_statistics", "can_upload_dataset", "can_view_files"]);
  });
  it("puts names it does not know under Other, last", () => {
    const groups = groupPermissions([{ name: "can_export_reports" }, { name: "can_view_users" }]);
    expect(groups.map((g) => g.area)).toEqual(["Users", OTHER]);
    expect(areaOf("can_view_predictions")).toBe("Predictions");
    expect(areaOf("can_run_inference")).toBe("Predictions");
  });
  it("keeps the items' other fields", () => {
    const [group] = groupPermissions([{ id: 3, name: "can_view_roles", description: "List roles" }]);
    expect(group!.items[0]).toEqual({ id: 3, name: "can_view_roles", description: "List roles" });
  });
});

describe("effectivePermissions", () => {
  it("is the sorted union of the roles' permissions", () => {
    expect(effectivePermissions([{ permissions: ["b", "a"] }, { permissions: ["c", "a"] }, { permissions: [] }])).toEqual(["a", "b", "c"]);
    expect(effectivePermissions([])).toEqual([]);
  });
});

describe("idsByName and isLockedRole", () => {
  it("maps catalogue names to ids", () => {
    expect(idsByName([{ id: 1, name: "a" }, { name: "no-id" }, { id: 5, name: "b" }])).toEqual(new Map([["a", 1], ["b", 5]]));
  });
  it("locks only the built-in admin role", () => {
    expect(isLockedRole({ name: "admin", is_builtin: true })).toBe(true);
    expect(isLockedRole({ name: "admin", is_builtin: false })).toBe(false);
    expect(isLockedRole({ name: "viewer", is_builtin: true })).toBe(false);
  });
});

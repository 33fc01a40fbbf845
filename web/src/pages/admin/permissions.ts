// The permission catalogue grouped by what it guards, and what a user's roles add up to.
import type { components } from "../../api/schema";

type Role = components["schemas"]["Role"];

export interface PermissionLike {
  id?: number;
  name: string;
  description?: string;
}

export interface PermissionGroup<P extends PermissionLike> {
  area: string;
  items: P[];
}

// Area by the words in the permission's name (first match wins); names no rule knows (custom
// permissions) go to "Other".
const AREAS: [string, RegExp][] = [
  ["Users", /_users?$/],
  ["Roles & permissions", /_(roles?|permissions?)$/],
  ["Templates", /_templates?$/],
  ["Datasets & files", /_(datasets?|files?|statistics)$/],
  ["Models & training", /_(models?|feature_importance|shap)$/],
  ["Predictions", /_(inference|batch_prediction|predictions?|forecasts?)$/],
  ["Datalake", /_(datalake|lake)$/],
  ["Jobs", /_jobs?$/],
];
export const OTHER = "Other";
const ORDER = [...AREAS.map(([a]) => a), OTHER];

export function areaOf(name: string): string {
  return AREAS.find(([, re]) => re.test(name))?.[0] ?? OTHER;
}

export function groupPermissions<P extends PermissionLike>(permissions: P[]): PermissionGroup<P>[] {
  const groups = new Map<string, P[]>();
  for (const p of permissions) {
    const area = areaOf(p.name);
    groups.set(area, [...(groups.get(area) ?? []), p]);
  }
  return ORDER.filter((a) => groups.has(a)).map((area) => ({
    area,
    items: [...groups.get(area)!].sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

// Every permission the roles grant, sorted, each once.
export function effectivePermissions(roles: Pick<Role, "permissions">[]): string[] {
  return [...new Set(roles.flatMap((r) => r.permissions))].sort();
}

// The ids of the catalogue's permissions by name (a role lists names; revoking takes an id).
export function idsByName(catalogue: PermissionLike[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of catalogue) if (p.id !== undefined) out.set(p.name, p.id);
  return out;
}

// The built-in admin role holds every permission and cannot be changed (the API answers 409).
export function isLockedRole(role: Pick<Role, "name" | "is_builtin">): boolean {
  return role.is_builtin && role.name === "admin";
}

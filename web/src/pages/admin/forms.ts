// The admin forms' values, the requests made from them and the API's answers mapped back onto
// their fields. The server checks every rule (names, e-mail, password strength); the forms show
// its 422 beside the field whose loc it names.
import type { components } from "../../api/schema";
import { ApiError } from "../../api/errors";

type User = components["schemas"]["User"];
export type UserCreate = components["schemas"]["UserCreate"];
export type UserUpdate = components["schemas"]["UserUpdate"];

export interface UserFormValues {
  username: string;
  email: string;
  password: string;
  first_name: string;
  last_name: string;
}

export const EMPTY_USER: UserFormValues = { username: "", email: "", password: "", first_name: "", last_name: "" };

// An empty name is "no name" (null), never an empty string.
const nameOrNull = (s: string): string | null => (s.trim() === "" ? null : s.trim());

// tenantId: the tenant a superuser acts in, or null for the caller's own ("" in the body).
export function toUserCreate(values: UserFormValues, tenantId: string | null): UserCreate {
  return {
    tenant_id: tenantId ?? "",
    username: values.username.trim(),
    email: values.email.trim(),
    password: values.password, // never trimmed: spaces may be part of it
    first_name: nameOrNull(values.first_name),
    last_name: nameOrNull(values.last_name),
  };
}

export interface ProfileValues {
  first_name: string;
  last_name: string;
  email: string;
}

export function profileOf(user: User): ProfileValues {
  return { first_name: user.first_name ?? "", last_name: user.last_name ?? "", email: user.email };
}

// PATCH carries only what changed; null when nothing did.
export function toUserUpdate(user: User, values: ProfileValues): UserUpdate | null {
  const out: UserUpdate = {};
  const first = nameOrNull(values.first_name);
  const last = nameOrNull(values.last_name);
  if (first !== (user.first_name ?? null)) out.first_name = first;
  if (last !== (user.last_name ?? null)) out.last_name = last;
  const email = values.email.trim();
  if (email.toLowerCase() !== user.email.toLowerCase()) out.email = email;
  return Object.keys(out).length === 0 ? null : out;
}

// Field name -> message for the fields a form has. The 422's loc is ["body"|"query", field, ...];
// a 409 ("A user with this username already exists") goes to the field its message names.
export function fieldIssues(error: unknown, fields: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (!(error instanceof ApiError)) return out;
  for (const issue of error.issues) {
    const loc = issue.loc.filter((p) => p !== "body" && p !== "query" && p !== "path");
    const field = String(loc[0] ?? "");
    if (fields.includes(field) && !out.has(field)) out.set(field, issue.msg);
  }
  if (error.status === 409) {
    const lower = error.message.toLowerCase();
    // The longest field name the message mentions ("username" before "name").
    const named = [...fields].sort((a, b) => b.length - a.length).find((f) => lower.includes(f.replace(/_/g, " ")) || lower.includes(f));
    if (named) out.set(named, error.message);
  }
  return out;
}

// What is left to say above the form: an error that names none of its fields.
export function generalError(error: unknown, fields: readonly string[]): string | null {
  if (!error) return null;
  if (error instanceof ApiError && fieldIssues(error, fields).size > 0) {
    const unplaced = error.issues.filter((i) => {
      const loc = i.loc.filter((p) => p !== "body" && p !== "query" && p !== "path");
      return !fields.includes(String(loc[0] ?? ""));
    });
    return unplaced.length ? unplaced.map((i) => i.msg).join("; ") : null;
  }
  return error instanceof Error ? error.message : String(error);
}

import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/errors";
import { EMPTY_USER, fieldIssues, generalError, profileOf, toUserCreate, toUserUpdate } from "./forms";

const user = {
  id: 7,
  tenant_id: "t1",
  first_name: "Ada",
  last_name: null,
  email: "ada@example.com",
  username: "ada",
  is_active: true,
  is_superuser: false,
  created_at: "2025-01-01T00:00:00Z",
  modified_at: "2025-01-01T00:00:00Z",
};

describe("toUserCreate", () => {
  it("trims names and e-mail, keeps the password as typed, empty names become null", () => {
    const body = toUserCreate({ ...EMPTY_USER, username: " bob ", email: " Bob@Example.com ", password: " pass word1 ", first_name: "  ", last_name: " Smith " }, null);
    expect(body).toEqual({ tenant_id: "", username: "bob", email: "Bob@Example.com", password: " pass word1 ", first_name: null, last_name: "Smith" });
  });
  it("names the tenant a superuser acts in", () => {
    expect(toUserCreate(EMPTY_USER, "t2").tenant_id).toBe("t2");
  });
});

describe("toUserUpdate", () => {
  it("is null when nothing changed (e-mail compared without case)", () => {
    expect(toUserUpdate(user, { ...profileOf(user), email: "ADA@example.com " })).toBeNull();
  });
  it("sends only the changed fields; a cleared name is null", () => {
    expect(toUserUpdate(user, { first_name: "", last_name: "Lovelace", email: "ada@example.com" })).toEqual({ first_name: null, last_name: "Lovelace" });
    expect(toUserUpdate(user, { ...profileOf(user), email: "new@example.com" })).toEqual({ email: "new@example.com" });
  });
});

describe("fieldIssues", () => {
  it("places each 422 issue on the field its loc names, ignoring other fields", () => {
    const error = ApiError.from(422, {
      detail: [
        { loc: ["body", "username"], msg: "too short" },
        { loc: ["body", "password"], msg: "weak" },
        { loc: ["body", "nickname"], msg: "unknown" },
        { loc: ["query", "dataset_name"], msg: "missing" },
      ],
    });
    const issues = fieldIssues(error, ["username", "password", "dataset_name"]);
    expect(Object.fromEntries(issues)).toEqual({ username: "too short", password: "weak", dataset_name: "missing" });
    expect(generalError(error, ["username", "password", "dataset_name"])).toBe("unknown");
  });
  it("puts a 409 on the field its message names, preferring username over name", () => {
    const taken = ApiError.from(409, { detail: "A user with this username already exists" });
    expect(Object.fromEntries(fieldIssues(taken, ["name", "username", "email"]))).toEqual({ username: "A user with this username already exists" });
    const role = ApiError.from(409, { detail: "A role with this name exists" });
    expect(Object.fromEntries(fieldIssues(role, ["name"]))).toEqual({ name: "A role with this name exists" });
  });
  it("leaves other errors to the general message", () => {
    const forbidden = ApiError.from(403, { detail: "Missing permission: can_manage_users" });
    expect(fieldIssues(forbidden, ["username"]).size).toBe(0);
    expect(generalError(forbidden, ["username"])).toBe("Missing permission: can_manage_users");
    expect(generalError(null, ["username"])).toBeNull();
  });
});

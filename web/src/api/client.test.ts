import { describe, expect, it, vi } from "vitest";
import type { MiddlewareCallbackParams } from "openapi-fetch";
import { authMiddleware } from "./client";
import { ApiError } from "./errors";
import { Session } from "../auth/session";

async function signedIn(): Promise<Session> {
  const s = new Session((async () =>
    new Response(JSON.stringify({ access_token: "a1", refresh_token: "r1", token_type: "bearer", expires_in: 1800 }), { status: 200 })) as typeof fetch);
  await s.login("u", "p");
  return s;
}

const params = (request: Request) => ({ request }) as unknown as MiddlewareCallbackParams & { request: Request };

describe("authMiddleware", () => {
  it("adds the bearer token, and the acting tenant only to tenant-scoped paths", async () => {
    const s = await signedIn();
    s.setActingTenant("11111111-2222-3333-4444-555555555555");
    const mw = authMiddleware(s);
    const scoped = (await mw.onRequest!(params(new Request("http://x/api/v1/dataset/list?skip=0")))) as Request;
    expect(scoped.headers.get("Authorization")).toBe("Bearer a1");
    expect(new URL(scoped.url).searchParams.get("tenant_id")).toBe("11111111-2222-3333-4444-555555555555");
    const tenants = (await mw.onRequest!(params(new Request("http://x/api/v1/tenants")))) as Request;
    expect(new URL(tenants.url).searchParams.has("tenant_id")).toBe(false);
  });

  it("refreshes once on a 401 and repeats the request with the new token", async () => {
    const s = await signedIn();
    vi.spyOn(s, "refresh").mockImplementation(async () => {
      // what a successful refresh leaves behind
      (s as unknown as { tokens: { access: string } }).tokens.access = "a2";
      return true;
    });
    const repeated: Request[] = [];
    const mw = authMiddleware(s, (async (r: Request) => {
      repeated.push(r);
      return new Response("{}", { status: 200 });
    }) as typeof fetch);
    const sent = (await mw.onRequest!(params(new Request("http://x/api/v1/users/me")))) as Request;
    const response = await mw.onResponse!({ ...params(sent), response: new Response("{}", { status: 401 }) } as never);
    expect((response as Response).status).toBe(200);
    expect(repeated[0]!.headers.get("Authorization")).toBe("Bearer a2");
  });
});

describe("ApiError", () => {
  it("finds the message of the field a 422 names", () => {
    const e = ApiError.from(422, {
      detail: [
        { loc: ["body", "template_schema", 1, "data_type"], msg: "Unknown type", type: "value_error" },
        { loc: ["query", "dataset_name"], msg: "Field required", type: "missing" },
      ],
    });
    expect(e.status).toBe(422);
    expect(e.fieldMessage("template_schema", 1, "data_type")).toBe("Unknown type");
    expect(e.fieldMessage("dataset_name")).toBe("Field required");
    expect(e.fieldMessage("template_name")).toBeUndefined();
    expect(e.message).toContain("template_schema.1.data_type: Unknown type");
  });
});

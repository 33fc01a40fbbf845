import { describe, expect, it } from "vitest";
import { safeNext } from "./LoginPage";

describe("safeNext", () => {
  it("follows same-origin paths only", () => {
    expect(safeNext("/training/4?tab=roc")).toBe("/training/4?tab=roc");
    expect(safeNext("//evil.example/x")).toBe("/datasets");
    expect(safeNext("/\\evil.example")).toBe("/datasets");
    expect(safeNext("https://evil.example")).toBe("/datasets");
    expect(safeNext(null)).toBe("/datasets");
  });
});

import { describe, expect, it } from "vitest";
import { fromDetail, localIssues, toInput, type ColumnRow } from "./columnsForm";
import { issuesFromApi } from "./TemplateEditor";
import { ApiError } from "../../api/errors";

const row = (column_name: string, data_type: ColumnRow["data_type"] = "String", default_value = ""): ColumnRow => ({ key: 0, column_name, data_type, default_value });

describe("template form", () => {
  it("sends an empty default as null and keeps the order", () => {
    expect(toInput("churn", [row("tenure", "Integer", "0"), row("plan")])).toEqual({
      template_name: "churn",
      template_schema: [
        { column_name: "tenure", data_type: "Integer", default_value: "0" },
        { column_name: "plan", data_type: "String", default_value: null },
      ],
    });
    let k = 0;
    expect(fromDetail([{ column_name: "a", data_type: "Date", default_value: null }], () => ++k)).toEqual([
      { key: 1, column_name: "a", data_type: "Date", default_value: "" },
    ]);
  });

  it("flags a missing name and columns named alike ignoring case", () => {
    const issues = localIssues(" ", [row("Plan"), row(""), row("plan")]);
    expect(issues.get("template_name")).toBeDefined();
    expect(issues.get("1.column_name")).toBe("Give the column a name");
    expect(issues.get("2.column_name")).toBe("Same name as column 1");
    expect(issues.has("0.column_name")).toBe(false);
  });

  it("puts the API's 422 beside the field its loc names, and a 409 beside the name", () => {
    const e = ApiError.from(422, {
      detail: [
        { loc: ["body", "template_schema", 1, "default_value"], msg: "Not a Float" },
        { loc: ["body", "template_name"], msg: "Too long" },
        { loc: ["body", "template_schema"], msg: "At most 2000 columns" },
      ],
    });
    const issues = issuesFromApi(e, 2);
    expect(issues.get("1.default_value")).toBe("Not a Float");
    expect(issues.get("template_name")).toBe("Too long");
    expect(issues.get("template_schema")).toBe("At most 2000 columns");
    expect(issuesFromApi(ApiError.from(409, { detail: "A template named 'x' already exists" }), 0).get("template_name")).toContain("already exists");
  });
});

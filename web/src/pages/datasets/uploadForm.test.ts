import { ApiError } from "../../api/errors";
import { formatBytes, fraction, localUploadIssues, mergeFiles, toUploadParams, uploadIssues, type UploadFields } from "./uploadForm";

const fields: UploadFields = { dataset_name: "  sales ", usage: "t", template_id: "", iceberg_table_name: "" };
const file = (name: string, size = 10, lastModified = 1) => ({ name, size, lastModified });

describe("toUploadParams", () => {
  it("trims the name and leaves out the optional parameters that are not set", () => {
    expect(toUploadParams(fields)).toEqual({ dataset_name: "sales", usage: "t", template_id: undefined, iceberg_table_name: undefined });
  });
  it("sends the template as a number and the lake table when given", () => {
    expect(toUploadParams({ ...fields, usage: "p", template_id: "12", iceberg_table_name: " orders " })).toMatchObject({ usage: "p", template_id: 12, iceberg_table_name: "orders" });
  });
});

describe("localUploadIssues", () => {
  it("needs a name and a file", () => {
    const issues = localUploadIssues({ ...fields, dataset_name: " " }, []);
    expect(issues.get("dataset_name")).toMatch(/name/);
    expect(issues.get("files")).toMatch(/at least one/);
  });
  it("refuses an empty file and a bad lake table name, and a lake table without a template", () => {
    expect(localUploadIssues(fields, [file("a.csv", 0)]).get("files")).toBe("a.csv is empty");
    expect(localUploadIssues({ ...fields, template_id: "1", iceberg_table_name: "9x" }, [file("a.csv")]).has("iceberg_table_name")).toBe(true);
    expect(localUploadIssues({ ...fields, iceberg_table_name: "ok_name" }, [file("a.csv")]).get("iceberg_table_name")).toMatch(/template/);
    expect(localUploadIssues({ ...fields, template_id: "1", iceberg_table_name: "ok_name" }, [file("a.csv")]).size).toBe(0);
  });
  it("counts the name's bytes, not its characters", () => {
    expect(localUploadIssues({ ...fields, dataset_name: "é".repeat(128) }, [file("a.csv")]).has("dataset_name")).toBe(true);
    expect(localUploadIssues({ ...fields, dataset_name: "e".repeat(255) }, [file("a.csv")]).has("dataset_name")).toBe(false);
  });
});

describe("uploadIssues", () => {
  it("puts each 422 issue beside the field its loc names", () => {
    const error = ApiError.from(422, {
      detail: [
        { loc: ["query", "dataset_name"], msg: "bad name" },
        { loc: ["query", "usage"], msg: "bad usage" },
        { loc: ["body", "files"], msg: "a.csv: the file is empty" },
        { loc: ["query", "other"], msg: "something" },
      ],
    });
    const issues = uploadIssues(error);
    expect(issues.get("dataset_name")).toBe("bad name");
    expect(issues.get("usage")).toBe("bad usage");
    expect(issues.get("files")).toBe("a.csv: the file is empty");
    expect(issues.get("")).toBe("something");
  });
  it("puts a taken name, a missing template, a lake conflict and a too-large body beside their fields", () => {
    expect(uploadIssues(ApiError.from(409, { detail: "A dataset named 'x' already exists" })).get("dataset_name")).toMatch(/already exists/);
    expect(uploadIssues(ApiError.from(409, { detail: "The lake table silver.x has other columns" })).get("iceberg_table_name")).toMatch(/lake table/);
    expect(uploadIssues(ApiError.from(404, { detail: "Template not found" })).get("template_id")).toBe("Template not found");
    expect(uploadIssues(ApiError.from(413, { detail: "Too large" })).get("files")).toBe("Too large");
    expect(uploadIssues(ApiError.from(500, { detail: "boom" })).get("")).toBe("boom");
    expect(uploadIssues(new Error("offline")).get("")).toBe("offline");
  });
});

describe("helpers", () => {
  it("adds a file picked twice once", () => {
    expect(mergeFiles([file("a.csv")], [file("a.csv"), file("b.csv"), file("a.csv", 11)]).map((f) => `${f.name}:${f.size}`)).toEqual(["a.csv:10", "b.csv:10", "a.csv:11"]);
  });
  it("formats sizes and progress", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(50 * 1024 * 1024)).toBe("50 MiB");
    expect(fraction(5, 10)).toBe(0.5);
    expect(fraction(5, 0)).toBeUndefined();
    expect(fraction(12, 10)).toBe(1);
  });
});

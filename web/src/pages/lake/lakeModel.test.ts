import { describe, expect, it } from "vitest";
import { exactIntegerField, exactIntegerFieldAll, formatNumber, fromTableQuery, isNumeric, parseList, schemaDescription, toggleInList } from "./lakeModel";

describe("exactIntegerField", () => {
  const text = '{"created_time":"2026-12-07T21:09:31Z","current_snapshot_id":8622055554479183437,"file_count":1,"record_count":200}';
  it("keeps every digit of a 64-bit id that JSON.parse would round", () => {
    expect(exactIntegerField(text, "current_snapshot_id")).toBe("8622055554479183437");
    expect(String(JSON.parse(text).current_snapshot_id)).not.toBe("8622055554479183437");
  });
  it("is null for null, absent or non-integer values", () => {
    expect(exactIntegerField('{"current_snapshot_id":null}', "current_snapshot_id")).toBeNull();
    expect(exactIntegerField('{"x":1}', "current_snapshot_id")).toBeNull();
    expect(exactIntegerField('{"mean":1.5}', "mean")).toBeNull();
  });
  it("matches the field name exactly, with spaces after the colon", () => {
    expect(exactIntegerField('{"parent_snapshot_id": 5, "snapshot_id": 12}', "snapshot_id")).toBe("12");
  });
});

describe("URL column lists", () => {
  it("parses and toggles names", () => {
    expect(parseList("")).toEqual([]);
    expect(parseList("a, b,,c")).toEqual(["a", "b", "c"]);
    expect(toggleInList("a,b", "c")).toBe("a,b,c");
    expect(toggleInList("a,b", "a")).toBe("b");
    expect(toggleInList("a", "a")).toBeNull();
  });
});

describe("fromTableQuery", () => {
  it("builds the query, the snapshot id sent as typed", () => {
    const built = fromTableQuery({ dataset_name: " churn ", usage: "p", snapshot_id: "8622055554479183437" }, "silver", "customers");
    expect("query" in built && Object.fromEntries(built.query)).toEqual({
      dataset_name: "churn",
      usage: "p",
      schema_name: "silver",
      table_name: "customers",
      snapshot_id: "8622055554479183437",
    });
  });
  it("leaves the snapshot out when empty (the current one)", () => {
    const built = fromTableQuery({ dataset_name: "c", usage: "t", snapshot_id: "  " }, "silver", "t");
    expect("query" in built && built.query.has("snapshot_id")).toBe(false);
  });
  it("names the fields the browser can already see are wrong", () => {
    const built = fromTableQuery({ dataset_name: " ", usage: "t", snapshot_id: "12a" }, "silver", "t");
    expect("issues" in built && Object.fromEntries(built.issues)).toEqual({ dataset_name: "Give the dataset a name", snapshot_id: "A snapshot id is a whole number" });
  });
});

describe("formatting and kinds", () => {
  it("knows the numeric SQL types", () => {
    expect(["bigint", "integer", "double", "real"].every(isNumeric)).toBe(true);
    expect(isNumeric("varchar")).toBe(false);
    expect(isNumeric("date")).toBe(false);
  });
  it("formats numbers for reading", () => {
    expect(formatNumber(null)).toBe("—");
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(56387.57625)).toBe("56,387.5763");
    expect(formatNumber(0.00001234)).toBe("1.2340e-5");
  });
  it("describes the medallion layers only", () => {
    expect(schemaDescription("silver")).toMatch(/valid rows/);
    expect(schemaDescription("scratch")).toBeUndefined();
  });
});

describe("exactIntegerFieldAll", () => {
  it("reads each id of a list with all its digits, nulls in place, and no other field's", () => {
    const text =
      '{"current_snapshot_id":8622055554479183437,"snapshots":[{"parent_snapshot_id":1234567890123456789,"snapshot_id":8622055554479183437},' +
      '{"parent_snapshot_id":null,"snapshot_id":1234567890123456789}]}';
    expect(exactIntegerFieldAll(text, "snapshot_id")).toEqual(["8622055554479183437", "1234567890123456789"]);
    expect(exactIntegerFieldAll(text, "parent_snapshot_id")).toEqual(["1234567890123456789", null]);
    expect(exactIntegerFieldAll("{}", "snapshot_id")).toEqual([]);
  });
});

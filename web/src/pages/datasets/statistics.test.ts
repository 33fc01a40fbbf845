import { formatNumber, isActive, parseStatistics } from "./statistics";

// As GET /api/v1/dataset/statistics answered for name/age/score (trimmed), plus a boolean and a date.
const raw = {
  row_count: 2,
  columns: [
    { column_name: "name", data_type: "String", count: 2, nulls: 0, distinct: 2, max_length: 3, min_length: 3, top_values: [{ count: 1, value: "ann" }, { count: 1, value: "dan" }] },
    { column_name: "age", data_type: "Integer", count: 2, nulls: 0, distinct: 2, max: 50, min: 30, mean: 40.0, median: 40.0, q1: 35.0, q3: 45.0, std: 14.14, histogram: { bin_edges: [30, 40, 50], counts: [1, 1] } },
    { column_name: "empty", data_type: "Float", count: 0, nulls: 2, distinct: 0, min: null, max: null, mean: null, std: null, median: null, q1: null, q3: null, histogram: null },
    { column_name: "ok", data_type: "Boolean", count: 2, nulls: 0, distinct: 2, true_count: 1, false_count: 1 },
    { column_name: "day", data_type: "Date", count: 2, nulls: 0, distinct: 2, min: "2024-01-01", max: "2024-02-01" },
  ],
};

describe("parseStatistics", () => {
  it("reads each column by its data type", () => {
    const stats = parseStatistics(raw)!;
    expect(stats.row_count).toBe(2);
    expect(stats.columns.map((c) => c.kind)).toEqual(["string", "numeric", "numeric", "boolean", "time"]);
    const [name, age, empty, ok, day] = stats.columns;
    expect(name).toMatchObject({ kind: "string", top_values: [{ value: "ann", count: 1 }, { value: "dan", count: 1 }], min_length: 3 });
    expect(age).toMatchObject({ kind: "numeric", min: 30, max: 50, mean: 40, histogram: { bin_edges: [30, 40, 50], counts: [1, 1] } });
    expect(empty).toMatchObject({ kind: "numeric", min: null, histogram: null, nulls: 2 });
    expect(ok).toMatchObject({ kind: "boolean", true_count: 1, false_count: 1 });
    expect(day).toMatchObject({ kind: "time", min: "2024-01-01", max: "2024-02-01" });
  });

  it("drops a histogram whose edges do not fit its counts", () => {
    const stats = parseStatistics({ columns: [{ column_name: "x", data_type: "Float", histogram: { bin_edges: [1, 2], counts: [1, 2] } }] })!;
    expect(stats.columns[0]).toMatchObject({ histogram: null });
  });

  it("is null for what is not statistics, and tolerates missing parts", () => {
    expect(parseStatistics(null)).toBeNull();
    expect(parseStatistics([1])).toBeNull();
    expect(parseStatistics({})).toEqual({ row_count: null, columns: [] });
  });
});

describe("formatNumber and isActive", () => {
  it("formats for reading", () => {
    expect(formatNumber(null)).toBe("—");
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(14.142135623730951)).toBe("14.14");
    expect(formatNumber(0.00001234)).toBe("1.234e-5");
  });
  it("polls while queued or running only", () => {
    expect(isActive("queued")).toBe(true);
    expect(isActive("running")).toBe(true);
    expect(isActive("completed")).toBe(false);
    expect(isActive(undefined)).toBe(false);
  });
});

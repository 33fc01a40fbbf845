import { describe, expect, it } from "vitest";
import { compactNumber, numericSummaryOption, tooltipText } from "./lakeStats";

const stats = { column: "income", count: 200, mean: 50, std_dev: 10, min: 5, max: 99, median: 48 };
type S = { name: string; type: string; data: [number, string][] };

describe("numericSummaryOption", () => {
  it("draws the range, mean ± sd and the four points on the column's row", () => {
    const option = numericSummaryOption(stats) as { series: S[]; yAxis: { data: string[] } };
    expect(option.yAxis.data).toEqual(["income"]);
    const byName = Object.fromEntries(option.series.map((s) => [s.name, s.data]));
    expect(byName["range"]).toEqual([[5, "income"], [99, "income"]]);
    expect(byName["mean ± sd"]).toEqual([[40, "income"], [60, "income"]]);
    expect(byName["median"]).toEqual([[48, "income"]]);
    expect(byName["max"]).toEqual([[99, "income"]]);
  });
  it("leaves out mean ± sd without a standard deviation (one value)", () => {
    const option = numericSummaryOption({ ...stats, count: 1, std_dev: null, min: 7, max: 7, mean: 7, median: 7 }) as { series: S[] };
    expect(option.series.map((s) => s.name)).toEqual(["range", "min", "median", "mean", "max"]);
  });
  it("is null when the column has no values", () => {
    expect(numericSummaryOption({ ...stats, count: 0, mean: null, std_dev: null, min: null, max: null, median: null })).toBeNull();
  });
  it("describes the values for screen readers and tooltips", () => {
    const option = numericSummaryOption(stats) as { aria: { label: { description: string } } };
    expect(option.aria.label.description).toContain("min 5, median 48, mean 50, max 99");
    expect(tooltipText({ seriesName: "mean", value: [56387.57625, "income"] })).toBe("mean: 56387.6");
  });
});

describe("compactNumber", () => {
  it("shortens axis labels", () => {
    expect(compactNumber(100000)).toBe("100k");
    expect(compactNumber(-2500000)).toBe("-2.5M");
    expect(compactNumber(999)).toBe("999");
    expect(compactNumber(0.123456)).toBe("0.123");
    expect(compactNumber(0)).toBe("0");
  });
});

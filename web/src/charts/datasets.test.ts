import { binLabels, formatEdge, histogramOption, lowerEdge, shorten, topValuesHeight, topValuesOption } from "./datasets";

type Axis = { type: string; data?: string[] };
type Series = { type: string; data: number[] };

describe("histogramOption", () => {
  const h = { bin_edges: [30, 35, 40, 45, 50], counts: [1, 0, 2, 3] };

  it("draws one bar per bin, labelled with the bin's range", () => {
    const option = histogramOption(h, "age") as { xAxis: Axis; series: Series[] };
    expect(option.xAxis.type).toBe("category");
    expect(option.xAxis.data).toEqual(["[30, 35)", "[35, 40)", "[40, 45)", "[45, 50]"]);
    expect(option.series).toHaveLength(1);
    expect(option.series[0]!.type).toBe("bar");
    expect(option.series[0]!.data).toEqual([1, 0, 2, 3]);
  });

  it("labels the axis with each bin's lower edge", () => {
    const option = histogramOption(h, "age") as { xAxis: Axis & { axisLabel: { formatter: (s: string) => string } } };
    expect(option.xAxis.data!.map(option.xAxis.axisLabel.formatter)).toEqual(["30", "35", "40", "45"]);
    expect(lowerEdge("[-1.5, 2)")).toBe("-1.5");
  });

  it("does not share the caller's counts array", () => {
    const option = histogramOption(h, "age") as { series: Series[] };
    option.series[0]!.data.push(99);
    expect(h.counts).toEqual([1, 0, 2, 3]);
  });

  it("labels a single-value column's one bin", () => {
    expect(binLabels({ bin_edges: [7, 7], counts: [4] })).toEqual(["[7, 7]"]);
  });

  it("rounds float edges for the axis", () => {
    expect(binLabels({ bin_edges: [1.5, 2.9000000000000004, 3.5], counts: [1, 1] })).toEqual(["[1.5, 2.9)", "[2.9, 3.5]"]);
    expect(formatEdge(0.000012345)).toBe("1.23e-5");
    expect(formatEdge(12345678.5)).toBe("1.23e+7");
    expect(formatEdge(-3)).toBe("-3");
  });
});

describe("topValuesOption", () => {
  it("puts the most frequent value on top (the category axis draws bottom-up)", () => {
    const option = topValuesOption(
      [
        { value: "b", count: 2 },
        { value: "a", count: 5 },
        { value: "", count: 1 },
      ],
      "city",
    ) as { yAxis: Axis; xAxis: Axis; series: Series[] };
    expect(option.yAxis.type).toBe("category");
    expect(option.xAxis.type).toBe("value");
    expect(option.yAxis.data).toEqual(["(empty)", "b", "a"]);
    expect(option.series[0]!.data).toEqual([1, 2, 5]);
  });

  it("shortens long labels and sizes the chart by the number of values", () => {
    expect(shorten("x".repeat(40))).toHaveLength(24);
    expect(shorten("short")).toBe("short");
    expect(topValuesHeight(10)).toBeGreaterThan(topValuesHeight(2));
    expect(topValuesHeight(0)).toBe(130);
  });
});

// Option builders for the dataset statistics charts (pure: the tests check them).
import type { EChartsCoreOption } from "echarts/core";

const BAR = "#1f4e79";

// Edge values short enough for an axis label: integers as they are, else 3 significant digits.
export function formatEdge(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

export interface HistogramBins {
  bin_edges: number[]; // counts.length + 1 edges
  counts: number[];
}

// The bins' labels: "[a, b)" for every bin but the last, which is closed "[a, b]" (numpy's bins).
export function binLabels(h: HistogramBins): string[] {
  return h.counts.map((_, i) => {
    const lo = formatEdge(h.bin_edges[i] ?? Number.NaN);
    const hi = formatEdge(h.bin_edges[i + 1] ?? Number.NaN);
    return i === h.counts.length - 1 ? `[${lo}, ${hi}]` : `[${lo}, ${hi})`;
  });
}

// The axis shows each bin's lower edge (the tooltip its whole range): twenty ranges do not fit.
export const lowerEdge = (label: string) => label.slice(1, label.indexOf(","));

// An equal-width histogram as touching bars over the bins' ranges.
export function histogramOption(h: HistogramBins, column: string): EChartsCoreOption {
  const labels = binLabels(h);
  return {
    aria: { enabled: true, label: { description: `Histogram of ${column}: ${h.counts.length} bins` } },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 16, right: 16, top: 36, bottom: 36, containLabel: true },
    xAxis: {
      type: "category",
      data: labels,
      name: column,
      nameLocation: "middle",
      nameGap: 28,
      axisTick: { alignWithLabel: true },
      axisLabel: { formatter: lowerEdge, hideOverlap: true },
    },
    yAxis: { type: "value", name: "Rows", minInterval: 1 },
    series: [{ type: "bar", name: "Rows", data: [...h.counts], barCategoryGap: "2%", itemStyle: { color: BAR } }],
  };
}

export interface ValueCount {
  value: string;
  count: number;
}

const MAX_LABEL = 24;
export const shorten = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);

// Most frequent values as horizontal bars, the most frequent on top. Empty strings show as
// "(empty)" so the bar has a label.
export function topValuesOption(values: ValueCount[], column: string): EChartsCoreOption {
  const ordered = [...values].sort((a, b) => b.count - a.count).reverse(); // category axis draws bottom-up
  const names = ordered.map((v) => (v.value === "" ? "(empty)" : v.value));
  return {
    aria: { enabled: true, label: { description: `Most frequent values of ${column}` } },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 16, right: 40, top: 8, bottom: 28, containLabel: true },
    xAxis: { type: "value", name: "Rows", nameLocation: "middle", nameGap: 24, minInterval: 1 },
    yAxis: { type: "category", data: names, axisLabel: { formatter: shorten } },
    series: [
      {
        type: "bar",
        name: "Rows",
        data: ordered.map((v) => v.count),
        itemStyle: { color: BAR },
        label: { show: true, position: "right" },
      },
    ],
  };
}

// A height that fits one bar per value.
export function topValuesHeight(count: number): number {
  return Math.max(130, 64 + count * 28);
}

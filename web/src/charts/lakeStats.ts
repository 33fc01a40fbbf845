// A numeric column's summary on one axis: the min–max range, mean ± one standard deviation, and
// the min, median, mean and max as points (the datalake's exact numeric_stats).
import type { EChartsCoreOption } from "echarts/core";

export interface NumericSummary {
  column: string;
  count: number;
  mean: number | null;
  std_dev: number | null;
  min: number | null;
  max: number | null;
  median: number | null;
}

const ACCENT = "#1f4e79";
const MUTED = "#4a5563";

// Null when there is nothing to draw (no non-null values).
export function numericSummaryOption(s: NumericSummary): EChartsCoreOption | null {
  if (s.count === 0 || s.min === null || s.max === null) return null;
  const y = s.column;
  const points: { name: string; value: number | null; symbol: string }[] = [
    { name: "min", value: s.min, symbol: "triangle" },
    { name: "median", value: s.median, symbol: "diamond" },
    { name: "mean", value: s.mean, symbol: "circle" },
    { name: "max", value: s.max, symbol: "triangle" },
  ];
  const series: object[] = [
    { name: "range", type: "line", data: [[s.min, y], [s.max, y]], symbol: "none", lineStyle: { color: MUTED, width: 2 }, itemStyle: { color: MUTED }, silent: true },
  ];
  if (s.mean !== null && s.std_dev !== null) {
    series.push({
      name: "mean ± sd",
      type: "line",
      data: [[s.mean - s.std_dev, y], [s.mean + s.std_dev, y]],
      symbol: "none",
      lineStyle: { color: ACCENT, width: 10, opacity: 0.35 },
      itemStyle: { color: ACCENT, opacity: 0.35 },
      silent: true,
    });
  }
  for (const p of points) {
    if (p.value === null) continue;
    series.push({
      name: p.name,
      type: "scatter",
      symbol: p.symbol,
      symbolSize: 12,
      itemStyle: { color: p.name === "mean" || p.name === "median" ? ACCENT : MUTED },
      data: [[p.value, y]],
    });
  }
  const described = points.filter((p) => p.value !== null).map((p) => `${p.name} ${p.value}`).join(", ");
  return {
    aria: { enabled: true, label: { description: `Summary of ${s.column} over ${s.count} values: ${described}` } },
    tooltip: { trigger: "item", formatter: tooltipText },
    legend: { bottom: 0, data: series.map((x) => (x as { name: string }).name) },
    grid: { left: 16, right: 24, top: 8, bottom: 40, containLabel: true },
    xAxis: { type: "value", scale: true, axisLabel: { formatter: compactNumber, hideOverlap: true } },
    yAxis: { type: "category", data: [y], axisLabel: { show: false }, axisTick: { show: false } },
    series,
  };
}

export function tooltipText(p: { seriesName?: string; value?: unknown }): string {
  const x = Array.isArray(p.value) ? p.value[0] : p.value;
  return `${p.seriesName ?? ""}: ${typeof x === "number" ? Number(x.toPrecision(6)) : String(x)}`;
}

// Axis labels: 12k, 3.5M, 0.25.
export function compactNumber(v: number): string {
  const abs = Math.abs(v);
  for (const [limit, suffix] of [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "k"]] as const) {
    if (abs >= limit) return `${Number((v / limit).toPrecision(3))}${suffix}`;
  }
  return String(Number(v.toPrecision(3)));
}

// Option builders for forecasts: a series' history, its forecast line and the interval band (a
// stacked area: the lower bound, then upper − lower filled on top of it), and the backtest's
// scores per candidate method.
import type { ComposeOption } from "echarts/core";
import type { BarSeriesOption, LineSeriesOption } from "echarts/charts";
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from "echarts/components";
import { formatNumber, TOOLTIP_MODE } from "./modelEvaluation";

export type ForecastOption = ComposeOption<LineSeriesOption | BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

export interface HistoryPoint {
  date: string;
  value: number | null;
}
export interface ForecastPoint {
  date: string;
  value: number;
  lower: number;
  upper: number;
  confidence?: number;
}

const AXIS_TEXT = "#1b1f24";
const HISTORY = "#1b1f24";
const FORECAST = "#b35c00";
const BAND = "#f0c9a0";

export const BAND_STACK = "interval";

export function forecastOption(history: HistoryPoint[], forecast: ForecastPoint[], confidence?: number): ForecastOption {
  const level = confidence ?? forecast[0]?.confidence;
  const bandName = level !== undefined ? `${Math.round(level * 100)}% interval` : "Interval";
  const last = [...history].reverse().find((p) => p.value !== null && Number.isFinite(p.value));
  // The forecast line and band start at the last observed value, so they join the history.
  const joint = last && forecast.length > 0 ? [{ date: last.date, value: last.value!, lower: last.value!, upper: last.value! }] : [];
  const ahead = [...joint, ...forecast.filter((f) => Number.isFinite(f.value))];
  const pastByDate = new Map(history.map((p) => [p.date, p.value]));
  const aheadByDate = new Map(ahead.map((p) => [p.date, p]));
  return {
    tooltip: {
      renderMode: TOOLTIP_MODE,
      trigger: "axis",
      formatter: (params: unknown) => {
        const date = (params as { value: [string, number] }[])[0]?.value[0];
        if (date === undefined) return "";
        const lines = [String(date)];
        const h = pastByDate.get(date);
        if (h !== undefined && h !== null) lines.push(`History: ${formatNumber(h)}`);
        const f = aheadByDate.get(date);
        if (f && !(h !== undefined && f.lower === f.upper)) lines.push(`Forecast: ${formatNumber(f.value)} (${bandName}: ${formatNumber(f.lower)} – ${formatNumber(f.upper)})`);
        return lines.join("\n");
      },
    },
    legend: { bottom: 0, textStyle: { color: AXIS_TEXT }, data: ["History", "Forecast", bandName] },
    grid: { left: 20, right: 30, top: 20, bottom: 60, containLabel: true },
    xAxis: { type: "time", axisLabel: { color: AXIS_TEXT, hideOverlap: true } },
    yAxis: { type: "value", scale: true, axisLabel: { color: AXIS_TEXT } },
    series: [
      {
        type: "line",
        name: "History",
        data: history.map((p) => [p.date, p.value]),
        showSymbol: history.length <= 60,
        symbolSize: 4,
        connectNulls: false,
        lineStyle: { color: HISTORY, width: 1.5 },
        itemStyle: { color: HISTORY },
      },
      {
        type: "line",
        name: "Lower bound",
        data: ahead.map((p) => [p.date, p.lower]),
        stack: BAND_STACK,
        showSymbol: false,
        lineStyle: { opacity: 0 },
        itemStyle: { color: BAND },
      },
      {
        type: "line",
        name: bandName,
        // The band's width, stacked on the lower bound: its top is the upper bound.
        data: ahead.map((p) => [p.date, p.upper - p.lower]),
        stack: BAND_STACK,
        showSymbol: false,
        lineStyle: { opacity: 0 },
        areaStyle: { color: BAND, opacity: 0.8 },
        itemStyle: { color: BAND },
        tooltip: { show: false },
      },
      {
        type: "line",
        name: "Forecast",
        data: ahead.map((p) => [p.date, p.value]),
        showSymbol: true,
        symbolSize: 5,
        lineStyle: { color: FORECAST, width: 2, type: "dashed" },
        itemStyle: { color: FORECAST },
      },
    ],
  };
}

export interface BacktestCandidate {
  algorithm?: string;
  mase?: number | null;
  smape?: number | null;
  mae?: number | null;
  rmse?: number | null;
  series_backtested?: number;
  series_chosen?: number;
}

export type BacktestMetric = "mase" | "smape" | "mae" | "rmse";

// Each candidate method's backtest score (lower is better), the ones the model uses for at least
// one series highlighted.
export function backtestOption(candidates: BacktestCandidate[], metric: BacktestMetric = "mase"): ForecastOption {
  const scored = candidates.filter((c) => typeof c[metric] === "number" && Number.isFinite(c[metric])).sort((a, b) => a[metric]! - b[metric]!);
  return {
    tooltip: { renderMode: TOOLTIP_MODE, trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 10, right: 50, top: 10, bottom: 30, containLabel: true },
    xAxis: { type: "value", name: `${metric.toUpperCase()} (lower is better)`, nameLocation: "middle", nameGap: 24, axisLabel: { color: AXIS_TEXT }, nameTextStyle: { color: AXIS_TEXT } },
    yAxis: { type: "category", inverse: true, data: scored.map((c) => c.algorithm ?? "?"), axisLabel: { color: AXIS_TEXT } },
    series: [
      {
        type: "bar",
        name: metric.toUpperCase(),
        data: scored.map((c) => ({ value: c[metric]!, itemStyle: { color: (c.series_chosen ?? 0) > 0 ? FORECAST : "#6e7781" } })),
        label: { show: true, position: "right", color: AXIS_TEXT, formatter: (p: unknown) => formatNumber((p as { value: number }).value) },
      },
    ],
  };
}

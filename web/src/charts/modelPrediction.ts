// Option builders for one prediction: its class probabilities (bars) and its explanation (a
// waterfall from the model's bias through each column's SHAP contribution).
import type { ComposeOption } from "echarts/core";
import type { BarSeriesOption } from "echarts/charts";
import type { GridComponentOption, TooltipComponentOption } from "echarts/components";
import { formatNumber, TOOLTIP_MODE } from "./modelEvaluation";

export type PredictionOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

const AXIS_TEXT = "#1b1f24";
const ACCENT = "#1f4e79";
const HIGHLIGHT = "#b35c00";
const POSITIVE = "#a4161a"; // pushes the margin up
const NEGATIVE = "#1a6b3c"; // pulls it down
const TOTAL = "#1f4e79";

// Most probable first; the predicted class highlighted.
export function probabilitiesOption(probabilities: Record<string, number>, predicted?: string): PredictionOption {
  const entries = Object.entries(probabilities)
    .filter(([, p]) => typeof p === "number" && Number.isFinite(p))
    .sort((a, b) => b[1] - a[1]);
  return {
    tooltip: { renderMode: TOOLTIP_MODE, trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => `${(Number(v) * 100).toFixed(2)}%` },
    grid: { left: 10, right: 60, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: "value", min: 0, max: 1, axisLabel: { color: AXIS_TEXT, formatter: (v: number) => `${Math.round(v * 100)}%` } },
    yAxis: { type: "category", inverse: true, data: entries.map(([label]) => label), axisLabel: { color: AXIS_TEXT } },
    series: [
      {
        type: "bar",
        name: "Probability",
        data: entries.map(([label, p]) => ({ value: p, itemStyle: { color: label === predicted ? HIGHLIGHT : ACCENT } })),
        label: { show: true, position: "right", color: AXIS_TEXT, formatter: (p: unknown) => `${((p as { value: number }).value * 100).toFixed(1)}%` },
      },
    ],
  };
}

export interface Contribution {
  column: string;
  contribution: number;
}

export interface WaterfallStep {
  label: string;
  start: number; // where the bar begins
  end: number; // where it ends (start + delta)
  kind: "bias" | "up" | "down" | "total";
}

// The steps of the waterfall: the bias, each contribution (largest |value| first) and the sum.
// `total` (the margin the model gave, when the caller knows it: a regressor's prediction) adds an
// "other columns" step for what the shown contributions (the API's top ten) leave out.
export function waterfallSteps(bias: number, contributions: Contribution[], total?: number | null): WaterfallStep[] {
  const steps: WaterfallStep[] = [{ label: "Bias (average)", start: 0, end: bias, kind: "bias" }];
  let at = bias;
  const ordered = contributions
    .filter((c) => Number.isFinite(c.contribution))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  for (const c of ordered) {
    steps.push({ label: c.column, start: at, end: at + c.contribution, kind: c.contribution >= 0 ? "up" : "down" });
    at += c.contribution;
  }
  if (typeof total === "number" && Number.isFinite(total)) {
    const rest = total - at;
    if (Math.abs(rest) > 1e-9 * Math.max(1, Math.abs(total))) {
      steps.push({ label: "Other columns", start: at, end: total, kind: rest >= 0 ? "up" : "down" });
      at = total;
    }
  }
  steps.push({ label: typeof total === "number" ? "Prediction" : "Sum (margin)", start: 0, end: at, kind: "total" });
  return steps;
}

// Horizontal waterfall: an invisible bar carries each visible one from the axis to its start.
// ECharts stacks positive and negative values apart (stackStrategy "samesign"), so a bar above
// zero is a transparent base at its lower end plus its length, one below zero a base at its upper
// end plus its (negative) length, and one crossing zero two visible parts from zero.
export function explanationWaterfallOption(bias: number, contributions: Contribution[], total?: number | null): PredictionOption {
  const steps = waterfallSteps(bias, contributions, total);
  const colour = (k: WaterfallStep["kind"]) => (k === "up" ? POSITIVE : k === "down" ? NEGATIVE : TOTAL);
  const base: (number | null)[] = [];
  const positive: ({ value: number; itemStyle: { color: string } } | null)[] = [];
  const negative: ({ value: number; itemStyle: { color: string } } | null)[] = [];
  for (const s of steps) {
    const lo = Math.min(s.start, s.end);
    const hi = Math.max(s.start, s.end);
    const color = colour(s.kind);
    if (lo >= 0) {
      base.push(lo);
      positive.push({ value: hi - lo, itemStyle: { color } });
      negative.push(null);
    } else if (hi <= 0) {
      base.push(hi);
      positive.push(null);
      negative.push({ value: lo - hi, itemStyle: { color } });
    } else {
      base.push(0);
      positive.push({ value: hi, itemStyle: { color } });
      negative.push({ value: lo, itemStyle: { color } });
    }
  }
  const byIndex = (i: number) => steps[i]!;
  return {
    tooltip: {
      renderMode: TOOLTIP_MODE,
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params: unknown) => {
        const list = params as { dataIndex: number }[];
        const s = byIndex(list[0]?.dataIndex ?? 0);
        if (s.kind === "total" || s.kind === "bias") return `${s.label}: ${formatNumber(s.end)}`;
        const delta = s.end - s.start;
        return `${s.label}: ${delta >= 0 ? "+" : ""}${formatNumber(delta)} (to ${formatNumber(s.end)})`;
      },
    },
    grid: { left: 10, right: 70, top: 10, bottom: 30, containLabel: true },
    // Room on both sides for the labels at the bars' ends.
    xAxis: { type: "value", scale: false, boundaryGap: ["12%", "12%"], axisLabel: { color: AXIS_TEXT } },
    yAxis: { type: "category", inverse: true, data: steps.map((s) => s.label), axisLabel: { color: AXIS_TEXT } },
    series: [
      { type: "bar", name: "base", stack: "waterfall", data: base.map((b) => (b !== null && b > 0 ? b : 0)), itemStyle: { color: "transparent" }, emphasis: { disabled: true }, tooltip: { show: false }, silent: true },
      { type: "bar", name: "base-neg", stack: "waterfall", data: base.map((b) => (b !== null && b < 0 ? b : 0)), itemStyle: { color: "transparent" }, emphasis: { disabled: true }, tooltip: { show: false }, silent: true },
      {
        type: "bar",
        name: "Contribution",
        stack: "waterfall",
        data: positive.map((d) => d ?? 0),
        label: {
          show: true,
          position: "right",
          color: AXIS_TEXT,
          formatter: (p: unknown) => labelFor(byIndex((p as { dataIndex: number }).dataIndex), "pos"),
        },
      },
      {
        type: "bar",
        name: "Contribution (below zero)",
        stack: "waterfall",
        data: negative.map((d) => d ?? 0),
        label: {
          show: true,
          position: "left",
          color: AXIS_TEXT,
          formatter: (p: unknown) => labelFor(byIndex((p as { dataIndex: number }).dataIndex), "neg"),
        },
      },
    ],
  };
}

// One label per step, on the part of the bar on its side of zero (the positive part when it
// crosses zero).
function labelFor(s: WaterfallStep, part: "pos" | "neg"): string {
  const lo = Math.min(s.start, s.end);
  const hi = Math.max(s.start, s.end);
  const side = lo >= 0 ? "pos" : hi <= 0 ? "neg" : "pos";
  if (side !== part) return "";
  if (s.kind === "total" || s.kind === "bias") return formatNumber(s.end);
  const delta = s.end - s.start;
  return `${delta >= 0 ? "+" : ""}${formatNumber(delta)}`;
}

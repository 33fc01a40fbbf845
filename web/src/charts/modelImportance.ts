// Option builders for what a model ranks: feature importance (mean |SHAP| per input column) and
// auto's leaderboard (each candidate algorithm's validation score). Horizontal bars, largest first.
import type { ComposeOption } from "echarts/core";
import type { BarSeriesOption } from "echarts/charts";
import type { GridComponentOption, TooltipComponentOption } from "echarts/components";
import { formatNumber, TOOLTIP_MODE } from "./modelEvaluation";

export type BarsOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

const AXIS_TEXT = "#1b1f24";
const ACCENT = "#1f4e79";
const HIGHLIGHT = "#b35c00";
const MUTED_BAR = "#6e7781";

export interface Ranked {
  name: string;
  value: number;
}

// Most important first; `limit` keeps the top ones (the rest are summed into "other columns").
export function rankImportance(importance: Record<string, number>, limit = 25): Ranked[] {
  const all = Object.entries(importance)
    .filter(([, v]) => typeof v === "number" && Number.isFinite(v))
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => b.value - a.value || a.name.localeCompare(b.name));
  if (all.length <= limit) return all;
  const rest = all.slice(limit).reduce((sum, r) => sum + r.value, 0);
  return [...all.slice(0, limit), { name: `${all.length - limit} other columns`, value: rest }];
}

export function featureImportanceOption(importance: Record<string, number>, limit = 25): BarsOption {
  const ranked = rankImportance(importance, limit);
  return {
    tooltip: { renderMode: TOOLTIP_MODE, trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 10, right: 40, top: 10, bottom: 30, containLabel: true },
    xAxis: { type: "value", name: "Mean |SHAP|", nameLocation: "middle", nameGap: 24, axisLabel: { color: AXIS_TEXT }, nameTextStyle: { color: AXIS_TEXT } },
    yAxis: { type: "category", inverse: true, data: ranked.map((r) => r.name), axisLabel: { color: AXIS_TEXT } },
    series: [
      {
        type: "bar",
        name: "Importance",
        data: ranked.map((r) => r.value),
        itemStyle: { color: ACCENT },
        label: { show: true, position: "right", color: AXIS_TEXT, formatter: (p: unknown) => formatNumber((p as { value: number }).value) },
      },
    ],
  };
}

export interface Candidate {
  algorithm?: string;
  validation_metric?: string;
  validation_score?: number | null;
}

// Auto's candidates by validation score (lower is better), the chosen algorithm highlighted; a
// candidate that diverged (null score) is left out of the bars (the table beside lists it).
export function leaderboardOption(candidates: Candidate[], chosen?: string): BarsOption {
  const scored = candidates
    .filter((c) => typeof c.validation_score === "number" && Number.isFinite(c.validation_score))
    .sort((a, b) => a.validation_score! - b.validation_score!);
  const metric = candidates.find((c) => c.validation_metric)?.validation_metric ?? "score";
  return {
    tooltip: { renderMode: TOOLTIP_MODE, trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 10, right: 50, top: 10, bottom: 30, containLabel: true },
    xAxis: { type: "value", name: `Validation ${metric} (lower is better)`, nameLocation: "middle", nameGap: 24, axisLabel: { color: AXIS_TEXT }, nameTextStyle: { color: AXIS_TEXT } },
    yAxis: { type: "category", inverse: true, data: scored.map((c) => c.algorithm ?? "?"), axisLabel: { color: AXIS_TEXT } },
    series: [
      {
        type: "bar",
        name: `Validation ${metric}`,
        data: scored.map((c) => ({ value: c.validation_score!, itemStyle: { color: c.algorithm === chosen ? HIGHLIGHT : MUTED_BAR } })),
        label: { show: true, position: "right", color: AXIS_TEXT, formatter: (p: unknown) => formatNumber((p as { value: number }).value) },
      },
    ],
  };
}

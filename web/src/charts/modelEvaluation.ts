// Option builders for a model's holdout evaluation: the confusion matrix (heatmap), the ROC and
// precision-recall curves of a binary classifier and the residual plot of a regressor. Pure
// functions of the model summary's fields, so the unit tests check what the chart will draw.
import type { ComposeOption } from "echarts/core";
import type { HeatmapSeriesOption, LineSeriesOption, ScatterSeriesOption } from "echarts/charts";
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from "echarts/components";

export type EvaluationOption = ComposeOption<
  | HeatmapSeriesOption
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | TitleComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

export interface RocPoint {
  fpr: number;
  tpr: number;
  threshold?: number | null;
}
export interface PrPoint {
  recall: number;
  precision: number;
  threshold?: number | null;
}
export interface ResidualRow {
  actual: number;
  predicted: number;
}

// Tooltips drawn on the canvas: ECharts' HTML tooltips carry style="" attributes, which the
// console's Content-Security-Policy (style-src 'self') refuses.
export const TOOLTIP_MODE = "richText" as const;

const AXIS_TEXT = "#1b1f24";
const MUTED = "#4a5563";
const ACCENT = "#1f4e79";
const REFERENCE = "#8c959f";

const finite = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n);

// Rows are the true class, columns the predicted one ([true][predicted], as the API gives it).
// `normalized` shows each row as shares of its true class (the per-class recall on the diagonal).
export function confusionMatrixOption(classes: string[], matrix: number[][], normalized = false): EvaluationOption {
  const n = classes.length;
  const cells: [number, number, number][] = [];
  let max = 0;
  for (let t = 0; t < n; t++) {
    const row = matrix[t] ?? [];
    const rowTotal = row.reduce((a, b) => a + (finite(b) ? b : 0), 0);
    for (let p = 0; p < n; p++) {
      const count = finite(row[p]) ? row[p]! : 0;
      const value = normalized ? (rowTotal > 0 ? count / rowTotal : 0) : count;
      max = Math.max(max, value);
      cells.push([p, t, value]);
    }
  }
  const top = normalized ? 1 : Math.max(1, max);
  // Dark text on light cells, white on dark ones: the switch is where both contrast alike.
  const data = cells.map((value) => ({ value, label: { color: value[2] > top * 0.78 ? "#ffffff" : AXIS_TEXT } }));
  return {
    tooltip: {
      renderMode: TOOLTIP_MODE,
      position: "top",
      formatter: (p: unknown) => {
        const v = (p as { value: [number, number, number] }).value;
        const shown = normalized ? `${(v[2] * 100).toFixed(1)}%` : String(v[2]);
        return `True ${classes[v[1]]}, predicted ${classes[v[0]]}: ${shown}`;
      },
    },
    grid: { left: 90, right: 30, top: 20, bottom: 90, containLabel: true },
    xAxis: {
      type: "category",
      data: classes,
      name: "Predicted class",
      nameLocation: "middle",
      nameGap: 30,
      axisLabel: { color: AXIS_TEXT, interval: 0, rotate: n > 6 ? 45 : 0 },
      nameTextStyle: { color: AXIS_TEXT },
      splitArea: { show: true },
    },
    yAxis: {
      type: "category",
      data: classes,
      inverse: true,
      name: "True class",
      nameLocation: "middle",
      nameGap: 70,
      axisLabel: { color: AXIS_TEXT, interval: 0 },
      nameTextStyle: { color: AXIS_TEXT },
      splitArea: { show: true },
    },
    visualMap: {
      min: 0,
      max: top,
      text: [normalized ? "100%" : String(top), "0"],
      calculable: false,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      inRange: { color: ["#f4f6f8", "#9ec1e0", ACCENT] },
      textStyle: { color: AXIS_TEXT },
    },
    series: [
      {
        type: "heatmap",
        name: normalized ? "Share of the true class" : "Rows",
        data,
        label: {
          show: n <= 12,
          formatter: (p: unknown) => {
            const v = (p as { value: [number, number, number] }).value[2];
            return normalized ? `${Math.round(v * 100)}%` : String(v);
          },
          fontSize: 14,
        },
        emphasis: { itemStyle: { borderColor: AXIS_TEXT, borderWidth: 1 } },
      },
    ],
  };
}

function sortedBy<T>(points: T[], key: (p: T) => number, tie: (p: T) => number): T[] {
  return [...points].sort((a, b) => key(a) - key(b) || tie(a) - tie(b));
}

// The ROC curve: true positive rate against false positive rate, with the chance diagonal.
export function rocOption(points: RocPoint[], auc?: number | null): EvaluationOption {
  const clean = sortedBy(
    points.filter((p) => finite(p.fpr) && finite(p.tpr)),
    (p) => p.fpr,
    (p) => p.tpr,
  );
  return {
    title: finite(auc) ? { text: `AUC ${auc.toFixed(3)}`, left: "center", textStyle: { fontSize: 13, color: AXIS_TEXT } } : undefined,
    tooltip: { renderMode: TOOLTIP_MODE, trigger: "axis" },
    legend: { bottom: 0, textStyle: { color: AXIS_TEXT } },
    grid: { left: 60, right: 20, top: 40, bottom: 70 },
    xAxis: { type: "value", min: 0, max: 1, name: "False positive rate", nameLocation: "middle", nameGap: 28, axisLabel: { color: AXIS_TEXT }, nameTextStyle: { color: AXIS_TEXT } },
    yAxis: { type: "value", min: 0, max: 1, name: "True positive rate", nameLocation: "middle", nameGap: 40, axisLabel: { color: AXIS_TEXT }, nameTextStyle: { color: AXIS_TEXT } },
    series: [
      { type: "line", name: "ROC", data: clean.map((p) => [p.fpr, p.tpr]), showSymbol: false, step: false, lineStyle: { color: ACCENT, width: 2 }, itemStyle: { color: ACCENT } },
      {
        type: "line",
        name: "Chance",
        data: [
          [0, 0],
          [1, 1],
        ],
        showSymbol: false,
        lineStyle: { color: REFERENCE, type: "dashed" },
        itemStyle: { color: REFERENCE },
        tooltip: { show: false },
      },
    ],
  };
}

// The precision-recall curve; `baseline` (the positive class's share) is a no-skill line.
export function prOption(points: PrPoint[], baseline?: number | null): EvaluationOption {
  const clean = sortedBy(
    points.filter((p) => finite(p.recall) && finite(p.precision)),
    (p) => p.recall,
    (p) => -p.precision,
  );
  const series: EvaluationOption["series"] = [
    { type: "line", name: "Precision-recall", data: clean.map((p) => [p.recall, p.precision]), showSymbol: false, lineStyle: { color: ACCENT, width: 2 }, itemStyle: { color: ACCENT } },
  ];
  if (finite(baseline)) {
    series.push({
      type: "line",
      name: "No skill",
      data: [
        [0, baseline],
        [1, baseline],
      ],
      showSymbol: false,
      lineStyle: { color: REFERENCE, type: "dashed" },
      itemStyle: { color: REFERENCE },
      tooltip: { show: false },
    });
  }
  return {
    tooltip: { renderMode: TOOLTIP_MODE, trigger: "axis" },
    legend: { bottom: 0, textStyle: { color: AXIS_TEXT } },
    grid: { left: 60, right: 20, top: 20, bottom: 70 },
    xAxis: { type: "value", min: 0, max: 1, name: "Recall", nameLocation: "middle", nameGap: 28, axisLabel: { color: AXIS_TEXT }, nameTextStyle: { color: AXIS_TEXT } },
    yAxis: { type: "value", min: 0, max: 1, name: "Precision", nameLocation: "middle", nameGap: 40, axisLabel: { color: AXIS_TEXT }, nameTextStyle: { color: AXIS_TEXT } },
    series,
  };
}

// Residuals (actual − predicted) against the prediction, with the zero line: a good regressor's
// points straddle it evenly at every prediction.
export function residualOption(rows: ResidualRow[]): EvaluationOption {
  const data = rows.filter((r) => finite(r.actual) && finite(r.predicted)).map((r) => [r.predicted, r.actual - r.predicted]);
  return {
    tooltip: {
      renderMode: TOOLTIP_MODE,
      trigger: "item",
      formatter: (p: unknown) => {
        const [x, y] = (p as { value: [number, number] }).value;
        return `Predicted ${formatNumber(x)}, residual ${formatNumber(y)}`;
      },
    },
    grid: { left: 70, right: 20, top: 20, bottom: 50, containLabel: true },
    xAxis: { type: "value", scale: true, name: "Predicted", nameLocation: "middle", nameGap: 28, axisLabel: { color: AXIS_TEXT }, nameTextStyle: { color: AXIS_TEXT } },
    yAxis: { type: "value", scale: true, name: "Residual (actual − predicted)", nameLocation: "middle", nameGap: 55, axisLabel: { color: AXIS_TEXT }, nameTextStyle: { color: AXIS_TEXT } },
    series: [
      {
        type: "scatter",
        name: "Holdout rows",
        data,
        symbolSize: 6,
        itemStyle: { color: ACCENT, opacity: 0.7 },
        markLine: { silent: true, symbol: "none", data: [{ yAxis: 0 }], lineStyle: { color: MUTED, type: "dashed" }, label: { show: false } },
      },
    ],
  };
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return n.toExponential(3);
  return Number(n.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 4 });
}

// The curves and residuals as the model summary carries them (added to the API separately):
// read defensively, a field that is absent or malformed is null, never a failure.
export interface Curves {
  roc: RocPoint[];
  pr: PrPoint[];
}

export function readCurves(value: unknown): Curves | null {
  if (!value || typeof value !== "object") return null;
  const v = value as { roc?: unknown; pr?: unknown };
  const roc = Array.isArray(v.roc) ? v.roc.filter((p): p is RocPoint => !!p && finite((p as RocPoint).fpr) && finite((p as RocPoint).tpr)) : [];
  const pr = Array.isArray(v.pr) ? v.pr.filter((p): p is PrPoint => !!p && finite((p as PrPoint).recall) && finite((p as PrPoint).precision)) : [];
  if (roc.length === 0 && pr.length === 0) return null;
  return { roc, pr };
}

export function readResiduals(value: unknown): ResidualRow[] | null {
  if (!Array.isArray(value)) return null;
  const rows = value.filter((r): r is ResidualRow => !!r && finite((r as ResidualRow).actual) && finite((r as ResidualRow).predicted));
  return rows.length > 0 ? rows : null;
}

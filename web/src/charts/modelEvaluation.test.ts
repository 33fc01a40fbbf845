import { confusionMatrixOption, prOption, readCurves, readResiduals, residualOption, rocOption } from "./modelEvaluation";
import { featureImportanceOption, leaderboardOption } from "./modelImportance";
import { explanationWaterfallOption, probabilitiesOption } from "./modelPrediction";
import { backtestOption, forecastOption } from "./forecastSeries";

// The builders return ECharts options; the tests read the parts the chart draws.
type AnySeries = { type: string; name?: string; data: unknown[]; markLine?: { data: unknown[] } };
const seriesOf = (o: { series?: unknown }) => o.series as AnySeries[];
type Cell = { value: [number, number, number]; label: { color: string } };
const cellsOf = (o: { series?: unknown }) => (seriesOf(o)[0]!.data as Cell[]).map((c) => c.value);

describe("confusionMatrixOption", () => {
  it("puts [true][predicted] counts at (predicted, true) cells with the classes on both axes", () => {
    const o = confusionMatrixOption(["false", "true"], [
      [27, 3],
      [4, 7],
    ]);
    const cells = cellsOf(o);
    expect(cells).toContainEqual([1, 0, 3]); // true false, predicted true
    expect(cells).toContainEqual([0, 1, 4]); // true true, predicted false
    expect(cells).toHaveLength(4);
    expect((o.xAxis as { data: string[]; name: string }).data).toEqual(["false", "true"]);
    expect((o.yAxis as { name: string }).name).toBe("True class");
    expect((o.visualMap as { max: number }).max).toBe(27);
    // Light text on the dark (large) cell, dark text on the light ones.
    const labels = (seriesOf(o)[0]!.data as Cell[]).map((c) => [c.value[2], c.label.color]);
    expect(labels).toContainEqual([27, "#ffffff"]);
    expect(labels).toContainEqual([3, "#1b1f24"]);
  });

  it("normalises each true class's row to shares", () => {
    const o = confusionMatrixOption(["a", "b"], [
      [3, 1],
      [0, 0],
    ], true);
    const cells = cellsOf(o);
    expect(cells).toContainEqual([0, 0, 0.75]);
    expect(cells).toContainEqual([1, 0, 0.25]);
    expect(cells).toContainEqual([0, 1, 0]); // an empty row stays 0, not NaN
    expect((o.visualMap as { max: number }).max).toBe(1);
  });

  it("treats a short or ragged matrix as zeros", () => {
    const cells = cellsOf(confusionMatrixOption(["a", "b", "c"], [[1]]));
    expect(cells).toHaveLength(9);
    expect(cells.filter((c) => c[2] !== 0)).toEqual([[0, 0, 1]]);
  });
});

describe("rocOption and prOption", () => {
  it("draws the ROC points in order of false positive rate, with the chance diagonal and the AUC", () => {
    const o = rocOption(
      [
        { fpr: 1, tpr: 1, threshold: 0 },
        { fpr: 0, tpr: 0, threshold: 1 },
        { fpr: 0.1, tpr: 0.7, threshold: 0.6 },
        { fpr: Number.NaN, tpr: 0.5, threshold: 0.5 },
      ],
      0.9567,
    );
    const [roc, chance] = seriesOf(o);
    expect(roc!.data).toEqual([
      [0, 0],
      [0.1, 0.7],
      [1, 1],
    ]);
    expect(chance!.data).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect((o.title as { text: string }).text).toBe("AUC 0.957");
  });

  it("has no title without an AUC", () => {
    expect(rocOption([{ fpr: 0, tpr: 0 }]).title).toBeUndefined();
  });

  it("draws precision against recall and the no-skill line at the baseline", () => {
    const o = prOption(
      [
        { recall: 1, precision: 0.25 },
        { recall: 0.5, precision: 0.9 },
      ],
      0.25,
    );
    const [pr, noSkill] = seriesOf(o);
    expect(pr!.data).toEqual([
      [0.5, 0.9],
      [1, 0.25],
    ]);
    expect(noSkill!.data).toEqual([
      [0, 0.25],
      [1, 0.25],
    ]);
    expect(seriesOf(prOption([{ recall: 1, precision: 1 }]))).toHaveLength(1);
  });
});

describe("residualOption", () => {
  it("plots actual − predicted against predicted with a zero line", () => {
    const o = residualOption([
      { actual: 10, predicted: 8 },
      { actual: 5, predicted: 7.5 },
      { actual: Number.NaN, predicted: 1 },
    ]);
    const s = seriesOf(o)[0]!;
    expect(s.type).toBe("scatter");
    expect(s.data).toEqual([
      [8, 2],
      [7.5, -2.5],
    ]);
    expect(s.markLine!.data).toEqual([{ yAxis: 0 }]);
  });
});

describe("readCurves and readResiduals (fields the model summary may not carry yet)", () => {
  it("reads well-formed curves and drops malformed points", () => {
    const c = readCurves({ roc: [{ fpr: 0, tpr: 0, threshold: 1 }, { fpr: "x" }], pr: [{ recall: 1, precision: 0.5, threshold: 0 }] });
    expect(c).toEqual({ roc: [{ fpr: 0, tpr: 0, threshold: 1 }], pr: [{ recall: 1, precision: 0.5, threshold: 0 }] });
  });

  it("answers null for absent, null or empty fields", () => {
    expect(readCurves(undefined)).toBeNull();
    expect(readCurves(null)).toBeNull();
    expect(readCurves({ roc: [], pr: [] })).toBeNull();
    expect(readCurves("nope")).toBeNull();
    expect(readResiduals(undefined)).toBeNull();
    expect(readResiduals([])).toBeNull();
    expect(readResiduals([{ actual: 1 }])).toBeNull();
    expect(readResiduals([{ actual: 1, predicted: 2 }])).toEqual([{ actual: 1, predicted: 2 }]);
  });
});

describe("every builder's tooltip", () => {
  it("is drawn on the canvas, not as HTML with inline styles (the CSP refuses those)", () => {
    const options = [
      confusionMatrixOption(["a"], [[1]]),
      rocOption([]),
      prOption([]),
      residualOption([]),
      featureImportanceOption({ a: 1 }),
      leaderboardOption([]),
      probabilitiesOption({ a: 1 }),
      explanationWaterfallOption(0, []),
      forecastOption([], []),
      backtestOption([]),
    ];
    for (const o of options) expect((o.tooltip as { renderMode: string }).renderMode).toBe("richText");
  });
});

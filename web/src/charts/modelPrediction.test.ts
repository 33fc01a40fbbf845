import { explanationWaterfallOption, probabilitiesOption, waterfallSteps } from "./modelPrediction";

type Item = number | { value: number; itemStyle: { color: string } };
type S = { name: string; data: Item[] };
const series = (o: { series?: unknown }) => o.series as S[];
const value = (i: Item | undefined) => (typeof i === "number" ? i : (i?.value ?? 0));

describe("probabilitiesOption", () => {
  it("lists classes most probable first and highlights the predicted one", () => {
    const o = probabilitiesOption({ false: 0.2, true: 0.7, maybe: 0.1 }, "true");
    expect((o.yAxis as { data: string[] }).data).toEqual(["true", "false", "maybe"]);
    const data = series(o)[0]!.data as { value: number; itemStyle: { color: string } }[];
    expect(data.map((d) => d.value)).toEqual([0.7, 0.2, 0.1]);
    expect(data[0]!.itemStyle.color).not.toBe(data[1]!.itemStyle.color);
    expect(data[1]!.itemStyle.color).toBe(data[2]!.itemStyle.color);
  });
});

describe("waterfallSteps", () => {
  it("walks from the bias through the contributions, largest first, to their sum", () => {
    const steps = waterfallSteps(-1, [
      { column: "small", contribution: 0.5 },
      { column: "big", contribution: 3 },
      { column: "neg", contribution: -1 },
    ]);
    expect(steps.map((s) => s.label)).toEqual(["Bias (average)", "big", "neg", "small", "Sum (margin)"]);
    expect(steps[1]).toEqual({ label: "big", start: -1, end: 2, kind: "up" });
    expect(steps[2]).toEqual({ label: "neg", start: 2, end: 1, kind: "down" });
    expect(steps.at(-1)).toEqual({ label: "Sum (margin)", start: 0, end: 1.5, kind: "total" });
  });

  it("adds what the shown contributions leave out when the total is known", () => {
    const steps = waterfallSteps(100, [{ column: "a", contribution: 10 }], 105);
    expect(steps.map((s) => s.label)).toEqual(["Bias (average)", "a", "Other columns", "Prediction"]);
    expect(steps[2]).toEqual({ label: "Other columns", start: 110, end: 105, kind: "down" });
    expect(steps.at(-1)!.end).toBe(105);
    // A total the contributions reach adds no step.
    expect(waterfallSteps(100, [{ column: "a", contribution: 10 }], 110).map((s) => s.label)).toEqual(["Bias (average)", "a", "Prediction"]);
  });
});

describe("explanationWaterfallOption", () => {
  // For each category, the visible bar spans [base, base + length] in the stack.
  const spans = (o: ReturnType<typeof explanationWaterfallOption>) => {
    const [basePos, baseNeg, pos, neg] = series(o);
    return basePos!.data.map((_, i) => {
      const bp = value(basePos!.data[i]);
      const bn = value(baseNeg!.data[i]);
      const p = value(pos!.data[i]);
      const n = value(neg!.data[i]);
      const lows: number[] = [];
      const highs: number[] = [];
      if (p !== 0) {
        lows.push(bp);
        highs.push(bp + p);
      }
      if (n !== 0) {
        lows.push(bn + n);
        highs.push(bn);
      }
      return [Math.min(...lows), Math.max(...highs)];
    });
  };

  it("draws each step from its start to its end, on either side of zero", () => {
    const o = explanationWaterfallOption(-1, [
      { column: "up", contribution: 3 },
      { column: "down", contribution: -0.5 },
    ]);
    expect((o.yAxis as { data: string[] }).data).toEqual(["Bias (average)", "up", "down", "Sum (margin)"]);
    expect(spans(o)).toEqual([
      [-1, 0], // bias below zero
      [-1, 2], // crosses zero
      [1.5, 2],
      [0, 1.5],
    ]);
    // The base series are invisible.
    const base = (o.series as { itemStyle: { color: string } }[])[0]!;
    expect(base.itemStyle.color).toBe("transparent");
  });

  it("stacks every part on one stack so the bars share a row", () => {
    const stacks = new Set((explanationWaterfallOption(1, [{ column: "a", contribution: 1 }]).series as { stack: string }[]).map((s) => s.stack));
    expect(stacks.size).toBe(1);
  });
});

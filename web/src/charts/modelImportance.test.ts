import { featureImportanceOption, leaderboardOption, rankImportance } from "./modelImportance";

type Bar = { data: (number | { value: number; itemStyle: { color: string } })[] };
const bars = (o: { series?: unknown }) => (o.series as Bar[])[0]!;

describe("feature importance", () => {
  it("ranks columns most important first and sums the tail beyond the limit", () => {
    const ranked = rankImportance({ a: 1, b: 3, c: 2, d: 0.5, e: Number.NaN }, 2);
    expect(ranked).toEqual([
      { name: "b", value: 3 },
      { name: "c", value: 2 },
      { name: "2 other columns", value: 1.5 },
    ]);
  });

  it("draws one bar per column in rank order", () => {
    const o = featureImportanceOption({ tenure: 2.58, contract: 2.39, senior: 0.84 });
    expect((o.yAxis as { data: string[]; inverse: boolean }).data).toEqual(["tenure", "contract", "senior"]);
    expect((o.yAxis as { inverse: boolean }).inverse).toBe(true);
    expect(bars(o).data).toEqual([2.58, 2.39, 0.84]);
  });
});

describe("leaderboardOption", () => {
  it("orders candidates by validation score, highlights the chosen one and leaves out diverged ones", () => {
    const o = leaderboardOption(
      [
        { algorithm: "XGBoost", validation_metric: "log_loss", validation_score: 0.43 },
        { algorithm: "RandomForest", validation_metric: "log_loss", validation_score: null },
        { algorithm: "Linear", validation_metric: "log_loss", validation_score: 0.37 },
      ],
      "Linear",
    );
    expect((o.yAxis as { data: string[] }).data).toEqual(["Linear", "XGBoost"]);
    const data = bars(o).data as { value: number; itemStyle: { color: string } }[];
    expect(data.map((d) => d.value)).toEqual([0.37, 0.43]);
    expect(data[0]!.itemStyle.color).not.toBe(data[1]!.itemStyle.color);
    expect((o.xAxis as { name: string }).name).toContain("log_loss");
  });
});

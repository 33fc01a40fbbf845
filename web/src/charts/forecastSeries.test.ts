import { BAND_STACK, backtestOption, forecastOption } from "./forecastSeries";

type S = { name: string; data: unknown[]; stack?: string; areaStyle?: unknown };
const series = (o: { series?: unknown }) => o.series as S[];
const byName = (o: { series?: unknown }, name: string) => series(o).find((s) => s.name === name)!;

const history = [
  { date: "2025-04-28", value: 140 },
  { date: "2025-04-29", value: null },
  { date: "2025-04-30", value: 150 },
];
const forecast = [
  { date: "2025-05-01", value: 147, lower: 135, upper: 158, confidence: 0.8 },
  { date: "2025-05-02", value: 151, lower: 146, upper: 157, confidence: 0.8 },
];

describe("forecastOption", () => {
  it("draws the history as given, gaps included", () => {
    expect(byName(forecastOption(history, forecast), "History").data).toEqual([
      ["2025-04-28", 140],
      ["2025-04-29", null],
      ["2025-04-30", 150],
    ]);
  });

  it("starts the forecast at the last observed value and continues with the forecast points", () => {
    expect(byName(forecastOption(history, forecast), "Forecast").data).toEqual([
      ["2025-04-30", 150],
      ["2025-05-01", 147],
      ["2025-05-02", 151],
    ]);
  });

  it("makes the band a stacked area: the lower bound, then its width filled above it", () => {
    const o = forecastOption(history, forecast);
    const lower = byName(o, "Lower bound");
    const band = byName(o, "80% interval");
    expect(lower.stack).toBe(BAND_STACK);
    expect(band.stack).toBe(BAND_STACK);
    expect(lower.areaStyle).toBeUndefined();
    expect(band.areaStyle).toBeDefined();
    expect(lower.data).toEqual([
      ["2025-04-30", 150],
      ["2025-05-01", 135],
      ["2025-05-02", 146],
    ]);
    expect(band.data).toEqual([
      ["2025-04-30", 0],
      ["2025-05-01", 23],
      ["2025-05-02", 11],
    ]);
    // The lower bound series comes first so the band stacks on it.
    const names = series(o).map((s) => s.name);
    expect(names.indexOf("Lower bound")).toBeLessThan(names.indexOf("80% interval"));
  });

  it("names the band by the confidence asked for and works without history", () => {
    const o = forecastOption([], forecast, 0.95);
    expect(byName(o, "95% interval")).toBeDefined();
    expect(byName(o, "Forecast").data[0]).toEqual(["2025-05-01", 147]);
  });
});

describe("backtestOption", () => {
  it("orders the candidates by the metric and highlights the methods the model uses", () => {
    const o = backtestOption(
      [
        { algorithm: "SeasonalNaive", mase: 1.12, smape: 4.7, series_chosen: 0 },
        { algorithm: "ETS", mase: 0.71, smape: 2.9, series_chosen: 3 },
        { algorithm: "Theta", mase: null, smape: 3.6, series_chosen: 0 },
      ],
      "mase",
    );
    expect((o.yAxis as { data: string[] }).data).toEqual(["ETS", "SeasonalNaive"]);
    const data = series(o)[0]!.data as { value: number; itemStyle: { color: string } }[];
    expect(data.map((d) => d.value)).toEqual([0.71, 1.12]);
    expect(data[0]!.itemStyle.color).not.toBe(data[1]!.itemStyle.color);
    expect((backtestOption([{ algorithm: "Theta", smape: 3.6 }], "smape").yAxis as { data: string[] }).data).toEqual(["Theta"]);
  });
});

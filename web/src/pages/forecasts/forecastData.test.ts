import { distinctSeries, lastPeriods, parseConfidence, parseSteps, seriesHistory, timeColumns } from "./forecastData";

const rows = [
  { store: "S10", day: "2025-01-02", sales: 5 },
  { store: "S2", day: "2025-01-02", sales: 20 },
  { store: "S2", day: "2025-01-01", sales: 10 },
  { store: "S2", day: "2025-01-03", sales: null },
  { store: "S2", day: "2025-01-03", sales: 7 },
  { store: "S2", day: "2025-01-03", sales: 9 },
  { store: null, day: "2025-01-01", sales: 1 },
  { store: "S10", day: null, sales: 3 },
];
const columns = { id: "store", time: "day", target: "sales" };

describe("timeColumns", () => {
  it("lists the Date and DateTime columns", () => {
    expect(timeColumns([{ column_name: "a", data_type: "String" }, { column_name: "d", data_type: "Date" }, { column_name: "t", data_type: "DateTime" }])).toEqual(["d", "t"]);
  });
});

describe("distinctSeries", () => {
  it("lists the Id values in natural order, without empties", () => {
    expect(distinctSeries(rows, "store")).toEqual(["S2", "S10"]);
    expect(distinctSeries(rows, null)).toEqual([]);
  });
});

describe("seriesHistory", () => {
  it("keeps one series' rows in time order", () => {
    expect(seriesHistory(rows, columns, "S10")).toEqual([{ date: "2025-01-02", value: 5 }]);
    expect(seriesHistory(rows, columns, "S2").map((p) => p.date)).toEqual(["2025-01-01", "2025-01-02", "2025-01-03"]);
  });

  it("combines rows of one period as the model's aggregate says (last without one)", () => {
    const at3 = (aggregate?: string) => seriesHistory(rows, columns, "S2", aggregate).at(-1)!.value;
    expect(at3()).toBe(9);
    expect(at3("sum")).toBe(16);
    expect(at3("mean")).toBe(8);
  });

  it("reads every row as the one series when the model has no Id, and an empty period as a gap", () => {
    const one = seriesHistory(
      [
        { day: "2025-01-02", sales: null },
        { day: "2025-01-01", sales: 4 },
      ],
      { id: null, time: "day", target: "sales" },
      "all",
    );
    expect(one).toEqual([
      { date: "2025-01-01", value: 4 },
      { date: "2025-01-02", value: null },
    ]);
  });
});

describe("lastPeriods", () => {
  it("keeps the tail, or everything with 0", () => {
    const h = [1, 2, 3].map((v) => ({ date: `2025-01-0${v}`, value: v }));
    expect(lastPeriods(h, 2).map((p) => p.value)).toEqual([2, 3]);
    expect(lastPeriods(h, 0)).toBe(h);
    expect(lastPeriods(h, 5)).toBe(h);
  });
});

describe("parseSteps and parseConfidence", () => {
  it("defaults to the horizon and 0.95 and refuses what the API would", () => {
    expect(parseSteps("", 14)).toBe(14);
    expect(parseSteps("7", 14)).toBe(7);
    expect(parseSteps("15", 14)).toMatch(/1 to 14/);
    expect(parseSteps("2.5", 14)).toMatch(/whole/);
    expect(parseConfidence("")).toBe(0.95);
    expect(parseConfidence("0.8")).toBe(0.8);
    expect(parseConfidence("0.3")).toMatch(/0.5/);
    expect(parseConfidence("1")).toMatch(/0.99/);
  });
});

import {
  excerpt,
  formatRecordList,
  guessDelimiter,
  hasProblems,
  linesToAsk,
  parseRecordList,
  problemsByRecord,
  recordsOfLines,
  rejectedAnything,
  reportRows,
  sampleRecords,
  type ErrorReport,
} from "./report";

// What the server answered for name,age,score with "abc" for an age, "x" for a score and a short row.
const report: ErrorReport = {
  errors: [
    { column: null, count: 1, expected: "3 fields", kind: "ragged_row", samples: [{ row: 6, value: "eve,60" }] },
    { column: "age", count: 7, expected: "Integer", kind: "type_mismatch", samples: [{ row: 3, value: "abc" }, { row: 9, value: "1.5" }] },
    { column: "score", count: 1, expected: "Float", kind: "type_mismatch", samples: [{ row: 3, value: "x" }] },
  ],
  extra_columns: [],
  invalid_records: 9,
  missing_columns: [],
};

describe("reportRows", () => {
  it("makes one row per error group with its column, kind, expected type, count and samples", () => {
    const rows = reportRows(report);
    expect(rows.map((r) => [r.column, r.kindLabel, r.expected, r.count])).toEqual([
      [null, "Wrong number of fields", "3 fields", 1],
      ["age", "Wrong type", "Integer", 7],
      ["score", "Wrong type", "Float", 1],
    ]);
    expect(rows[1]!.samples).toEqual([
      { row: 3, value: "abc" },
      { row: 9, value: "1.5" },
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
  });

  it("has no rows for a clean file", () => {
    expect(reportRows(null)).toEqual([]);
    expect(reportRows({ errors: [], invalid_records: 0 })).toEqual([]);
  });

  it("keeps a kind it does not know by its name", () => {
    const rows = reportRows({ errors: [{ kind: "something_new" as never, count: 1, samples: [] }] });
    expect(rows[0]!.kindLabel).toBe("something_new");
  });
});

describe("what a report says", () => {
  it("tells files with problems from clean ones", () => {
    expect(hasProblems(report)).toBe(true);
    expect(hasProblems(null)).toBe(false);
    expect(hasProblems({ errors: [], invalid_records: 0, missing_columns: [], extra_columns: [] })).toBe(false);
    expect(hasProblems({ errors: [], invalid_records: 0, missing_columns: [], extra_columns: ["note"] })).toBe(true);
  });

  it("says an upload rejected something when a file lost records or columns", () => {
    expect(rejectedAnything([{ error_report: null }, { error_report: report }])).toBe(true);
    expect(rejectedAnything([{ error_report: { invalid_records: 0, missing_columns: ["age"] } }])).toBe(true);
    expect(rejectedAnything([{ error_report: { invalid_records: 0, extra_columns: ["note"] } }])).toBe(false);
    expect(rejectedAnything(undefined)).toBe(false);
  });

  it("lists sampled records once, ascending, with every problem of each", () => {
    const rows = reportRows(report);
    expect(sampleRecords(rows)).toEqual([3, 6, 9]);
    expect(sampleRecords([rows[1]!])).toEqual([3, 9]);
    const problems = problemsByRecord(rows);
    expect(problems.get(3)!.map((p) => `${p.column}:${p.value}`)).toEqual(["age:abc", "score:x"]);
    expect(problems.get(6)![0]!.column).toBeNull();
  });
});

describe("record lists in the URL", () => {
  it("round-trips and drops what is not a record number", () => {
    expect(parseRecordList("9,3,x,3,0,-1,2.5, 4")).toEqual([3, 4, 9]);
    expect(parseRecordList(null)).toEqual([]);
    expect(formatRecordList([9, 3, 3])).toBe("3,9");
  });
});

describe("recordsOfLines", () => {
  it("numbers one record per line for a plain file, the header first", () => {
    expect(recordsOfLines(["a,b", "1,2", "3,4"]).map((r) => [r.record, r.first, r.last])).toEqual([
      [1, 1, 1],
      [2, 2, 2],
      [3, 3, 3],
    ]);
  });

  it("skips blank lines and counts a quoted line break once", () => {
    const lines = ["name,age,score", "ann,30,1.5", "", '"b', 'ob",abc,2.5', "cid,40,x"];
    expect(recordsOfLines(lines).map((r) => [r.record, r.first, r.last])).toEqual([
      [1, 1, 1],
      [2, 2, 2],
      [3, 4, 5],
      [4, 6, 6],
    ]);
  });

  it("reads doubled quotes inside a quoted field and quotes inside unquoted fields as text", () => {
    const lines = ['a,b', '"say ""hi"",', 'there",1', 'x"y,2'];
    const records = recordsOfLines(lines);
    expect(records.map((r) => [r.record, r.first, r.last])).toEqual([
      [1, 1, 1],
      [2, 2, 3],
      [3, 4, 4],
    ]);
  });

  it("uses the header's delimiter to find field starts", () => {
    expect(guessDelimiter("a;b;c")).toBe(";");
    expect(guessDelimiter("a\tb")).toBe("\t");
    expect(guessDelimiter('"x,y"|b|c')).toBe("|");
    expect(guessDelimiter("single")).toBe(",");
    // ';' file: a quote after a comma is not a field start, so no quoted field opens here.
    expect(recordsOfLines(["a;b", 'x,"y;2', "z;3"], ";").map((r) => r.first)).toEqual([1, 2, 3]);
  });

  it("marks a record cut off by the end of the lines as incomplete", () => {
    const records = recordsOfLines(["a,b", '"open,1', "still open"]);
    expect(records.at(-1)).toEqual({ record: 2, first: 2, last: 3, complete: false });
  });
});

describe("linesToAsk", () => {
  it("starts just past the record's number, doubles, and stops at the API's limit", () => {
    expect(linesToAsk(6)).toBe(16);
    expect(linesToAsk(6, 16)).toBe(32);
    expect(linesToAsk(995)).toBe(1000);
    expect(linesToAsk(6, 800)).toBe(1000);
  });
});

describe("excerpt", () => {
  const lines = ["h1,h2", "1,a", "2,b", "3,c", "4,d", "5,e", "6,f", "7,g", "8,h", "9,i", "10,j", "11,k"];

  it("shows the header, each wanted record with context, and gaps between", () => {
    const { parts, missing } = excerpt(lines, [3, 11], 1);
    expect(missing).toEqual([]);
    const shape = parts.map((p) => (p.gap ? `gap ${p.from}-${p.to}` : p.lines.map((l) => `${l.line}${l.offending ? "*" : ""}`).join(" ")));
    expect(shape).toEqual(["1 2 3* 4", "gap 5-9", "10 11* 12"]);
  });

  it("reports records the lines do not reach", () => {
    const { parts, missing } = excerpt(lines.slice(0, 4), [3, 50], 0);
    expect(missing).toEqual([50]);
    expect(parts).toHaveLength(1);
    // a one-line hole (line 2) is shown, not announced as a gap
    expect(parts[0]).toMatchObject({ gap: false, lines: [{ line: 1, record: 1 }, { line: 2, offending: false }, { line: 3, record: 3, offending: true }] });
    const longer = excerpt(lines, [5], 0).parts;
    expect(longer.map((p) => (p.gap ? `gap ${p.from}-${p.to}` : p.lines.map((l) => l.line).join(" ")))).toEqual(["1", "gap 2-4", "5"]);
  });

  it("marks every line of a multi-line offending record", () => {
    const { parts } = excerpt(["a,b", '"x', 'y",1', "z,2"], [2], 0);
    const shown = parts.flatMap((p) => (p.gap ? [] : p.lines));
    expect(shown.filter((l) => l.offending).map((l) => l.line)).toEqual([2, 3]);
    expect(shown.find((l) => l.line === 3)!.record).toBe(2);
  });
});

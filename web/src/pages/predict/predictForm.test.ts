import { ApiError } from "../../api/errors";
import { describeOutput, inputKind, issuesFromApi, localIssues, parseCsv, toFeatures, type FormHeader } from "./predictForm";

const headers: FormHeader[] = [
  { column_name: "customer_id", data_type: "String", default_value: null, attribute_name: "Id" },
  { column_name: "tenure", data_type: "Integer", default_value: "12", attribute_name: "Feature" },
  { column_name: "charges", data_type: "Float", default_value: null, attribute_name: "Feature" },
  { column_name: "senior", data_type: "Boolean", default_value: null, attribute_name: "Feature" },
  { column_name: "signup", data_type: "Date", default_value: null, attribute_name: "Feature" },
  { column_name: "last_seen", data_type: "DateTime", default_value: null, attribute_name: "Feature" },
  { column_name: "notes", data_type: "String", default_value: null, attribute_name: "Feature" },
];

describe("inputKind", () => {
  it("maps the API's data types to inputs", () => {
    expect(["Integer", "Float", "Boolean", "Date", "DateTime", "String", undefined].map(inputKind)).toEqual(["integer", "number", "boolean", "date", "datetime", "text", "text"]);
  });
});

describe("toFeatures", () => {
  it("types each value by its column and leaves empty ones out (the API's default applies)", () => {
    const features = toFeatures(headers, {
      customer_id: "C-1",
      tenure: " 3 ",
      charges: "95.5",
      senior: "true",
      signup: "2023-05-17",
      last_seen: "2024-01-02T03:04",
      notes: "  spaced  ",
    });
    expect(features).toEqual({
      customer_id: "C-1",
      tenure: 3,
      charges: 95.5,
      senior: true,
      signup: "2023-05-17",
      last_seen: "2024-01-02T03:04:00Z",
      notes: "  spaced  ",
    });
    expect(toFeatures(headers, { tenure: "", senior: "", notes: "   " })).toEqual({});
  });

  it("keeps seconds of a date-time and passes a bad number through for the API to name", () => {
    expect(toFeatures(headers, { last_seen: "2024-01-02T03:04:05", senior: "false", charges: "abc" })).toEqual({ last_seen: "2024-01-02T03:04:05Z", senior: false, charges: "abc" });
  });
});

describe("localIssues", () => {
  it("names integers and numbers that are not", () => {
    const issues = localIssues(headers, { tenure: "3.5", charges: "x", notes: "anything" });
    expect(issues.get("tenure")).toBe("A whole number");
    expect(issues.get("charges")).toBe("A number");
    expect(issues.has("notes")).toBe(false);
    expect(localIssues(headers, { tenure: "-4", charges: "1e3" }).size).toBe(0);
  });
});

describe("issuesFromApi", () => {
  it("puts each feature's 422 beside it and the rest under the form", () => {
    const issues = issuesFromApi(
      new ApiError(422, "x", [
        { loc: ["body", "features", "bogus"], msg: "Not an input of the model" },
        { loc: ["body", "preprocess_id"], msg: "Not the model's preprocess" },
      ]),
    );
    expect(issues.get("bogus")).toBe("Not an input of the model");
    expect(issues.get("")).toBe("Not the model's preprocess");
  });
});

describe("parseCsv", () => {
  it("reads quoted fields, doubled quotes and CRLF, up to the limit", () => {
    const text = 'id,prediction,probability_true\r\n"C,1",true,0.9\r\n"say ""hi""",false,0.1\r\nC3,true,0.7\r\n';
    expect(parseCsv(text)).toEqual({
      header: ["id", "prediction", "probability_true"],
      rows: [
        ["C,1", "true", "0.9"],
        ['say "hi"', "false", "0.1"],
        ["C3", "true", "0.7"],
      ],
    });
    expect(parseCsv(text, 1).rows).toEqual([["C,1", "true", "0.9"]]);
  });

  it("reads a last line without a newline, and empty fields", () => {
    expect(parseCsv("a,b\n1,\n,2")).toEqual({ header: ["a", "b"], rows: [["1", ""], ["", "2"]] });
  });
});

describe("describeOutput", () => {
  it("shows the class with its probability, a value, or a forecast's length", () => {
    expect(describeOutput({ prediction: "true", probabilities: { true: 0.9995, false: 0.0005 } })).toBe("true (100.0%)");
    expect(describeOutput({ prediction: 164083.484375 })).toBe("164083");
    expect(describeOutput({ forecast: [{}, {}, {}] })).toBe("3 periods forecast");
    expect(describeOutput(null)).toBe("");
  });
});

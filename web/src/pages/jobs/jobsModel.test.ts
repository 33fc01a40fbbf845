import { describe, expect, it } from "vitest";
import { anyActive, formatDuration, jobsListPath, parseJobList, runMs, statusClass, subjectLink, terminateUsage, waitMs } from "./jobsModel";

const T = (s: string) => `2025-01-01T10:${s}Z`;
const now = Date.parse(T("10:00"));

describe("jobsListPath", () => {
  it("pages and filters, dropping an unknown status", () => {
    expect(jobsListPath({ skip: 25, limit: 25, status: "running", kind: "train" })).toBe("/api/v1/jobs?skip=25&limit=25&status=running&kind=train");
    expect(jobsListPath({ skip: 0, limit: 10, status: "bogus" })).toBe("/api/v1/jobs?skip=0&limit=10");
  });
});

describe("parseJobList", () => {
  it("accepts {total, data} and drops rows that are not jobs", () => {
    expect(parseJobList({ total: 3, data: [{ id: 1, status: "running" }, null, { nope: 1 }] })).toEqual({ total: 3, data: [{ id: 1, status: "running" }] });
  });
  it("rejects another shape (e.g. a bare array)", () => {
    expect(() => parseJobList([{ id: 1 }])).toThrow(/unexpected shape/);
    expect(() => parseJobList(null)).toThrow();
  });
  it("knows whether any listed job is still going", () => {
    expect(anyActive({ total: 2, data: [{ id: 1, status: "completed" }, { id: 2, status: "queued" }] })).toBe(true);
    expect(anyActive({ total: 1, data: [{ id: 1, status: "failed" }] })).toBe(false);
    expect(anyActive(undefined)).toBe(false);
  });
});

describe("timings", () => {
  it("runs from start to finish", () => {
    expect(runMs({ started_at: T("00:00"), finished_at: T("01:30"), status: "completed" }, now)).toBe(90_000);
  });
  it("runs until now while running, and is unknown before the start", () => {
    expect(runMs({ started_at: T("09:00"), finished_at: null, status: "running" }, now)).toBe(60_000);
    expect(runMs({ started_at: null, finished_at: null, status: "queued" }, now)).toBeNull();
    expect(runMs({ started_at: T("09:00"), finished_at: null, status: "failed" }, now)).toBeNull();
  });
  it("waits from creation to start; a job cancelled in the queue waited until it was cancelled", () => {
    const base = { created_at: T("00:00"), status: "completed" as const };
    expect(waitMs({ ...base, started_at: T("00:02"), finished_at: T("00:09") }, now)).toBe(2000);
    expect(waitMs({ ...base, status: "queued", started_at: null, finished_at: null }, now)).toBe(600_000);
    expect(waitMs({ ...base, status: "cancelled", started_at: null, finished_at: T("00:05") }, now)).toBe(5000);
  });
  it("formats durations at a readable precision", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(4250)).toBe("4.3 s");
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(185_000)).toBe("3 min 05 s");
    expect(formatDuration(2 * 3600_000 + 3 * 60_000)).toBe("2 h 03 min");
    expect(formatDuration(28 * 3600_000)).toBe("1 d 4 h");
  });
});

describe("terminate and links", () => {
  it("maps a job kind to terminate's usage", () => {
    expect(terminateUsage("train")).toBe("training");
    expect(terminateUsage("shap")).toBe("shap");
    expect(terminateUsage("batch_prediction")).toBe("batch_prediction");
    expect(terminateUsage("mystery")).toBeNull();
  });
  it("links datasets and trainings", () => {
    expect(subjectLink("dataset:12")).toEqual({ to: "/datasets/12", label: "Dataset 12" });
    expect(subjectLink("training:5")).toEqual({ to: "/training/5", label: "Training 5" });
    expect(subjectLink("model:x")).toBeNull();
    expect(subjectLink(undefined)).toBeNull();
  });
  it("colours statuses", () => {
    expect(statusClass("completed")).toBe("badge ok");
    expect(statusClass("failed")).toBe("badge bad");
    expect(statusClass("queued")).toBe("badge run");
    expect(statusClass("cancelled")).toBe("badge");
  });
});

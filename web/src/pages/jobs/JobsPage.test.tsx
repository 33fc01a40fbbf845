import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router-dom";
import { JobsPage } from "./JobsPage";

function renderAt(url: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[url]}>
        <JobsPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

afterEach(() => vi.unstubAllGlobals());

describe("JobsPage", () => {
  it("shows its error state, not a crash, while the server has no job list (404)", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json({ detail: "Not Found" }, 404)));
    renderAt("/jobs");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("cannot list jobs (GET /api/v1/jobs answered 404)");
    expect(screen.getByRole("textbox", { name: "Open a job by id" })).toBeInTheDocument();
  });

  it("asks with the URL's filters and page, and lists the jobs with their timings", async () => {
    const fetch = vi.fn(async () =>
      json({
        total: 1,
        data: [
          {
            id: 9,
            kind: "train",
            subject: "training:4",
            status: "failed",
            backend: "ray",
            backend_status: "FAILED",
            error: "worker exited with code 1",
            created_at: "2025-01-01T10:00:00Z",
            started_at: "2025-01-01T10:00:05Z",
            finished_at: "2025-01-01T10:03:10Z",
          },
        ],
      }),
    );
    vi.stubGlobal("fetch", fetch);
    renderAt("/jobs?status=failed&kind=train&page=2&size=10");
    const table = await screen.findByRole("table");
    const url = new URL(String((fetch.mock.calls[0] as unknown[])[0]));
    expect(url.pathname).toBe("/api/v1/jobs");
    expect(Object.fromEntries(url.searchParams)).toEqual({ skip: "10", limit: "10", status: "failed", kind: "train" });
    const row = within(table).getAllByRole("row")[1]!;
    expect(row).toHaveTextContent("#9");
    expect(row).toHaveTextContent("Training");
    expect(within(row).getByRole("link", { name: "Training 4" })).toHaveAttribute("href", "/training/4");
    expect(row).toHaveTextContent("3 min 05 s");
    expect(row).toHaveTextContent("worker exited with code 1");
    // Not signed in here: no terminate without can_terminate_jobs.
    expect(within(row).queryByRole("button", { name: /Terminate/ })).toBeNull();
  });

  it("says so when no job matches the filters, and clears them", async () => {
    const fetch = vi.fn(async () => json({ total: 0, data: [] }));
    vi.stubGlobal("fetch", fetch);
    renderAt("/jobs?status=cancelled");
    expect(await screen.findByText("No jobs match these filters.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(await screen.findByText(/No jobs yet/)).toBeInTheDocument();
    const last = new URL(String((fetch.mock.calls.at(-1) as unknown[])[0]));
    expect(last.searchParams.has("status")).toBe(false);
  });

  it("rejects an answer of another shape with an error", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json([{ id: 1 }])));
    renderAt("/jobs");
    expect(await screen.findByRole("alert")).toHaveTextContent("unexpected shape");
  });
});

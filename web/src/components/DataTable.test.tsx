import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, useLocation } from "react-router-dom";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, sortQuery, usePaging } from "./DataTable";

interface Row {
  id: number;
  name: string;
}
const col = createColumnHelper<Row>();
const columns = [col.accessor("id", { header: "Id" }), col.accessor("name", { header: "Name" })];

function Harness({ total, rows }: { total?: number; rows: Row[] }) {
  const paging = usePaging("", 10);
  const location = useLocation();
  return (
    <>
      <output data-testid="url">{location.search}</output>
      <output data-testid="skip">{paging.skip}</output>
      <output data-testid="order">{JSON.stringify(sortQuery(paging, ["name"]))}</output>
      <DataTable caption="Things" columns={columns} rows={rows} total={total} paging={paging} sortable={["name"]} />
    </>
  );
}

const tenRows = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: `n${i + 1}` }));

describe("DataTable", () => {
  it("keeps the page and the sort in the URL and turns them into skip", async () => {
    render(
      <MemoryRouter initialEntries={["/x?page=3"]}>
        <Harness rows={tenRows} total={100_000} />
      </MemoryRouter>,
    );
    expect(screen.getByTestId("skip")).toHaveTextContent("20");
    expect(screen.getByText("Page 3 of 10,000")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Next page" }));
    expect(screen.getByTestId("url")).toHaveTextContent("page=4");
    await userEvent.click(screen.getByRole("button", { name: "Last page" }));
    expect(screen.getByTestId("url")).toHaveTextContent("page=10000");
    await userEvent.click(screen.getByRole("button", { name: /Name/ }));
    expect(screen.getByTestId("url")).toHaveTextContent("sort=name");
    expect(screen.getByTestId("url")).not.toHaveTextContent("page=");
    expect(screen.getByTestId("order")).toHaveTextContent('{"order_by":"name","order":"asc"}');
    expect(screen.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "ascending");
    await userEvent.click(screen.getByRole("button", { name: /Name/ }));
    expect(screen.getByTestId("url")).toHaveTextContent("sort=-name");
    expect(screen.getByTestId("order")).toHaveTextContent('{"order_by":"name","order":"desc"}');
    // Only the columns the list sorts by are buttons.
    expect(screen.queryByRole("button", { name: /^Id/ })).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("Rows per page"), "50");
    expect(screen.getByTestId("url")).toHaveTextContent("size=50");
  });

  it("ignores a sort in the URL that the list does not take", () => {
    render(
      <MemoryRouter initialEntries={["/x?sort=-password"]}>
        <Harness rows={tenRows} />
      </MemoryRouter>,
    );
    expect(screen.getByTestId("order")).toHaveTextContent("{}");
  });

  it("renders only the page it is given and offers next while pages come back full", () => {
    render(
      <MemoryRouter initialEntries={["/x"]}>
        <Harness rows={tenRows} />
      </MemoryRouter>,
    );
    expect(screen.getAllByRole("row")).toHaveLength(11); // header + 10
    expect(screen.getByRole("button", { name: "Next page" })).toBeEnabled();
    expect(screen.getByRole("button", { name: "Previous page" })).toBeDisabled();
  });

  it("has no next page past the total", () => {
    render(
      <MemoryRouter initialEntries={["/x?page=2"]}>
        <Harness rows={tenRows.slice(0, 5)} total={15} />
      </MemoryRouter>,
    );
    expect(screen.getByRole("button", { name: "Next page" })).toBeDisabled();
    expect(screen.getByText("11–15 of 15")).toBeInTheDocument();
  });
});

import { useState } from "react";
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { DropZone, UploadProgressBar } from "./DropZone";

function Harness({ initial = [] as File[] }) {
  const [files, setFiles] = useState<File[]>(initial);
  return <DropZone id="f" files={files} onChange={setFiles} />;
}

const csv = (name: string, text = "a,b\n1,2\n") => new File([text], name, { type: "text/csv", lastModified: 1 });

describe("DropZone", () => {
  it("is a labelled file input: picking files lists them, picking one again adds it once", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const input = screen.getByLabelText("Choose CSV files");
    expect(input).toHaveAttribute("type", "file");
    await user.upload(input, [csv("a.csv"), csv("b.csv")]);
    await user.upload(input, csv("a.csv"));
    const list = screen.getByRole("list", { name: "Chosen files" });
    expect(list.querySelectorAll("li")).toHaveLength(2);
    expect(list).toHaveTextContent("a.csv");
    expect(list).toHaveTextContent("b.csv");
  });

  it("takes dropped files and removes one with its button", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const zone = screen.getByTestId("f-dropzone");
    fireEvent.dragOver(zone, { dataTransfer: { files: [], dropEffect: "none" } });
    expect(zone).toHaveClass("over");
    fireEvent.drop(zone, { dataTransfer: { files: [csv("dropped.csv")] } });
    expect(zone).not.toHaveClass("over");
    expect(screen.getByRole("list", { name: "Chosen files" })).toHaveTextContent("dropped.csv");
    await user.click(screen.getByRole("button", { name: "Remove dropped.csv" }));
    expect(screen.queryByRole("list", { name: "Chosen files" })).toBeNull();
  });

  it("ties its error to the input", () => {
    render(<DropZone id="f" files={[]} onChange={() => {}} error="Choose at least one CSV file" />);
    const input = screen.getByLabelText("Choose CSV files");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription(expect.stringContaining("Choose at least one CSV file"));
  });
});

describe("UploadProgressBar", () => {
  it("shows the bytes sent and a cancel button, then the wait for validation without one", async () => {
    const user = userEvent.setup();
    const cancel = vi.fn();
    const { rerender } = render(<UploadProgressBar progress={{ loaded: 512, total: 2048 }} onCancel={cancel} />);
    expect(screen.getByRole("progressbar", { name: "Upload progress" })).toHaveAttribute("value", "0.25");
    expect(screen.getByRole("status")).toHaveTextContent("Uploading 512 B of 2.0 KiB (25%)");
    await user.click(screen.getByRole("button", { name: "Cancel upload" }));
    expect(cancel).toHaveBeenCalledOnce();
    rerender(<UploadProgressBar progress={{ loaded: 2048, total: 2048 }} onCancel={cancel} />);
    expect(screen.getByRole("status")).toHaveTextContent("validating");
    expect(screen.queryByRole("button", { name: "Cancel upload" })).toBeNull();
  });
});

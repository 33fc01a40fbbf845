import { describe, expect, it } from "vitest";
import { withConsoleDefaults } from "./Chart";

describe("withConsoleDefaults", () => {
  it("labels the chart for screen readers and draws every tooltip on the canvas", () => {
    const option = withConsoleDefaults({ tooltip: { trigger: "axis" }, series: [] }, "Histogram of age");
    expect(option).toMatchObject({
      aria: { enabled: true, label: { description: "Histogram of age" } },
      tooltip: { trigger: "axis", renderMode: "richText" },
      animation: false,
    });
    const many = withConsoleDefaults({ tooltip: [{ show: true }, { show: false }] }, "x") as { tooltip: { renderMode: string }[] };
    expect(many.tooltip.map((t) => t.renderMode)).toEqual(["richText", "richText"]);
    expect(withConsoleDefaults({ series: [] }, "x")).not.toHaveProperty("tooltip");
  });
});

// One ECharts instance on a canvas, resized with its box. The option comes from a pure builder
// (src/charts/*), which is what the unit tests check; the chart carries an accessible label and
// an optional data table for screen readers.
import { useEffect, useRef } from "react";
import type { EChartsCoreOption } from "echarts/core";
import { echarts } from "../charts/echarts";

export function Chart({ option, label, height = 320 }: { option: EChartsCoreOption; label: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const instance = echarts.init(box.current, undefined, { renderer: "canvas" });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(withConsoleDefaults(option, label), true);
  }, [option, label]);

  return <div ref={box} className="chart" role="img" aria-label={label} style={{ height }} />;
}

// ECharts' own aria text (every data point) would replace the container's label, so the label is
// given as its description; HTML tooltips carry style="" that the CSP refuses, so tooltips are
// drawn on the canvas.
export function withConsoleDefaults(option: EChartsCoreOption, label: string): EChartsCoreOption {
  const tooltip = (option as { tooltip?: unknown }).tooltip;
  const canvasTooltip = (t: unknown) => (t && typeof t === "object" ? { ...t, renderMode: "richText" } : t);
  return {
    animation: false,
    ...option,
    aria: { enabled: true, label: { description: label } },
    ...(tooltip === undefined ? {} : { tooltip: Array.isArray(tooltip) ? tooltip.map(canvasTooltip) : canvasTooltip(tooltip) }),
  };
}

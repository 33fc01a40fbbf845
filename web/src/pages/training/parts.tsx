// Small pieces the training, predict and forecasts pages share.
import { useId, useMemo, type ReactNode } from "react";
import type { EChartsCoreOption } from "echarts/core";
import { Chart as BaseChart } from "../../components/Chart";
import { statusTone } from "./trainingApi";
import { formatNumber } from "../../charts/modelEvaluation";

export function StatusBadge({ status, label }: { status?: string; label?: string }) {
  const tone = statusTone(status);
  return (
    <span className={`badge ${tone}`}>
      {tone === "run" && <span className="spinner small" aria-hidden="true" />} {label ?? status ?? "unknown"}
    </span>
  );
}

export interface MetricItem {
  label: string;
  value: number | null | undefined;
  format?: "number" | "percent";
  hint?: string;
}

export function MetricCards({ items, label }: { items: MetricItem[]; label: string }) {
  const shown = items.filter((m) => m.value !== undefined);
  if (shown.length === 0) return null;
  return (
    <ul className="metrics" aria-label={label}>
      {shown.map((m) => (
        <li key={m.label} title={m.hint}>
          <span className="metric-label">{m.label}</span>
          <strong>{formatMetric(m.value, m.format)}</strong>
        </li>
      ))}
    </ul>
  );
}

export function formatMetric(value: number | null | undefined, format: "number" | "percent" = "number"): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (format === "percent") return `${(value * 100).toFixed(1)}%`;
  return formatNumber(value);
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const id = useId();
  return (
    <section className="card section" aria-labelledby={id}>
      {actions ? (
        <div className="section-head">
          <h2 id={id}>{title}</h2>
          <div className="actions">{actions}</div>
        </div>
      ) : (
        <h2 id={id}>{title}</h2>
      )}
      {children}
    </section>
  );
}

// The shared <Chart> with its label as ECharts' own aria description: with aria enabled, ECharts
// writes an aria-label of its own (a generated list of every series' data) over the one the
// component sets, so the description must be the label.
export function Chart({ option, label, height }: { option: EChartsCoreOption; label: string; height?: number }) {
  const labelled = useMemo(() => ({ ...option, aria: { enabled: true, label: { description: label } } }), [option, label]);
  return <BaseChart option={labelled} label={label} height={height} />;
}

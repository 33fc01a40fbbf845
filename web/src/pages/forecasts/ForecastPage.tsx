// Forecasts: pick a Forecast model (?model=) and a series (?series=), see its history with the
// forecast line and the interval band; steps (?steps=) and confidence (?confidence=) in the URL;
// optionally forecast from a newer dataset's history (?from=). Below, the backtest's scores per
// candidate method from the model summary.
import { useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { useUrlState } from "../../app/useUrlState";
import { PageHeader } from "../../components/PageHeader";
import { Empty, ErrorMessage, InProgress, Loading } from "../../components/States";
import { useMe } from "../../auth/useSession";
import { forecastOption } from "../../charts/forecastSeries";
import { formatNumber } from "../../charts/modelEvaluation";
import { BacktestPanel, metricItems, useAllTrainings } from "../training/ModelPage";
import { Chart, MetricCards, Section } from "../training/parts";
import { trainingKeys, type ModelSummaryWithCurves, type Training } from "../training/trainingApi";
import { distinctSeries, lastPeriods, ONE_SERIES, parseConfidence, parseSteps, seriesHistory, timeColumns, type Row } from "./forecastData";
import "../training/training.css";
import "./forecasts.css";

// How much of a dataset is read for the series and their history (1000 rows a request).
const MAX_ROWS = 50_000;
const WINDOWS = [0, 30, 90, 365];

export function ForecastPage() {
  const url = useUrlState();
  const all = useAllTrainings();
  const models = (all.data ?? []).filter((t) => t.problem_type === "Forecast");
  const modelId = url.getInt("model", -1);
  const model = models.find((t) => t.id === modelId);
  return (
    <>
      <PageHeader title="Forecasts">
        <p>A Forecast model&apos;s series, its history and forecast with an interval, and how each method did in the backtest.</p>
      </PageHeader>
      {all.isLoading ? (
        <Loading what="Loading forecast models" />
      ) : all.error ? (
        <ErrorMessage error={all.error} retry={() => void all.refetch()} />
      ) : models.length === 0 ? (
        <Empty>
          No Forecast models yet. <Link to="/training/new">Train one</Link> with the problem type Forecast (a Timestamp, a numeric Target and an optional series Id).
        </Empty>
      ) : (
        <>
          <div className="field model-picker">
            <label htmlFor="forecast-model">Model</label>
            <select id="forecast-model" value={model ? modelId : ""} onChange={(e) => url.set({ model: e.target.value || null, series: null, steps: null, from: null, time: null })}>
              <option value="">Choose a Forecast model…</option>
              {models.map((t) => (
                <option key={t.id} value={t.id} disabled={t.train_status !== "completed"}>
                  {t.predictor_name} v{t.version ?? 1} ({t.forecast?.frequency}, horizon {t.forecast?.horizon}){t.train_status !== "completed" ? ` — ${t.train_status}` : ""}
                </option>
              ))}
            </select>
          </div>
          {modelId >= 0 && !model && <Empty>There is no Forecast model {modelId} in this tenant.</Empty>}
          {!model && modelId < 0 && <Empty>Choose a model to see its series and forecast.</Empty>}
          {model && model.train_status !== "completed" && (
            <InProgress label={`This model is ${model.train_status}; it forecasts once its training completes.`} />
          )}
          {model && model.train_status === "completed" && <ModelForecast key={model.id} model={model} />}
        </>
      )}
    </>
  );
}

// A text input mirrored in the URL (?key=): the input keeps what is typed (even half a number),
// the URL follows it (no parameter for the default), and a change of the URL (back, a link)
// replaces the text.
function useParamInput(key: string, fallback: string): [string, (v: string) => void] {
  const url = useUrlState();
  const fromUrl = url.get(key, fallback);
  const [text, setText] = useState(fromUrl);
  const written = useRef(fromUrl);
  useEffect(() => {
    if (fromUrl !== written.current) {
      written.current = fromUrl;
      setText(fromUrl);
    }
  }, [fromUrl]);
  const change = (v: string) => {
    setText(v);
    const kept = v.trim() === "" ? fallback : v;
    written.current = kept;
    url.set({ [key]: kept === fallback ? null : v });
  };
  return [text, change];
}

function ModelForecast({ model }: { model: Training }) {
  const id = model.id!;
  const url = useUrlState();
  const { can } = useMe();
  const horizon = model.forecast?.horizon ?? 1;
  const form = useQuery({
    queryKey: ["inference", "form", id],
    queryFn: () => unwrap(api.GET("/api/v1/inference/form-based-prediction", { params: { query: { id } } })),
  });
  const summary = useQuery({
    queryKey: trainingKeys.summary(id),
    queryFn: () => unwrap(api.GET("/api/v1/train/model-summary", { params: { query: { train_id: id } } })) as Promise<ModelSummaryWithCurves>,
  });
  const fromParam = url.getInt("from", -1);
  const historyDataset = fromParam >= 0 ? fromParam : (model.dataset_id ?? -1);
  const datasets = useQuery({
    queryKey: ["datasets", "validated", "all"],
    queryFn: () => unwrap(api.GET("/api/v1/dataset/list_validated", { params: { query: { skip: 0, limit: 1000 } } })),
    enabled: can("can_view_datasets"),
  });
  const dataset = useQuery({
    queryKey: ["dataset", historyDataset],
    queryFn: () => unwrap(api.GET("/api/v1/dataset/get_dataset_by_id", { params: { query: { dataset_id: historyDataset } } })),
    enabled: historyDataset >= 0 && can("can_view_datasets"),
  });
  const rows = useQuery({
    queryKey: ["dataset", historyDataset, "rows", MAX_ROWS],
    queryFn: async () => {
      const out: Row[] = [];
      let total = 0;
      for (let skip = 0; skip < MAX_ROWS; skip += 1000) {
        const page = await unwrap(api.GET("/api/v1/dataset/view", { params: { query: { dataset_id: historyDataset, skip, limit: 1000 } } }));
        total = page.total_rows ?? 0;
        out.push(...((page.preview ?? []) as Row[]));
        if ((page.preview ?? []).length < 1000) break;
      }
      return { rows: out, total };
    },
    enabled: historyDataset >= 0 && can("can_view_datasets"),
    staleTime: 60_000,
  });

  const idColumn = form.data?.headers?.find((h) => h.attribute_name === "Id")?.column_name ?? null;
  const target = form.data?.target ?? "";
  const times = timeColumns(dataset.data?.dataset_schema ?? []);
  const time = times.includes(url.get("time")) ? url.get("time") : (times[0] ?? "");
  const series = useMemo(() => distinctSeries(rows.data?.rows ?? [], idColumn), [rows.data, idColumn]);
  const seriesParam = url.get("series");
  const chosen = idColumn ? seriesParam : ONE_SERIES;
  const [stepsText, setStepsText] = useParamInput("steps", String(horizon));
  const [confidenceText, setConfidenceText] = useParamInput("confidence", "0.95");
  const steps = parseSteps(stepsText, horizon);
  const confidence = parseConfidence(confidenceText);
  const windowSize = url.getInt("window", 0);
  const ready = form.data !== undefined && chosen !== "" && typeof steps === "number" && typeof confidence === "number";

  const forecast = useQuery({
    queryKey: ["forecast", id, chosen, steps, confidence, fromParam],
    queryFn: () =>
      unwrap(
        api.POST("/api/v1/inference/forecast", {
          body: {
            train_id: id,
            preprocess_id: form.data!.preprocess_id!,
            steps: steps as number,
            frequency: form.data!.frequency ?? model.forecast?.frequency ?? "",
            unique_id: chosen,
            confidence: confidence as number,
            dataset_id: fromParam >= 0 ? fromParam : null,
          },
        }),
      ),
    enabled: ready && can("can_run_inference"),
    placeholderData: (previous) => previous,
    staleTime: 5 * 60_000,
  });

  const history = useMemo(
    () => (time && target && rows.data ? seriesHistory(rows.data.rows, { id: idColumn, time, target }, chosen, model.forecast?.aggregate) : []),
    [rows.data, idColumn, time, target, chosen, model.forecast?.aggregate],
  );
  const shown = useMemo(() => lastPeriods(history, windowSize), [history, windowSize]);
  const points = useMemo(
    () =>
      (forecast.data?.forecast ?? []).filter(
        (p): p is { date: string; value: number; lower: number; upper: number; confidence?: number } =>
          typeof p.date === "string" && typeof p.value === "number" && typeof p.lower === "number" && typeof p.upper === "number",
      ),
    [forecast.data],
  );
  const level = typeof confidence === "number" ? confidence : 0.95;
  const option = useMemo(() => forecastOption(shown, points, level), [shown, points, level]);

  return (
    <>
      <Section title="Forecast">
        <form className="forecast-controls" onSubmit={(e) => e.preventDefault()} aria-label="Forecast settings">
          {idColumn && (
            <div className="field">
              <label htmlFor="forecast-series">Series ({idColumn})</label>
              {series.length > 0 ? (
                <select id="forecast-series" value={seriesParam} onChange={(e) => url.set({ series: e.target.value || null })}>
                  <option value="">Choose a series…</option>
                  {series.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              ) : (
                <input id="forecast-series" value={seriesParam} onChange={(e) => url.set({ series: e.target.value || null })} aria-describedby="forecast-series-hint" />
              )}
              <p id="forecast-series-hint" className="hint">
                {rows.isLoading ? "Reading the series from the dataset…" : series.length > 0 ? `${series.length} series in the dataset` : "Type the series' Id value"}
              </p>
            </div>
          )}
          <div className="field">
            <label htmlFor="forecast-steps">Steps ({model.forecast?.frequency ?? form.data?.frequency})</label>
            <input
              id="forecast-steps"
              type="number"
              min={1}
              max={horizon}
              step={1}
              value={stepsText}
              onChange={(e) => setStepsText(e.target.value)}
              aria-invalid={typeof steps === "string"}
              aria-describedby="forecast-steps-hint"
            />
            <p id="forecast-steps-hint" className={typeof steps === "string" ? "field-error" : "hint"} role={typeof steps === "string" ? "alert" : undefined}>
              {typeof steps === "string" ? steps : `Up to the model's horizon, ${horizon}`}
            </p>
          </div>
          <div className="field">
            <label htmlFor="forecast-confidence">Confidence</label>
            <input
              id="forecast-confidence"
              type="number"
              min={0.5}
              max={0.99}
              step={0.01}
              value={confidenceText}
              onChange={(e) => setConfidenceText(e.target.value)}
              aria-invalid={typeof confidence === "string"}
              aria-describedby="forecast-confidence-hint"
            />
            <p id="forecast-confidence-hint" className={typeof confidence === "string" ? "field-error" : "hint"} role={typeof confidence === "string" ? "alert" : undefined}>
              {typeof confidence === "string" ? confidence : "The interval's level, 0.5 to 0.99"}
            </p>
          </div>
          <div className="field">
            <label htmlFor="forecast-window">History shown</label>
            <select id="forecast-window" value={windowSize} onChange={(e) => url.set({ window: e.target.value === "0" ? null : e.target.value })}>
              {WINDOWS.map((w) => (
                <option key={w} value={w}>
                  {w === 0 ? "All" : `Last ${w} periods`}
                </option>
              ))}
            </select>
          </div>
          {can("can_view_datasets") && (
            <div className="field">
              <label htmlFor="forecast-from">History from</label>
              <select id="forecast-from" value={fromParam >= 0 ? fromParam : ""} onChange={(e) => url.set({ from: e.target.value || null, time: null })} aria-describedby="forecast-from-hint">
                <option value="">The training&apos;s dataset{model.dataset_name ? ` (${model.dataset_name})` : ""}</option>
                {(datasets.data ?? [])
                  .filter((d) => d.id !== model.dataset_id)
                  .map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.dataset_name}
                    </option>
                  ))}
              </select>
              <p id="forecast-from-hint" className="hint">
                A newer history of the same columns: the model forecasts from it without refitting.
              </p>
            </div>
          )}
          {times.length > 1 && (
            <div className="field">
              <label htmlFor="forecast-time">Time column</label>
              <select id="forecast-time" value={time} onChange={(e) => url.set({ time: e.target.value })}>
                {times.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </div>
          )}
        </form>
        {form.error && <ErrorMessage error={form.error} retry={() => void form.refetch()} />}
        {rows.error && <ErrorMessage error={rows.error} retry={() => void rows.refetch()} />}
        {rows.data && rows.data.total > rows.data.rows.length && (
          <p className="hint">
            The history shown is read from the first {rows.data.rows.length.toLocaleString()} of {rows.data.total.toLocaleString()} rows of the dataset.
          </p>
        )}
        {!can("can_run_inference") ? (
          <Empty>You need the permission to run inference (can_run_inference) to forecast.</Empty>
        ) : idColumn && !seriesParam ? (
          <Empty>Choose a series to forecast.</Empty>
        ) : !ready ? (
          form.isLoading ? <Loading what="Loading the model" /> : <Empty>Fix the settings above to forecast.</Empty>
        ) : forecast.error ? (
          <ErrorMessage error={forecast.error} retry={() => void forecast.refetch()} />
        ) : forecast.isLoading ? (
          <InProgress label="Forecasting…" />
        ) : (
          <>
            {forecast.isFetching && <InProgress label="Updating the forecast…" />}
            <div aria-busy={forecast.isFetching}>
              <Chart
                option={option}
                label={`${idColumn ? `Series ${chosen}` : "The series"}: ${shown.length} periods of history and a ${points.length}-period forecast with its ${Math.round(level * 100)}% interval`}
                height={400}
              />
            </div>
            {history.length === 0 && !rows.isLoading && <p className="hint">No history of this series could be read from the dataset; the chart shows the forecast alone.</p>}
            <details>
              <summary>The forecast as a table</summary>
              <table className="data-table">
                <caption className="sr-only">Forecast</caption>
                <thead>
                  <tr>
                    <th scope="col">Period</th>
                    <th scope="col">Forecast</th>
                    <th scope="col">Lower</th>
                    <th scope="col">Upper</th>
                  </tr>
                </thead>
                <tbody>
                  {points.map((p) => (
                    <tr key={p.date}>
                      <th scope="row">{p.date}</th>
                      <td>{formatNumber(p.value)}</td>
                      <td>{formatNumber(p.lower)}</td>
                      <td>{formatNumber(p.upper)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </>
        )}
      </Section>
      {summary.isLoading ? (
        <Loading what="Loading the backtest" />
      ) : summary.error ? (
        <ErrorMessage error={summary.error} retry={() => void summary.refetch()} />
      ) : summary.data ? (
        <>
          <Section title="Backtest metrics">
            <MetricCards items={metricItems(summary.data)} label="Backtest metrics" />
            <p className="hint">
              <Link to={`/training/${id}`}>The model page</Link> has its details and versions.
            </p>
          </Section>
          <BacktestPanel summary={summary.data} />
        </>
      ) : null}
    </>
  );
}

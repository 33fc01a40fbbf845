// One row: the form from GET /api/v1/inference/form-based-prediction (an input per column by its
// type), the answer, the class probabilities and the row's explanation (SHAP waterfall).
import { useMemo, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { Empty, ErrorMessage, QueryView } from "../../components/States";
import { explanationWaterfallOption, probabilitiesOption } from "../../charts/modelPrediction";
import { formatNumber } from "../../charts/modelEvaluation";
import type { Training } from "../training/trainingApi";
import { FieldIssue } from "../../components/FieldIssue";
import { Chart, Section } from "../training/parts";
import { inputKind, issuesFromApi, localIssues, toFeatures, type FormHeader, type PredictionForm } from "./predictForm";

type Prediction = { data: Awaited<ReturnType<typeof predict>>; explained: boolean };

function predict(form: PredictionForm, features: Record<string, unknown>, explain: boolean) {
  return unwrap(
    api.POST("/api/v1/inference", {
      params: { query: { explain } },
      body: { train_id: form.id!, preprocess_id: form.preprocess_id!, features, target: form.target },
    }),
  );
}

export function SinglePrediction({ training }: { training: Training }) {
  const id = training.id!;
  const form = useQuery({
    queryKey: ["inference", "form", id],
    queryFn: () => unwrap(api.GET("/api/v1/inference/form-based-prediction", { params: { query: { id } } })),
  });
  return (
    <QueryView query={form} what="Loading the prediction form">
      {(f) => (f.ready === false ? <Empty>The model has not completed training yet.</Empty> : <PredictionFormView key={id} form={f} />)}
    </QueryView>
  );
}

function PredictionFormView({ form }: { form: PredictionForm }) {
  const headers = useMemo(() => form.headers ?? [], [form.headers]);
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<string, string>>({});
  const [explain, setExplain] = useState(true);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  const [result, setResult] = useState<Prediction | null>(null);
  const run = useMutation({
    mutationFn: () => predict(form, toFeatures(headers, values), explain),
    onSuccess: (data) => {
      setResult({ data, explained: explain });
      void queryClient.invalidateQueries({ queryKey: ["predictions", form.id] });
    },
    onError: (error) => {
      if (error instanceof ApiError) setIssues(issuesFromApi(error));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = localIssues(headers, values);
    setIssues(found);
    if (found.size === 0) run.mutate();
  };
  const ids = headers.filter((h) => h.attribute_name === "Id");
  const features = headers.filter((h) => h.attribute_name !== "Id");
  const general = issues.get("");

  return (
    <div className="predict-layout">
      <form className="form card" onSubmit={submit} noValidate aria-label="Prediction input">
        <h2>Input</h2>
        <p className="hint">Leave a field empty to use the column&apos;s default, or to treat it as missing as in training.</p>
        {ids.map((h) => (
          <FeatureInput key={h.column_name} header={h} value={values[h.column_name ?? ""] ?? ""} issue={issues.get(h.column_name ?? "")} onChange={(v) => setValues((s) => ({ ...s, [h.column_name ?? ""]: v }))} />
        ))}
        {features.map((h) => (
          <FeatureInput key={h.column_name} header={h} value={values[h.column_name ?? ""] ?? ""} issue={issues.get(h.column_name ?? "")} onChange={(v) => setValues((s) => ({ ...s, [h.column_name ?? ""]: v }))} />
        ))}
        <label className="checkbox-label">
          <input type="checkbox" checked={explain} onChange={(e) => setExplain(e.target.checked)} /> Explain the prediction (SHAP contributions)
        </label>
        {general && (
          <p className="field-error" role="alert">
            {general}
          </p>
        )}
        {run.error && !(run.error instanceof ApiError && run.error.issues.length > 0) && <ErrorMessage error={run.error} />}
        <div className="inline">
          <button type="submit" className="primary" disabled={run.isPending}>
            {run.isPending ? "Predicting…" : "Predict"}
          </button>
          <button
            type="button"
            onClick={() => {
              setValues({});
              setIssues(new Map());
              setResult(null);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {result ? (
          <PredictionResult prediction={result.data} explained={result.explained} problemType={form.problem_type} target={form.target} />
        ) : (
          <Empty>Fill in the row and predict: the answer{form.problem_type === "Classification" ? ", the class probabilities" : ""} and the explanation appear here.</Empty>
        )}
      </div>
    </div>
  );
}

function FeatureInput({ header, value, issue, onChange }: { header: FormHeader; value: string; issue?: string; onChange: (v: string) => void }) {
  const name = header.column_name ?? "";
  const id = `feature-${name.replace(/\W/g, "_")}`;
  const kind = inputKind(header.data_type);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const common = {
    id,
    "aria-invalid": !!issue,
    "aria-describedby": issue ? `${errorId} ${hintId}` : hintId,
  };
  return (
    <div className="field">
      <label htmlFor={id}>
        {name} {header.attribute_name === "Id" && <span className="badge">Id</span>}
      </label>
      {kind === "boolean" ? (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">(empty)</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : (
        <input
          {...common}
          type={kind === "date" ? "date" : kind === "datetime" ? "datetime-local" : "text"}
          inputMode={kind === "integer" ? "numeric" : kind === "number" ? "decimal" : undefined}
          step={kind === "datetime" ? 1 : undefined}
          value={value}
          placeholder={header.default_value ? `default ${header.default_value}` : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      <p id={hintId} className="hint">
        {header.data_type}
        {kind === "datetime" ? " (UTC)" : ""}
        {header.attribute_name === "Id" ? " · echoed back, not an input of the model" : ""}
        {header.default_value ? ` · default ${header.default_value}` : ""}
      </p>
      <FieldIssue id={errorId} message={issue} />
    </div>
  );
}

function PredictionResult({ prediction: p, explained, problemType, target }: { prediction: Prediction["data"]; explained: boolean; problemType?: string; target?: string }) {
  const predicted = p.prediction;
  const shown = typeof predicted === "number" ? formatNumber(predicted) : String(predicted);
  const probabilities = p.probabilities ?? {};
  const explanation = p.explanation;
  const contributions = (explanation?.contributions ?? []).filter((c): c is { column: string; contribution: number } => typeof c.column === "string" && typeof c.contribution === "number");
  const total = problemType === "Regression" && typeof predicted === "number" ? predicted : null;
  const idEntries = Object.entries((p.id ?? {}) as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
  return (
    <>
      <Section title="Prediction">
        <p className="prediction-answer">
          <span className="hint">{target ?? p.target}</span> <strong>{shown}</strong>
          {typeof predicted === "string" && probabilities[predicted] !== undefined && <span className="hint"> with probability {(probabilities[predicted]! * 100).toFixed(1)}%</span>}
        </p>
        {idEntries.length > 0 && <p className="hint">{idEntries.map(([k, v]) => `${k} ${String(v)}`).join(", ")}</p>}
      </Section>
      {Object.keys(probabilities).length > 0 && (
        <Section title="Class probabilities">
          <Chart
            option={probabilitiesOption(probabilities, typeof predicted === "string" ? predicted : String(predicted))}
            label={`Class probabilities: ${Object.entries(probabilities)
              .map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`)
              .join(", ")}`}
            height={60 + 36 * Object.keys(probabilities).length}
          />
        </Section>
      )}
      {explained && (
        <Section title="Why: the row's explanation">
          {explanation && typeof explanation.bias === "number" && contributions.length > 0 ? (
            <>
              <p className="hint">
                SHAP contributions of the {contributions.length} largest columns ({explanation.method ?? "TreeSHAP"}
                {problemType === "Classification" ? "; log-odds of the predicted class" : ""}): red raises the {problemType === "Classification" ? "margin" : "prediction"}, green lowers it.
              </p>
              <Chart
                option={explanationWaterfallOption(explanation.bias, contributions, total)}
                label={`Explanation waterfall from the bias ${formatNumber(explanation.bias)}: ${contributions.map((c) => `${c.column} ${c.contribution >= 0 ? "+" : ""}${formatNumber(c.contribution)}`).join(", ")}`}
                height={90 + 34 * (contributions.length + 2)}
              />
              <details>
                <summary>As a table</summary>
                <table className="data-table">
                  <caption className="sr-only">Contributions</caption>
                  <thead>
                    <tr>
                      <th scope="col">Column</th>
                      <th scope="col">Contribution</th>
                    </tr>
                  </thead>
                  <tbody>
                    <tr>
                      <th scope="row">Bias</th>
                      <td>{formatNumber(explanation.bias)}</td>
                    </tr>
                    {contributions.map((c) => (
                      <tr key={c.column}>
                        <th scope="row">{c.column}</th>
                        <td>{formatNumber(c.contribution)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </>
          ) : (
            <Empty>The answer carried no explanation.</Empty>
          )}
        </Section>
      )}
    </>
  );
}

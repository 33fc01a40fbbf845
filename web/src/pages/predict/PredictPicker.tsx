// Pick a model to predict with: the tenant's completed Classification and Regression models.
import { Link } from "react-router-dom";
import { PageHeader } from "../../components/PageHeader";
import { Empty, QueryView } from "../../components/States";
import { useAllTrainings } from "../training/ModelPage";
import { formatDate, headlineMetric, type Training } from "../training/trainingApi";
import { formatMetric } from "../training/parts";
import "../training/training.css";

export function predictable(t: Training): boolean {
  return t.train_status === "completed" && t.problem_type !== "Forecast";
}

export function PredictPicker() {
  const all = useAllTrainings();
  return (
    <>
      <PageHeader title="Predict">
        <p>Predict one row from a form, or a whole dataset in a batch, with a trained model.</p>
      </PageHeader>
      <QueryView query={all} what="Loading models">
        {(list) => {
          const models = list.filter(predictable);
          if (models.length === 0)
            return (
              <Empty>
                No completed Classification or Regression model yet. <Link to="/training">Train one</Link> first
                {list.some((t) => t.problem_type === "Forecast" && t.train_status === "completed") && (
                  <>
                    , or <Link to="/forecasts">forecast</Link> with a Forecast model
                  </>
                )}
                .
              </Empty>
            );
          return (
            <div className="table-wrap contained">
              <table className="data-table">
                <caption>Choose a model</caption>
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">Problem</th>
                    <th scope="col">Algorithm</th>
                    <th scope="col">Dataset</th>
                    <th scope="col">Holdout metric</th>
                    <th scope="col">Trained</th>
                  </tr>
                </thead>
                <tbody>
                  {models.map((t) => {
                    const m = headlineMetric(t);
                    return (
                      <tr key={t.id}>
                        <th scope="row">
                          <Link to={`/predict/${t.id}`}>
                            {t.predictor_name} v{t.version ?? 1}
                          </Link>
                        </th>
                        <td>{t.problem_type}</td>
                        <td>{t.algorithm}</td>
                        <td>{t.dataset_name ?? "deleted"}</td>
                        <td>{m ? `${m.name} ${formatMetric(m.value, m.name === "Accuracy" ? "percent" : "number")}` : "—"}</td>
                        <td>{formatDate(t.modified_at ?? t.created_at)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          );
        }}
      </QueryView>
    </>
  );
}

// Predicting with one model: a row from the form, a dataset in a batch, and the predictions log.
// The tab is in the URL (?tab=single|batch|log), as are the batch's dataset and prediction.
import { Link, useNavigate, useParams } from "react-router-dom";
import { PageHeader } from "../../components/PageHeader";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { TabPanel, Tabs, useTab } from "../../components/Tabs";
import { useMe } from "../../auth/useSession";
import { useAllTrainings } from "../training/ModelPage";
import { StatusBadge } from "../training/parts";
import { predictable } from "./PredictPicker";
import { SinglePrediction } from "./SinglePrediction";
import { BatchPrediction } from "./BatchPrediction";
import { PredictionLog } from "./PredictionLog";
import "../training/training.css";
import "./predict.css";

export function PredictModel() {
  const { trainId } = useParams();
  const id = Number(trainId);
  const navigate = useNavigate();
  const { can } = useMe();
  const all = useAllTrainings();
  const tabs = [
    ...(can("can_run_inference") ? [{ id: "single", label: "One row" }] : []),
    ...(can("can_run_batch_prediction") ? [{ id: "batch", label: "Batch" }] : []),
    ...(can("can_view_predictions") ? [{ id: "log", label: "Predictions log" }] : []),
  ];
  const [tab, setTab] = useTab(tabs);

  if (all.isLoading) return <Loading what="Loading the model" />;
  if (all.error) return <ErrorMessage error={all.error} retry={() => void all.refetch()} />;
  const training = all.data?.find((t) => t.id === id);
  const models = (all.data ?? []).filter(predictable);
  if (!training) {
    return (
      <>
        <PageHeader title="Predict" />
        <Empty>
          There is no model {trainId} in this tenant. <Link to="/predict">Choose a model</Link>
        </Empty>
      </>
    );
  }
  const title = `Predict with ${training.predictor_name} v${training.version ?? 1}`;
  if (training.problem_type === "Forecast") {
    return (
      <>
        <PageHeader title={title} />
        <Empty>
          This is a Forecast model: <Link to={`/forecasts?model=${id}`}>forecast its series</Link> instead.
        </Empty>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={title}
        actions={
          <label className="inline">
            Model{" "}
            <select value={id} onChange={(e) => navigate(`/predict/${e.target.value}${tab ? `?tab=${tab}` : ""}`)}>
              {!models.some((m) => m.id === id) && <option value={id}>{`${training.predictor_name} v${training.version ?? 1}`}</option>}
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.predictor_name} v{m.version ?? 1} ({m.problem_type})
                </option>
              ))}
            </select>
          </label>
        }
      >
        <p className="inline">
          <StatusBadge status={training.train_status} />
          <span>
            {training.problem_type} · {training.algorithm} · <Link to={`/training/${id}`}>model page</Link>
          </span>
        </p>
      </PageHeader>
      {training.train_status !== "completed" && (
        <div className="state state-error" role="alert">
          This model has not completed training ({training.train_status}); it cannot predict yet.
        </div>
      )}
      {tabs.length === 0 ? (
        <Empty>You may not run or view predictions in this tenant.</Empty>
      ) : (
        <>
          <Tabs tabs={tabs} current={tab} onSelect={setTab} label="Prediction" />
          <TabPanel id={tab}>
            {tab === "single" && <SinglePrediction training={training} />}
            {tab === "batch" && <BatchPrediction training={training} />}
            {tab === "log" && <PredictionLog training={training} />}
          </TabPanel>
        </>
      )}
    </>
  );
}

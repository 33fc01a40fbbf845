// One dataset: its overview, validation report, preview, statistics and files as tabs
// (?tab=), and its deletion.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useLocation, useNavigate, useParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { PageHeader } from "../../components/PageHeader";
import { ErrorMessage, Loading } from "../../components/States";
import { TabPanel, Tabs, useTab, type TabDef } from "../../components/Tabs";
import { useMe } from "../../auth/useSession";
import { keys, useDataset } from "./queries";
import { OverviewTab } from "./OverviewTab";
import { ReportTab } from "./ReportTab";
import { PreviewTab } from "./PreviewTab";
import { StatisticsTab } from "./StatisticsTab";
import { FilesTab } from "./FilesTab";
import type { UploadResult } from "./DatasetUpload";
import "./datasets.css";

const TABS: TabDef[] = [
  { id: "overview", label: "Overview" },
  { id: "report", label: "Validation report" },
  { id: "preview", label: "Preview" },
  { id: "statistics", label: "Statistics" },
  { id: "files", label: "Files" },
];

export function DatasetPage() {
  const { datasetId } = useParams();
  const id = Number(datasetId);
  const [tab, setTab] = useTab(TABS);
  const dataset = useDataset(id);
  const { can } = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const uploaded = (location.state as { uploaded?: UploadResult } | null)?.uploaded;

  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/dataset/delete/{dataset_id}", { params: { path: { dataset_id: id } } })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.dataset(id) });
      void queryClient.invalidateQueries({ queryKey: keys.list });
      navigate("/datasets", { replace: true });
    },
  });

  if (!Number.isInteger(id)) return <ErrorMessage error={new Error("There is no dataset at this address.")} />;
  if (dataset.isLoading) return <Loading what="Loading the dataset" />;
  if (dataset.error || !dataset.data) {
    const notFound = dataset.error instanceof ApiError && dataset.error.status === 404;
    return (
      <>
        <PageHeader title={notFound ? "Dataset not found" : "Dataset"} />
        <ErrorMessage error={dataset.error ?? new Error("No answer")} retry={notFound ? undefined : () => void dataset.refetch()} />
        <p>
          <Link to="/datasets">Back to datasets</Link>
        </p>
      </>
    );
  }
  const d = dataset.data;
  const confirmDelete = () => {
    if (window.confirm(`Delete the dataset "${d.dataset_name}" with its ${d.file_count ?? 0} file(s)? This cannot be undone.`)) remove.mutate();
  };

  return (
    <>
      <PageHeader
        title={d.dataset_name ?? `Dataset ${id}`}
        actions={
          can("can_delete_dataset") && (
            <button type="button" className="danger" disabled={remove.isPending} onClick={confirmDelete}>
              {remove.isPending ? "Deleting…" : "Delete dataset"}
            </button>
          )
        }
      >
        <p>
          <Link to="/datasets">Datasets</Link> / {d.dataset_name} · <span className="badge">{d.dataset_usage}</span>{" "}
          <span className={`badge ${d.is_valid ? "ok" : "bad"}`}>{d.is_valid ? `${d.dataset_usability} usable` : "no valid records"}</span>
        </p>
      </PageHeader>
      {remove.error && <ErrorMessage error={remove.error} />}
      {uploaded && <UploadedNotice result={uploaded} onReport={() => setTab("report")} showingReport={tab === "report"} />}
      <Tabs tabs={TABS} current={tab} onSelect={setTab} label="Dataset views" />
      <TabPanel id={tab}>
        {tab === "overview" && <OverviewTab dataset={d} />}
        {tab === "report" && <ReportTab datasetId={id} />}
        {tab === "preview" && <PreviewTab dataset={d} />}
        {tab === "statistics" && <StatisticsTab datasetId={id} hasValidRecords={d.is_valid ?? false} />}
        {tab === "files" && <FilesTab datasetId={id} />}
      </TabPanel>
    </>
  );
}

// Shown once after an upload: what was kept and what was rejected.
function UploadedNotice({ result, onReport, showingReport }: { result: UploadResult; onReport: () => void; showingReport: boolean }) {
  const files = result.files ?? [];
  const total = files.reduce((n, f) => n + (f.total_records ?? 0), 0);
  const valid = files.reduce((n, f) => n + (f.valid_records ?? 0), 0);
  const rejected = total - valid;
  const unusable = files.filter((f) => (f.error_report?.missing_columns?.length ?? 0) > 0);
  return (
    <div className={`notice${rejected > 0 || unusable.length > 0 ? " warn" : ""}`} role="status">
      <p>
        <strong>Uploaded {files.length === 1 ? "1 file" : `${files.length} files`}.</strong> {valid.toLocaleString()} of {total.toLocaleString()} records are valid
        {rejected > 0 ? `; ${rejected.toLocaleString()} were rejected.` : "."}
      </p>
      {unusable.length > 0 && <p>{unusable.map((f) => f.file_name).join(", ")}: columns of the template are missing, so none of its records were kept.</p>}
      {(rejected > 0 || unusable.length > 0) && !showingReport && (
        <p>
          <button type="button" className="link" onClick={onReport}>
            See the validation report
          </button>
        </p>
      )}
    </div>
  );
}

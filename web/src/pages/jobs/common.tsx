// Shared by the jobs list and a job's page: a clock for running durations, terminate.
import { createContext, useContext, useEffect, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { useMe } from "../../auth/useSession";
import { ErrorMessage } from "../../components/States";
import { isActive, terminateUsage, type Job } from "./jobsModel";

// The current time, ticking every second while `running`.
export function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [running]);
  return now;
}

// onDone: where a list shows the outcome (a cell is no place for it); by default it shows here.
export function TerminateButton({ job, onDone }: { job: Job; onDone?: (error: unknown | null) => void }) {
  const { can } = useMe();
  const queryClient = useQueryClient();
  const usage = terminateUsage(job.kind);
  const terminate = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/ray/terminate_ray_job", { params: { query: { ray_job_id: String(job.id), usage: usage! } } })),
    onSettled: (_data, error) => {
      onDone?.(error ?? null);
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
      void queryClient.invalidateQueries({ queryKey: ["job", job.id] });
    },
  });
  if (!can("can_terminate_jobs") || !isActive(job.status) || !usage) return null;
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={terminate.isPending}
        aria-label={`Terminate job ${job.id}`}
        onClick={() => window.confirm(`Terminate job ${job.id} (${job.kind} of ${job.subject})?`) && terminate.mutate()}
      >
        {terminate.isPending ? "Terminating…" : "Terminate"}
      </button>
      {terminate.error && !onDone && <ErrorMessage error={terminate.error} />}
    </>
  );
}

// The list's clock, read by its duration cells (the columns are defined once, outside the page).
export const NowContext = createContext<number>(Date.now());
export const useNowContext = () => useContext(NowContext);

// 21:24:05 today, else 7 Dec 21:24.
export function shortTime(iso: string | null | undefined, now: number): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const today = new Date(now).toDateString() === d.toDateString();
  return today
    ? d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : d.toLocaleString(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

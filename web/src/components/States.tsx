// The four states every view has besides its content: loading, error, empty, in progress.
import type { ReactNode } from "react";
import { errorMessage } from "../api/errors";

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function ErrorMessage({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <strong>Something went wrong.</strong> <span>{errorMessage(error)}</span>
      {retry && (
        <button type="button" className="link" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function InProgress({ label, value }: { label: string; value?: number }) {
  return (
    <div className="state state-progress" role="status" aria-live="polite">
      <span>{label}</span>
      {value === undefined ? (
        <span className="spinner" aria-hidden="true" />
      ) : (
        <progress max={1} value={value} aria-label={label} />
      )}
    </div>
  );
}

// Renders a query's states in the usual order; children get the data.
export function QueryView<T>({
  query,
  what,
  empty,
  isEmpty,
  children,
}: {
  query: { data: T | undefined; error: unknown; isLoading: boolean; refetch: () => unknown };
  what?: string;
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  if (query.isLoading) return <Loading what={what} />;
  if (query.error) return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  if (query.data === undefined) return <Loading what={what} />;
  if (empty !== undefined && isEmpty?.(query.data)) return <Empty>{empty}</Empty>;
  return <>{children(query.data)}</>;
}

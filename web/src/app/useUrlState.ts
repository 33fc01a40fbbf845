// View state (page, sort, filters, tabs) lives in the URL's query, so a link or a reload shows
// the same view.
import { useCallback } from "react";
import { useSearchParams } from "react-router-dom";

export function useUrlState() {
  const [params, setParams] = useSearchParams();
  const get = useCallback((key: string, fallback = "") => params.get(key) ?? fallback, [params]);
  const getInt = useCallback(
    (key: string, fallback: number) => {
      const n = Number.parseInt(params.get(key) ?? "", 10);
      return Number.isFinite(n) && n >= 0 ? n : fallback;
    },
    [params],
  );
  const set = useCallback(
    (changes: Record<string, string | number | null | undefined>) =>
      setParams(
        () => {
          // From the address bar, not the last render: two set() calls before a re-render both count.
          const next = new URLSearchParams(window.location.search);
          for (const [k, v] of Object.entries(changes)) {
            if (v === null || v === undefined || v === "") next.delete(k);
            else next.set(k, String(v));
          }
          return next;
        },
        { replace: false },
      ),
    [setParams],
  );
  return { get, getInt, set, params };
}

// Tabs whose selection is in the URL (?tab=...), keyboard-operable as the ARIA tabs pattern says.
import { useRef, type KeyboardEvent } from "react";
import { useUrlState } from "../app/useUrlState";

export interface TabDef {
  id: string;
  label: string;
}

export function useTab(tabs: TabDef[], key = "tab"): [string, (id: string) => void] {
  const url = useUrlState();
  const current = url.get(key, tabs[0]?.id ?? "");
  const valid = tabs.some((t) => t.id === current) ? current : (tabs[0]?.id ?? "");
  return [valid, (id) => url.set({ [key]: id })];
}

export function Tabs({ tabs, current, onSelect, label }: { tabs: TabDef[]; current: string; onSelect: (id: string) => void; label: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, index: number) => {
    const delta = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = (index + delta + tabs.length) % tabs.length;
    onSelect(tabs[next]!.id);
    refs.current[next]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          id={`tab-${t.id}`}
          role="tab"
          type="button"
          aria-selected={t.id === current}
          aria-controls={`panel-${t.id}`}
          tabIndex={t.id === current ? 0 : -1}
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function TabPanel({ id, children }: { id: string; children: React.ReactNode }) {
  return (
    <div role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} tabIndex={0}>
      {children}
    </div>
  );
}

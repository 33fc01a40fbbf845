// A drop zone for CSV files that is also a real file input with a label, so the keyboard and
// screen readers pick files the usual way; dropped or picked files are listed with their size
// and can be taken off the list again.
import { useState, type DragEvent } from "react";
import { formatBytes, fraction, mergeFiles } from "./uploadForm";
import type { UploadProgress as Progress } from "../../api/upload";
import "./datasets.css";

export const ACCEPT = ".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain";

export function DropZone({
  id,
  files,
  onChange,
  disabled = false,
  error,
  label = "Choose CSV files",
}: {
  id: string;
  files: File[];
  onChange: (files: File[]) => void;
  disabled?: boolean;
  error?: string;
  label?: string;
}) {
  const [over, setOver] = useState(false);
  const add = (added: FileList | null) => {
    if (!added || disabled) return;
    onChange(mergeFiles(files, [...added]));
  };
  const onDragOver = (e: DragEvent) => {
    e.preventDefault();
    if (!disabled) {
      e.dataTransfer.dropEffect = "copy";
      setOver(true);
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    add(e.dataTransfer.files);
  };
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <div
        className={`dropzone${over ? " over" : ""}`}
        aria-disabled={disabled || undefined}
        onDragOver={onDragOver}
        onDragEnter={onDragOver}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid={`${id}-dropzone`}
      >
        <input
          id={id}
          className="file-input"
          type="file"
          multiple
          accept={ACCEPT}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${hintId}${error ? ` ${errorId}` : ""}`}
          onChange={(e) => {
            add(e.target.files);
            e.target.value = ""; // picking the same file again still fires change
          }}
        />
        <label htmlFor={id} className="button">
          {label}
        </label>
        <p id={hintId} className="hint">
          or drop them here. CSV with a header row (comma, semicolon, tab or pipe delimited, UTF-8).
        </p>
      </div>
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
      {files.length > 0 && (
        <ul className="file-list" aria-label="Chosen files">
          {files.map((f, i) => (
            <li key={`${f.name}|${f.size}|${f.lastModified}`}>
              <span>
                {f.name} <span className="size">{formatBytes(f.size)}</span>
              </span>
              <button type="button" className="link" disabled={disabled} aria-label={`Remove ${f.name}`} onClick={() => onChange(files.filter((_, j) => j !== i))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

// The bytes sent so far, then the wait while the server validates what it received.
export function UploadProgressBar({ progress, onCancel }: { progress: Progress; onCancel?: () => void }) {
  const value = fraction(progress.loaded, progress.total);
  const sent = value !== undefined && value >= 1;
  const label = sent
    ? "Uploaded; the server is validating the files…"
    : `Uploading ${formatBytes(progress.loaded)}${progress.total ? ` of ${formatBytes(progress.total)}` : ""}${value !== undefined ? ` (${Math.floor(value * 100)}%)` : ""}`;
  return (
    <div className="upload-progress" role="status" aria-live="polite">
      <span>
        {sent && <span className="spinner" aria-hidden="true" />} {label}
      </span>
      {sent ? <progress aria-label="Validating" /> : <progress max={1} value={value ?? 0} aria-label="Upload progress" />}
      {onCancel && !sent && (
        <div>
          <button type="button" onClick={onCancel}>
            Cancel upload
          </button>
        </div>
      )}
    </div>
  );
}


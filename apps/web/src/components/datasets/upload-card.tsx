"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type DragEvent } from "react";
import { Alert, Button, Card, cn } from "~/components/ui";
import { formatBytes, formatShape } from "~/lib/format-data";
import { UPLOAD_ACCEPT, UPLOAD_EXTENSIONS, uploadDatasetFile, uploadExtension, uploadUrl, type UploadHandle, type UploadOutcome, type UploadProgress } from "~/lib/upload";
import { useTRPC } from "~/trpc/react";
import { versionPath } from "./paths";
import { useHydrated } from "./use-hydrated";

type State =
  | { step: "idle" }
  | { step: "uploading"; file: File; progress: UploadProgress }
  | { step: "done"; file: File; outcome: UploadOutcome }
  | { step: "refused"; message: string };

/** Drag and drop or choose a file; the upload shows real progress and can be cancelled. */
export function UploadCard({ project, dataset }: { project: string; dataset: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [state, setState] = useState<State>({ step: "idle" });
  const [dragging, setDragging] = useState(false);
  const hydrated = useHydrated();
  const handle = useRef<UploadHandle | null>(null);
  const input = useRef<HTMLInputElement>(null);

  // Leaving the page aborts an upload in flight.
  useEffect(() => () => handle.current?.abort(), []);

  const start = async (file: File) => {
    if (handle.current) return;
    if (!uploadExtension(file.name)) {
      setState({ step: "refused", message: `“${file.name}” is not a file Keel reads: upload ${UPLOAD_EXTENSIONS.join(", ")}.` });
      return;
    }
    setState({ step: "uploading", file, progress: { loaded: 0, total: file.size } });
    const h = uploadDatasetFile(uploadUrl(project, dataset, file.name), file, (progress) =>
      setState((s) => (s.step === "uploading" ? { ...s, progress } : s)),
    );
    handle.current = h;
    const outcome = await h.done;
    handle.current = null;
    if (input.current) input.current.value = "";
    setState({ step: "done", file, outcome });
    if (outcome.kind === "created" || outcome.kind === "existing") {
      await queryClient.invalidateQueries(trpc.datasets.pathFilter());
      router.refresh();
    }
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void start(file);
  };

  const busy = state.step === "uploading" || !hydrated;
  return (
    <Card
      id="upload"
      title="Upload a new version"
      description="CSV or TSV (delimiter and quoting are detected), JSON Lines / NDJSON, or Parquet. Uploading the same bytes again stores nothing new."
    >
      <div
        data-testid="upload-dropzone"
        data-ready={hydrated ? "true" : undefined}
        onDragOver={(e) => {
          e.preventDefault();
          if (!busy) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={busy ? (e) => e.preventDefault() : onDrop}
        aria-busy={state.step === "uploading" || undefined}
        className={cn(
          "flex flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed px-6 py-8 text-center transition-colors",
          "has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-accent-600",
          dragging ? "border-accent-500 bg-accent-50" : "border-zinc-300 bg-zinc-50/60",
          state.step === "uploading" && "opacity-60",
        )}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" className="size-8 text-zinc-400">
          <path d="M12 16V4m0 0-4 4m4-4 4 4" />
          <path d="M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2" />
        </svg>
        <p className="text-sm text-zinc-700">
          Drag a file here, or{" "}
          <label htmlFor="upload-file" className={cn("font-medium text-accent-700 underline-offset-4", busy ? "cursor-not-allowed" : "cursor-pointer hover:underline")}>
            choose a file
          </label>
          <input
            ref={input}
            id="upload-file"
            data-testid="upload-input"
            type="file"
            accept={UPLOAD_ACCEPT}
            className="sr-only"
            disabled={busy}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void start(file);
            }}
          />
        </p>
        <p className="text-xs text-zinc-500">{UPLOAD_EXTENSIONS.join(" · ")}</p>
      </div>
      <div aria-live="polite" className="mt-4 empty:mt-0">
        {state.step === "uploading" ? <Progress file={state.file} progress={state.progress} onCancel={() => handle.current?.abort()} /> : null}
        {state.step === "refused" ? <Alert tone="error">{state.message}</Alert> : null}
        {state.step === "done" ? <Outcome project={project} dataset={dataset} file={state.file} outcome={state.outcome} /> : null}
      </div>
    </Card>
  );
}

function Progress({ file, progress, onCancel }: { file: File; progress: UploadProgress; onCancel: () => void }) {
  const total = progress.total ?? file.size;
  const sent = total > 0 && progress.loaded >= total;
  const pct = total > 0 ? Math.min(100, Math.round((progress.loaded / total) * 100)) : 0;
  return (
    <div data-testid="upload-progress" className="rounded-md border border-zinc-200 px-4 py-3">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="min-w-0 truncate font-medium text-zinc-900">{file.name}</span>
        <span className="text-zinc-600 tabular-nums">
          {sent ? "Reading, profiling and checking quality…" : `${formatBytes(progress.loaded)} of ${formatBytes(total)} (${pct}%)`}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={`Uploading ${file.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="mt-2 h-2 overflow-hidden rounded-full bg-zinc-200"
      >
        <div className={cn("h-full rounded-full bg-accent-600 transition-[width]", sent && "animate-pulse")} style={{ width: `${pct}%` }} />
      </div>
      <div className="mt-3 flex justify-end">
        <Button variant="secondary" size="sm" onClick={onCancel}>
          Cancel upload
        </Button>
      </div>
    </div>
  );
}

function detailText(d: { path?: string; message: string }): string {
  const row = /^rows\[(\d+)\]$/.exec(d.path ?? "");
  if (row) return `Row ${row[1] ?? ""}: ${d.message.replace(/_/g, " ")}`;
  return d.path ? `${d.path}: ${d.message.replace(/_/g, " ")}` : d.message;
}

function Outcome({ project, dataset, file, outcome }: { project: string; dataset: string; file: File; outcome: UploadOutcome }) {
  switch (outcome.kind) {
    case "aborted":
      return (
        <Alert tone="warning" title="Upload cancelled">
          Nothing was stored from “{file.name}”.
        </Alert>
      );
    case "created":
    case "existing": {
      const v = outcome.version;
      return (
        <Alert
          tone={outcome.kind === "created" ? "success" : "info"}
          title={outcome.kind === "created" ? `Version ${v.version} created` : `These bytes are already version ${v.version} — nothing new was stored`}
        >
          <p data-testid="upload-result" data-version={v.version}>
            {file.name} · {formatShape(v.rowCount, v.columnCount)} · quality {v.qualityStatus}
            {outcome.kind === "created" && v.qualityStatus === "fail" ? " (training on it is refused until someone overrides the checks)" : ""} ·{" "}
            <Link href={versionPath(project, dataset, v.version)} className="font-medium underline underline-offset-4">
              Open version {v.version}
            </Link>
          </p>
        </Alert>
      );
    }
    case "error":
      return (
        <Alert tone="error" title={outcome.message}>
          <p className="text-xs opacity-80">
            “{file.name}” was not stored ({outcome.status ? `HTTP ${outcome.status}, ` : ""}
            {outcome.code}).
          </p>
          {outcome.details.length > 0 ? (
            <ul className="mt-2 list-disc space-y-0.5 pl-5 text-xs" data-testid="upload-error-details">
              {outcome.details.slice(0, 12).map((d, i) => (
                <li key={i}>{detailText(d)}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      );
  }
}

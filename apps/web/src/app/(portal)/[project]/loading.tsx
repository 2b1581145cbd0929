/** Shown inside the project shell while a section loads. */
export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="animate-pulse space-y-4">
      <span className="sr-only">Loading…</span>
      <div className="h-4 w-24 rounded bg-zinc-200" />
      <div className="h-7 w-64 rounded bg-zinc-200" />
      <div className="h-40 rounded-lg bg-zinc-200/70" />
    </div>
  );
}

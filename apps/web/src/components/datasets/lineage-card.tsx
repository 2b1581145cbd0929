import { Card } from "~/components/ui";

/** Runs and registered models trained on this version. Training arrives in a later release, so none yet. */
export function LineageCard() {
  return (
    <Card id="lineage" title="Lineage" description="Used by runs and models">
      <div className="flex items-start gap-3 text-sm text-zinc-600" data-testid="lineage-empty">
        <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" className="mt-0.5 size-5 shrink-0 text-zinc-400">
          <circle cx="6" cy="6" r="2.5" />
          <circle cx="18" cy="18" r="2.5" />
          <path d="M8.5 6H14a4 4 0 0 1 4 4v5.5" />
        </svg>
        <p>No training run has used this version yet. Runs and registered models that use it will be listed here.</p>
      </div>
    </Card>
  );
}

import type { ReactNode } from "react";

/** One figure in a row of summary tiles (inside a <dl>). */
export function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white px-5 py-4 shadow-xs" data-testid={testId}>
      <dt className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="mt-2 text-sm font-medium text-zinc-900">{children}</dd>
    </div>
  );
}

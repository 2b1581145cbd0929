/** Keel's mark and word. */
export function Logo({ className }: { className?: string }) {
  return (
    <span className={className ?? "inline-flex items-center gap-2"}>
      <svg aria-hidden="true" viewBox="0 0 32 32" className="size-7 shrink-0">
        <rect width="32" height="32" rx="7" className="fill-accent-600" />
        <path d="M8 11h16l-3.5 9.5a2 2 0 0 1-1.9 1.3h-5.2a2 2 0 0 1-1.9-1.3z" fill="#fff" />
        <path d="M16 5v6" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" />
      </svg>
      <span className="text-lg font-semibold tracking-tight text-zinc-900">Keel</span>
    </span>
  );
}

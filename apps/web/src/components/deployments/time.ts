/** The point-in-time lookup's input: a `datetime-local` value read as UTC (the portal shows UTC everywhere). */

/** "2026-11-23T18:30" or "2026-11-23T18:30:15" (read as UTC) → ISO 8601; null when not a date-time. */
export function utcInputToIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = "0", ms = "0"] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, "0")));
  const date = new Date(t);
  // Reject overflowing parts (2026-02-31 would roll into March).
  if (Number.isNaN(t) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  return date.toISOString();
}

/**
 * An ISO time as a `datetime-local` value in UTC, to the second ("2026-11-23T18:30:15"). With
 * `roundUp`, a time with milliseconds goes to the next second, so looking it up finds what it set.
 */
export function isoToUtcInput(iso: string, opts: { roundUp?: boolean } = {}): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return "";
  const shown = opts.roundUp ? Math.ceil(t / 1000) * 1000 : t;
  return new Date(shown).toISOString().slice(0, 19);
}

/**
 * Early stopping and selection over sweep trials.
 */

export type Goal = "maximize" | "minimize";

export interface MedianStoppingOptions {
  goal: Goal;
  /** The rule is not applied while the trial has reported fewer than this many steps. Default 5. */
  graceSteps?: number;
  /** Fewer other trials that reached the current step than this → never stop. Default 3. */
  minTrials?: number;
  /** Objective name for the reason text. Default "objective". */
  metric?: string;
  /** Step unit for the reason text (e.g. "epochs"). Default "steps". */
  unit?: string;
}

export interface StoppingDecision {
  stop: boolean;
  /** Why, in a sentence for the UI (given for both decisions). */
  reason?: string;
}

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`medianStoppingRule: ${name} must be an integer ≥ ${min} (got ${v})`);
}

/** Formats `x` and `other` with the fewest significant digits (2 to 6) that tell them apart (2 when none do). */
function formatPair(x: number, other: number): [string, string] {
  const fmt = (v: number, p: number): string => (Math.abs(v) >= 10 ** p && Math.abs(v) < 1e15 ? v.toFixed(0) : v.toPrecision(p));
  for (let p = 2; p <= 6; p++) {
    const a = fmt(x, p);
    const b = fmt(other, p);
    if (a !== b) return [a, b];
  }
  return [fmt(x, 2), fmt(other, 2)];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * The median stopping rule of Google Vizier (Golovin et al., KDD 2017, §3.2.2): at step
 * s = current.length, stop the trial if its best objective so far is strictly worse than the
 * median, over the other trials that reached step s, of their running averages of the objective
 * over their first s steps.
 *
 * - Never stops before the trial has reported `graceSteps` steps (s < graceSteps), nor when fewer
 *   than `minTrials` other trials reached step s.
 * - Non-finite values (NaN, ±Infinity: a diverged trial) are skipped in the best and in the
 *   running averages; another trial with no finite value in its first s steps does not count.
 *   A current trial with no finite value at all is stopped (when the rule applies).
 *
 * The reason reads e.g. "best val_loss 0.41 after 7 epochs is worse than the median 0.30 of 4
 * other trials" (set `metric` and `unit` for the names).
 *
 * @throws Error when graceSteps is not an integer ≥ 0 or minTrials not an integer ≥ 1.
 */
export function medianStoppingRule(current: readonly number[], others: readonly (readonly number[])[], opts: MedianStoppingOptions): StoppingDecision {
  const grace = opts.graceSteps ?? 5;
  const minTrials = opts.minTrials ?? 3;
  checkCount("graceSteps", grace, 0);
  checkCount("minTrials", minTrials, 1);
  const metric = opts.metric ?? "objective";
  const unit = opts.unit ?? "steps";
  const s = current.length;
  if (s === 0 || s < grace) return { stop: false, reason: `${s} of ${grace} grace ${unit} reported` };

  const averages: number[] = [];
  for (const other of others) {
    if (other.length < s) continue;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < s; i++) {
      const v = other[i] as number;
      if (Number.isFinite(v)) {
        sum += v;
        n += 1;
      }
    }
    if (n > 0) averages.push(sum / n);
  }
  if (averages.length < minTrials) {
    return { stop: false, reason: `only ${averages.length} other trial${averages.length === 1 ? "" : "s"} reached ${s} ${unit} (need ${minTrials})` };
  }

  const maximize = opts.goal === "maximize";
  let best = Number.NaN;
  for (const v of current) {
    if (!Number.isFinite(v)) continue;
    if (Number.isNaN(best) || (maximize ? v > best : v < best)) best = v;
  }
  const med = median(averages);
  const of = `of ${averages.length} other trials`;
  if (Number.isNaN(best)) return { stop: true, reason: `no finite ${metric} after ${s} ${unit}; the median ${formatPair(med, med)[0]} ${of}` };
  const [b, m] = formatPair(best, med);
  const worse = maximize ? best < med : best > med;
  return worse
    ? { stop: true, reason: `best ${metric} ${b} after ${s} ${unit} is worse than the median ${m} ${of}` }
    : { stop: false, reason: `best ${metric} ${b} after ${s} ${unit} is not worse than the median ${m} ${of}` };
}

/**
 * The id of the best trial for `goal`, or null when no trial has a finite value. null, NaN and
 * ±Infinity values are ignored; on a tie the earliest trial in the list wins.
 */
export function bestTrial<Id>(trials: readonly { id: Id; value: number | null }[], goal: Goal): Id | null {
  let bestId: Id | null = null;
  let found = false;
  let best = 0;
  for (const t of trials) {
    const v = t.value;
    if (v === null || !Number.isFinite(v)) continue;
    if (!found || (goal === "maximize" ? v > best : v < best)) {
      bestId = t.id;
      best = v;
      found = true;
    }
  }
  return bestId;
}

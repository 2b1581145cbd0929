import { randomBytes } from "node:crypto";

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

/** Prefixes of every id type Keel issues; one place so the names never drift. */
export const ID_PREFIX = {
  user: "usr",
  project: "prj",
  membership: "mem",
  apiToken: "tok",
  auditEvent: "aud",
  worker: "wrk",
  dataset: "ds",
  datasetVersion: "dsv",
  datasetQualityOverride: "dqo",
  experiment: "exp",
  run: "run",
  savedView: "view",
  model: "mdl",
  modelVersion: "mv",
  approvalRequest: "apr",
  approvalDecision: "apd",
  notification: "ntf",
  deployment: "dep",
  batchScore: "bs",
} as const;

export type IdKind = keyof typeof ID_PREFIX;

/**
 * A text id with a type prefix and a time-ordered body (48 bits of milliseconds,
 * then 80 random bits, Crockford base32, like a ULID), e.g. `prj_01jd3…`.
 */
export function newId(kind: IdKind, now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = "";
  for (let i = 0; i < 16; i++) rand += CROCKFORD.charAt((bytes[i] ?? 0) % 32);
  return `${ID_PREFIX[kind]}_${time}${rand}`;
}

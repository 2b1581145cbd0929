import { noopHandler } from "./noop";
import { batchScoreHandler } from "./score";
import { trainHandler } from "./train";
import type { JobHandlers } from "./types";

export type { JobContext, JobHandler, JobHandlers } from "./types";

/** The handler of every job type (one file per type). */
export const HANDLERS: JobHandlers = {
  noop: noopHandler,
  train: trainHandler,
  "batch-score": batchScoreHandler,
};

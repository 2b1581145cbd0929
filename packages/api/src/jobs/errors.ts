/**
 * Thrown by a job handler (or a service it calls) when trying again cannot help: a bad payload, a
 * missing dataset version, a rule that refuses the work. The worker fails the job without retrying
 * it. Any other error is retryable: the job is tried again up to its type's `retryLimit`.
 */
export class NonRetryableJobError extends Error {
  constructor(
    message: string,
    /** Shown with the failed job (e.g. the zod issues of a bad payload). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "NonRetryableJobError";
  }
}

export function isNonRetryableJobError(err: unknown): err is NonRetryableJobError {
  return err instanceof NonRetryableJobError;
}

import "server-only";
import type { ProjectDetail } from "@keel/api";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";
import { loadProject } from "~/server/pages";

export interface DatasetAccess {
  project: ProjectDetail;
  canRead: boolean;
  canWrite: boolean;
  canOverride: boolean;
}

/** The project and what the caller's role may do with its datasets. */
export async function datasetAccess(slug: string): Promise<DatasetAccess> {
  const project = await loadProject(slug);
  const can = (p: string) => project.permissions.includes(p);
  return { project, canRead: can("dataset.read"), canWrite: can("dataset.write"), canOverride: can("dataset.quality.override") };
}

/** Awaits an API read; a missing dataset or version (or a malformed name in the URL) becomes the 404 page. */
export async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
    throw err;
  }
}

/** A path segment as the user typed it ("%20" → " "), or the raw text if it is not valid encoding. */
export function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

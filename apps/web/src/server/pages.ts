import "server-only";
import type { Project, ProjectDetail } from "@keel/api";
import { TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { safeCallbackPath } from "~/lib/format";
import { api } from "~/trpc/server";
import { getViewer, type Viewer } from "./context";

/** Sends a signed-out visitor to the sign-in page, coming back to the page they asked for. */
export async function redirectToSignIn(): Promise<never> {
  const path = safeCallbackPath((await headers()).get("x-keel-pathname"), "");
  redirect(path && path !== "/" ? `/sign-in?callbackUrl=${encodeURIComponent(path)}` : "/sign-in");
}

/** The signed-in person, or a redirect to /sign-in. */
export async function requireViewer(): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) return redirectToSignIn();
  return viewer;
}

/** Turns a refusal from the API into navigation: signed out → sign-in, unknown or hidden → 404. */
async function navigateOnError(err: unknown): Promise<never> {
  if (err instanceof TRPCError) {
    if (err.code === "UNAUTHORIZED") return redirectToSignIn();
    // Not a member (NOT_FOUND, so names do not leak) or a malformed slug (BAD_REQUEST).
    if (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST") notFound();
  }
  throw err;
}

/** The project with the caller's role and permissions (one call per request, shared by layout and page). */
export const loadProject = cache(async (slug: string): Promise<ProjectDetail> => {
  await requireViewer();
  try {
    return await (await api()).projects.get({ project: slug });
  } catch (err) {
    return navigateOnError(err);
  }
});

/** The projects the caller can see (all of them for an administrator). */
export const loadProjects = cache(async (): Promise<Project[]> => {
  await requireViewer();
  try {
    return (await (await api()).projects.list()).items;
  } catch (err) {
    return navigateOnError(err);
  }
});

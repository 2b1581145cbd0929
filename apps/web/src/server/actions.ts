"use server";

import { signOut } from "./auth";

/** Ends the session (audited as auth.sign_out) and goes to the sign-in page. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}

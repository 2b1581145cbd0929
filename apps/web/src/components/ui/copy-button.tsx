"use client";

import { useState } from "react";
import { Button, type ButtonVariant } from "./button";

export interface CopyButtonProps {
  value: string;
  /** Accessible name, e.g. "Copy sha256". */
  label: string;
  /** Visible text (defaults to "Copy"). */
  children?: string;
  variant?: ButtonVariant;
  className?: string;
}

/** Copies `value` to the clipboard and says whether it worked. */
export function CopyButton({ value, label, children = "Copy", variant = "ghost", className }: CopyButtonProps) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
    window.setTimeout(() => setState("idle"), 2000);
  };
  return (
    <Button variant={variant} size="sm" aria-label={label} title={label} onClick={copy} className={className ?? "h-7 px-2 text-xs"}>
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : children}</span>
    </Button>
  );
}

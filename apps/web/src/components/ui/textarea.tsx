import type { TextareaHTMLAttributes } from "react";
import { cn } from "./cn";

/** A multi-line text control styled like `Input`. */
export function Textarea({ className, rows = 3, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <textarea
      rows={rows}
      className={cn(
        "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 shadow-xs",
        "placeholder:text-zinc-400 focus:border-accent-600 focus:outline-2 focus:outline-offset-0 focus:outline-accent-600/30",
        "disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500 aria-invalid:border-red-500",
        className,
      )}
      {...props}
    />
  );
}

"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "./button";

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
}

/**
 * A modal on the native <dialog> element: focus moves into it and is trapped there, Escape closes
 * it, and focus returns to the element that opened it.
 */
export function Dialog({ open, onClose, title, children, footer }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={onClose}
      className="m-auto w-full max-w-md rounded-lg text-left border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/40"
    >
      {open ? (
        <div className="p-6">
          <h2 id={titleId} className="text-base font-semibold text-zinc-900">
            {title}
          </h2>
          {children ? <div className="mt-2 text-sm text-zinc-600">{children}</div> : null}
          {footer ? <div className="mt-6 flex justify-end gap-3">{footer}</div> : null}
        </div>
      ) : null}
    </dialog>
  );
}

/** A form dialog's footer: Cancel, then the submit button of the form `form` (busy text while it runs). */
export function DialogFormFooter({
  form,
  onCancel,
  pending,
  busy,
  disabled = false,
  label,
  busyLabel,
  testId,
}: {
  form: string;
  onCancel: () => void;
  /** The request is in flight: Cancel is disabled. */
  pending: boolean;
  /** Pending or done (the dialog is about to close): the submit shows `busyLabel`. */
  busy: boolean;
  disabled?: boolean;
  label: string;
  busyLabel: string;
  testId?: string;
}) {
  return (
    <>
      <Button variant="secondary" onClick={onCancel} disabled={pending}>
        Cancel
      </Button>
      <Button type="submit" form={form} disabled={busy || disabled} data-testid={testId}>
        {busy ? busyLabel : label}
      </Button>
    </>
  );
}

export interface ConfirmButtonProps {
  /** The text of the button that opens the dialog. */
  children: ReactNode;
  /** Accessible name of the opening button when its text alone is ambiguous (e.g. "Remove ana@x"). */
  "aria-label"?: string;
  title: ReactNode;
  description?: ReactNode;
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean;
  variant?: ButtonVariant;
  triggerVariant?: ButtonVariant;
  size?: ButtonSize;
}

/** A button that asks for confirmation in a dialog before doing something that cannot be undone. */
export function ConfirmButton({
  children,
  title,
  description,
  confirmLabel,
  onConfirm,
  disabled,
  variant = "danger",
  triggerVariant = "secondary",
  size = "sm",
  "aria-label": ariaLabel,
}: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };
  return (
    <>
      <Button variant={triggerVariant} size={size} disabled={disabled} aria-label={ariaLabel} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {children}
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={title}
        footer={
          <>
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={busy} autoFocus>
              Cancel
            </Button>
            <Button variant={variant} onClick={confirm} disabled={busy}>
              {busy ? "Working…" : confirmLabel}
            </Button>
          </>
        }
      >
        {description}
      </Dialog>
    </>
  );
}

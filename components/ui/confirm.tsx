'use client';

import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Button } from './button';

type Variant = 'primary' | 'danger' | 'secondary';

/**
 * A button that asks before it acts: money moves (release), a certificate is issued (certify), or
 * something is undone (reject, void, deactivate). A native <dialog> opened with showModal() gives the
 * focus trap, Escape to cancel and the inert background without a library.
 */
export function ConfirmButton({
  label,
  title,
  children,
  confirmLabel,
  pendingLabel = 'Saving…',
  variant = 'primary',
  disabled,
  pending,
  onConfirm,
  form,
  beforeOpen,
}: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  pendingLabel?: string;
  variant?: Variant;
  disabled?: boolean;
  pending?: boolean;
  onConfirm: () => void;
  /** When set, the button validates the form first (the browser's own checks) before asking. */
  form?: string;
  /** Return false to stay closed (e.g. the form shows what to correct first). */
  beforeOpen?: () => boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <>
      <Button
        variant={variant}
        disabled={disabled || pending}
        onClick={() => {
          const owner = form ? (document.getElementById(form) as HTMLFormElement | null) : null;
          if (owner && !owner.reportValidity()) return;
          if (beforeOpen && !beforeOpen()) return;
          setOpen(true);
        }}
      >
        {pending ? pendingLabel : label}
      </Button>
      <dialog
        ref={ref}
        aria-labelledby={titleId}
        onClose={() => setOpen(false)}
        className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        {open ? (
          <div className="space-y-4 p-5">
            <h2 id={titleId} className="text-base font-semibold text-slate-900">
              {title}
            </h2>
            <div className="space-y-2 text-sm text-slate-700">{children}</div>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button
                variant={variant === 'danger' ? 'danger' : 'primary'}
                onClick={() => {
                  setOpen(false);
                  onConfirm();
                }}
              >
                {confirmLabel ?? label}
              </Button>
            </div>
          </div>
        ) : null}
      </dialog>
    </>
  );
}

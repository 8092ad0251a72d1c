'use client';

import { useMutation } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/feedback';
import { Field, Input } from '@/components/ui/field';

/** The server refused because this session's last second-factor code is older than 15 minutes. */
export function isStepUpRequired(error: unknown): boolean {
  return (
    error instanceof TRPCClientError &&
    (error.data as { domainCode?: string } | undefined)?.domainCode === 'MFA_STEP_UP_REQUIRED'
  );
}

/**
 * Inline step-up: when a sensitive mutation (a release above the PM limit, bank details, the Odoo
 * connection, confirming new bank details) needs a fresh code, ask for it where the person is and
 * retry the same mutation — instead of sending them to another page. Use as
 * `mutation.mutate(vars, { onError: (e) => stepUp.intercept(e, () => again(vars)) })`.
 */
export function useStepUp(): {
  intercept: (error: unknown, retry: () => void) => boolean;
  active: boolean;
  prompt: ReactNode;
} {
  const [retry, setRetry] = useState<(() => void) | null>(null);
  return {
    intercept(error, again) {
      if (!isStepUpRequired(error)) return false;
      setRetry(() => again);
      return true;
    },
    active: retry !== null,
    prompt: retry ? (
      <StepUpPrompt
        onProved={() => {
          setRetry(null);
          retry();
        }}
        onCancel={() => setRetry(null)}
      />
    ) : null,
  };
}

function StepUpPrompt({ onProved, onCancel }: { onProved: () => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const [code, setCode] = useState('');
  const stepUp = useMutation(trpc.mfa.stepUp.mutationOptions({ onSuccess: onProved }));
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    stepUp.mutate({ code });
  }
  return (
    <form
      onSubmit={onSubmit}
      className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-4"
      data-testid="step-up-prompt"
      aria-label="Confirm it's you"
    >
      <p className="text-sm font-medium text-amber-900">
        Confirm it&apos;s you: this needs a fresh code from your authenticator app (valid 15 minutes).
      </p>
      <Field label="Authentication code" htmlFor="step-up-code" hint="The 6-digit code, or a recovery code.">
        <Input
          id="step-up-code"
          name="code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="one-time-code"
          autoFocus
          required
        />
      </Field>
      {stepUp.error ? <Alert>{errorMessage(stepUp.error)}</Alert> : null}
      <div className="flex gap-2">
        <Button type="submit" disabled={stepUp.isPending}>
          Confirm and continue
        </Button>
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

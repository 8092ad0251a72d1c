'use client';

import { useMutation } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { signOut } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/feedback';
import { Field, Input } from '@/components/ui/field';

const fieldError = (error: unknown, field: string) =>
  error instanceof TRPCClientError
    ? (error.data as { fieldErrors?: Record<string, string[] | undefined> } | undefined)?.fieldErrors?.[
        field
      ]?.[0]
    : undefined;

/** Replaces the password (the one-time one after an admin reset); every session ends, so the person signs in again. */
export function ChangePasswordForm({ mustChange }: { mustChange: boolean }) {
  const trpc = useTRPC();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation(
    trpc.session.changePassword.mutationOptions({
      onSuccess: () =>
        void signOut({
          callbackUrl: '/sign-in?reason=Password%20changed.%20Sign%20in%20with%20your%20new%20password.',
        }),
    }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    change.mutate({ currentPassword: current, newPassword: next });
  }
  const currentError = fieldError(change.error, 'currentPassword');
  const newError = fieldError(change.error, 'newPassword');
  return (
    <form onSubmit={onSubmit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      {mustChange ? (
        <Alert tone="info">
          You signed in with a one-time password from an administrator. Choose your own before you continue.
        </Alert>
      ) : null}
      {change.error && !currentError && !newError ? <Alert>{errorMessage(change.error)}</Alert> : null}
      <Field
        label={mustChange ? 'One-time password' : 'Current password'}
        htmlFor="currentPassword"
        hint={currentError}
      >
        <Input
          id="currentPassword"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          required
          aria-invalid={!!currentError}
        />
      </Field>
      <Field label="New password" htmlFor="newPassword" hint={newError ?? 'At least 12 characters.'}>
        <Input
          id="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={12}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          required
          aria-invalid={!!newError}
        />
      </Field>
      <Button type="submit" disabled={change.isPending}>
        Save new password
      </Button>
    </form>
  );
}

'use client';

import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/feedback';
import { Field, Input } from '@/components/ui/field';

const messages: Record<string, string> = {
  CredentialsSignin: 'That email and password do not match an active account.',
  TooManyAttempts: 'Too many failed sign-in attempts. Wait a few minutes and try again.',
  MfaRequired: 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.',
  MfaInvalid:
    'That code is not valid or was already used. Enter the newest code, or an unused recovery code.',
};

export function SignInForm({ reason, callbackUrl }: { reason?: string; callbackUrl: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  /** After the right password: the second step asks for the code (the password stays in the form). */
  const [needsCode, setNeedsCode] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn('credentials', {
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        ...(needsCode ? { code: String(form.get('code') ?? '') } : {}),
        redirect: false,
      });
      if (!result || result.error || !result.ok) {
        if (result?.error === 'MfaRequired' || result?.error === 'MfaInvalid') setNeedsCode(true);
        setError(
          result?.status === 429
            ? messages.TooManyAttempts!
            : (messages[result?.error ?? ''] ?? messages.CredentialsSignin!),
        );
        return;
      }
      window.location.assign(callbackUrl);
    } catch {
      setError('Sign-in is unavailable right now. Please try again.');
    } finally {
      setPending(false);
    }
  }

  return (
    <form
      onSubmit={(event) => void onSubmit(event)}
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      {reason ? <Alert tone="info">{reason}</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Email" htmlFor="email">
        <Input id="email" name="email" type="email" autoComplete="username" required />
      </Field>
      <Field label="Password" htmlFor="password">
        <Input id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      {needsCode ? (
        <Field
          label="Authentication code"
          htmlFor="code"
          hint="From your authenticator app, or a recovery code such as 4f7kq-x9m2d."
        >
          <Input id="code" name="code" autoComplete="one-time-code" inputMode="text" required autoFocus />
        </Field>
      ) : null}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}

'use client';

import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/feedback';
import { Field, Input } from '@/components/ui/field';

const messages: Record<string, string> = {
  CredentialsSignin: 'That email and password do not match an active account.',
  TooManyAttempts: 'Too many failed sign-in attempts. Wait a few minutes and try again.',
};

export function SignInForm({ reason, callbackUrl }: { reason?: string; callbackUrl: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn('credentials', {
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        redirect: false,
      });
      if (!result || result.error || !result.ok) {
        setError(result?.status === 429 ? messages.TooManyAttempts! : (messages[result?.error ?? ''] ?? messages.CredentialsSignin!));
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
    <form onSubmit={(event) => void onSubmit(event)} className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      {reason ? <Alert tone="info">{reason}</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Email" htmlFor="email">
        <Input id="email" name="email" type="email" autoComplete="username" required />
      </Field>
      <Field label="Password" htmlFor="password">
        <Input id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}

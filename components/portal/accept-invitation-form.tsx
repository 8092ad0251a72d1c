'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/feedback';
import { describedBy, Field, Input } from '@/components/ui/field';

type Errors = Record<string, string[] | undefined>;

/** Choosing a name and password for an invitation; then on to sign in with them. */
export function AcceptInvitationForm({
  token,
  email,
  name,
  vendorName,
}: {
  token: string;
  email: string;
  name: string;
  vendorName: string;
}) {
  const router = useRouter();
  const [fullName, setFullName] = useState(name);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [summary, setSummary] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setSummary(null);
    setErrors({});
    try {
      const response = await fetch('/api/invitations/accept', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-plumbline-invitation': '1' },
        body: JSON.stringify({ token, name: fullName, password, confirmPassword: confirm }),
      });
      const body = (await response.json().catch(() => ({}))) as { error?: string; fieldErrors?: Errors };
      if (!response.ok) {
        setErrors(body.fieldErrors ?? {});
        setSummary(body.error ?? 'The invitation could not be accepted. Please try again.');
        return;
      }
      router.push(
        `/sign-in?reason=${encodeURIComponent(`Your login is ready. Sign in as ${email} with the password you chose.`)}`,
      );
    } finally {
      setPending(false);
    }
  }
  const error = (field: string) => errors[field]?.[0];
  return (
    <form
      onSubmit={onSubmit}
      aria-label="Accept invitation"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <p className="text-sm text-slate-700">
        You are invited to submit <strong>{vendorName}</strong>&apos;s claims. Your login will be{' '}
        <strong>{email}</strong>.
      </p>
      {summary && !error('token') ? <Alert>{summary}</Alert> : null}
      {error('token') ? <Alert>{error('token')}</Alert> : null}
      <Field label="Your name" htmlFor="name" error={error('name')}>
        <Input
          id="name"
          value={fullName}
          autoComplete="name"
          onChange={(e) => setFullName(e.target.value)}
          {...describedBy('name', error('name'))}
        />
      </Field>
      <Field
        label="Choose a password"
        htmlFor="password"
        hint="At least 12 characters."
        error={error('password')}
      >
        <Input
          id="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          {...describedBy('password', error('password'), true)}
        />
      </Field>
      <Field label="Repeat the password" htmlFor="confirmPassword" error={error('confirmPassword')}>
        <Input
          id="confirmPassword"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          {...describedBy('confirmPassword', error('confirmPassword'))}
        />
      </Field>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? 'Setting up…' : 'Set password and continue'}
      </Button>
    </form>
  );
}

'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/feedback';
import { Field, Input } from '@/components/ui/field';

const box = 'space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm';

/** Set up the authenticator (QR code → first code → ten recovery codes), or confirm with a fresh code (step-up). */
export function TwoStepPanel({ mustEnrol }: { mustEnrol: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.mfa.status.queryOptions());
  const start = useMutation(trpc.mfa.startEnrolment.mutationOptions());
  const confirm = useMutation(trpc.mfa.confirmEnrolment.mutationOptions());
  const stepUp = useMutation(
    trpc.mfa.stepUp.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.mfa.pathKey() }),
    }),
  );
  const [code, setCode] = useState('');

  if (status.error) return <Alert>{errorMessage(status.error)}</Alert>;
  if (!status.data) return <p className="text-sm text-slate-500">Loading…</p>;

  if (confirm.data) {
    return (
      <div className={box}>
        <Alert tone="success">Two-step sign-in is on.</Alert>
        <p className="text-sm text-slate-700">
          Keep these ten recovery codes somewhere safe. Each signs you in once if you lose your phone; they
          are not shown again.
        </p>
        <ul className="grid grid-cols-2 gap-1 font-mono text-sm" data-testid="recovery-codes">
          {confirm.data.recoveryCodes.map((recovery) => (
            <li key={recovery}>{recovery}</li>
          ))}
        </ul>
        <Link href="/" className="block text-center text-sm font-medium text-brand-700 underline">
          Continue to Plumbline
        </Link>
      </div>
    );
  }

  if (!status.data.enabled) {
    const onConfirm = (event: FormEvent) => {
      event.preventDefault();
      if (start.data) confirm.mutate({ secret: start.data.secret, code });
    };
    return (
      <div className={box}>
        {mustEnrol ? (
          <Alert tone="info">Your role needs two-step sign-in. Set it up to continue.</Alert>
        ) : null}
        {!start.data ? (
          <>
            <p className="text-sm text-slate-700">
              You will need an authenticator app (for example Google Authenticator, Microsoft Authenticator or
              1Password).
            </p>
            <Button
              type="button"
              onClick={() => start.mutate({})}
              disabled={start.isPending}
              className="w-full"
            >
              Set up two-step sign-in
            </Button>
            {start.error ? <Alert>{errorMessage(start.error)}</Alert> : null}
          </>
        ) : (
          <form onSubmit={onConfirm} className="space-y-4">
            <p className="text-sm text-slate-700">
              Scan this code with the app, then enter the 6-digit code it shows.
            </p>
            {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL generated on the server */}
            <img
              src={start.data.qrDataUrl}
              alt="QR code for your authenticator app"
              width={220}
              height={220}
              className="mx-auto"
            />
            <p className="text-center text-xs text-slate-500">
              Or enter this key by hand:{' '}
              <span className="font-mono" data-testid="mfa-secret">
                {start.data.secret}
              </span>
            </p>
            <Field label="Code from the app" htmlFor="enrol-code">
              <Input
                id="enrol-code"
                value={code}
                onChange={(event) => setCode(event.target.value)}
                autoComplete="one-time-code"
                required
              />
            </Field>
            {confirm.error ? <Alert>{errorMessage(confirm.error)}</Alert> : null}
            <Button type="submit" className="w-full" disabled={confirm.isPending}>
              Turn on two-step sign-in
            </Button>
          </form>
        )}
        {mustEnrol ? <SignOutButton /> : null}
      </div>
    );
  }

  return (
    <form
      className={box}
      onSubmit={(event) => {
        event.preventDefault();
        stepUp.mutate({ code });
      }}
    >
      <p className="text-sm text-slate-700">
        Releasing a payment above the PM limit, changing bank details or the Odoo connection needs a code
        entered in the last 15 minutes.
        {status.data.stepUpFresh ? ' You confirmed recently.' : ''}
      </p>
      <Field label="Code from your app, or a recovery code" htmlFor="step-up-code">
        <Input
          id="step-up-code"
          value={code}
          onChange={(event) => setCode(event.target.value)}
          autoComplete="one-time-code"
          required
        />
      </Field>
      {stepUp.error ? <Alert>{errorMessage(stepUp.error)}</Alert> : null}
      {stepUp.data ? (
        <Alert tone="success">Confirmed for 15 minutes. You can go back and try again.</Alert>
      ) : null}
      <Button type="submit" className="w-full" disabled={stepUp.isPending}>
        Confirm it&apos;s you
      </Button>
      <p className="text-xs text-slate-500">{status.data.recoveryCodesLeft} recovery codes left.</p>
      <Link href="/" className="block text-center text-sm text-brand-700 underline">
        Back to Plumbline
      </Link>
    </form>
  );
}

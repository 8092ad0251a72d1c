'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { formatDateTime } from '@/components/ui/format';

/** The organisation-wide MFA requirement, and the MFA resets waiting for a second person. */
export function SecurityPolicy({ canConfirmResets }: { canConfirmResets: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const requirement = useQuery(trpc.mfa.organisationRequirement.queryOptions());
  const resets = useQuery({ ...trpc.mfa.resetRequests.queryOptions(), enabled: canConfirmResets });
  const [notice, setNotice] = useState<string | null>(null);
  const set = useMutation(
    trpc.mfa.setOrganisationRequirement.mutationOptions({
      onSuccess: async (_, input) => {
        setNotice(
          input.requireForAll
            ? 'Everyone must now use two-step sign-in; people without it set it up at their next screen.'
            : 'Only administrators, finance and executives must use two-step sign-in now.',
        );
        await queryClient.invalidateQueries({ queryKey: trpc.mfa.organisationRequirement.queryKey() });
      },
    }),
  );
  const confirm = useMutation(
    trpc.mfa.confirmReset.mutationOptions({
      onSuccess: async () => {
        setNotice('Reset confirmed: their second factor is removed and their sessions ended.');
        await queryClient.invalidateQueries({ queryKey: trpc.mfa.resetRequests.queryKey() });
      },
    }),
  );
  const error = set.error ?? confirm.error;
  const requireForAll = requirement.data?.requireForAll ?? false;
  return (
    <div className="space-y-4">
      {notice && !error ? <Alert tone="success">{notice}</Alert> : null}
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
      <Card title="Who must use two-step sign-in">
        <p className="text-sm" data-testid="mfa-requirement">
          {requireForAll
            ? 'Everyone in the organisation.'
            : 'Administrators, finance and executives (the others may turn it on).'}
        </p>
        <Button
          className="mt-3"
          variant="secondary"
          disabled={!requirement.data || set.isPending}
          onClick={() => set.mutate({ requireForAll: !requireForAll })}
        >
          {requireForAll
            ? 'Require it only of administrators, finance and executives'
            : 'Require it of everyone'}
        </Button>
      </Card>
      {canConfirmResets ? (
        <Card title="Resets waiting for a second person">
          {resets.data && resets.data.length > 0 ? (
            <ul className="divide-y divide-slate-100 text-sm" data-testid="mfa-resets">
              {resets.data.map((r) => (
                <li key={r.id} className="flex items-center justify-between gap-3 py-2">
                  <span>
                    {r.summary.subject} — asked for by {r.requestedBy}, {formatDateTime(r.requestedAt)}
                  </span>
                  {r.canDecide ? (
                    <Button disabled={confirm.isPending} onClick={() => confirm.mutate({ requestId: r.id })}>
                      Confirm reset
                    </Button>
                  ) : (
                    <span className="text-xs text-slate-500">{r.whyNot}</span>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-500">
              None. Ask for a reset from the user&apos;s page under Users &amp; access.
            </p>
          )}
          <p className="mt-2 text-sm">
            Every change waiting for a second person is under{' '}
            <Link className="text-brand-700 hover:underline" href="/changes">
              Pending changes
            </Link>
            .
          </p>
        </Card>
      ) : null}
    </div>
  );
}

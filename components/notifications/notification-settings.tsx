'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import {
  notificationKindDefinitions,
  optionalKinds,
  type NotificationKind,
  type NotificationSettingsView,
} from '@/server/modules/notifications/notification.schemas';

/**
 * One's own mail preferences (issue 19): every non-essential kind on or off, all of them off at once,
 * and for approvers a daily digest of "approval waiting". Account and security mail is always sent.
 * Also meant for the subcontractor portal's settings page (same procedures, `notification.self`).
 */
export function NotificationSettings({ kinds = optionalKinds }: { kinds?: readonly NotificationKind[] }) {
  const trpc = useTRPC();
  const current = useQuery(trpc.notifications.mySettings.queryOptions());
  const [saved, setSaved] = useState(false);
  if (current.error) return <Alert>{errorMessage(current.error)}</Alert>;
  if (!current.data) return <p className="text-sm text-slate-600">Loading…</p>;
  // keyed by version: a saved change (or one made elsewhere) starts the form from what is stored
  return (
    <SettingsForm
      key={current.data.version}
      settings={current.data}
      kinds={kinds}
      saved={saved}
      setSaved={setSaved}
    />
  );
}

function SettingsForm({
  settings,
  kinds,
  saved,
  setSaved,
}: {
  settings: NotificationSettingsView;
  kinds: readonly NotificationKind[];
  saved: boolean;
  setSaved: (saved: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [allOff, setAllOff] = useState(settings.allOff);
  const [off, setOff] = useState<Set<NotificationKind>>(new Set(settings.offKinds));
  const [digest, setDigest] = useState(settings.approvalDigest);
  const save = useMutation(
    trpc.notifications.updateMySettings.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        await queryClient.invalidateQueries({ queryKey: trpc.notifications.mySettings.queryKey() });
      },
    }),
  );
  const shown = kinds.filter((kind) => kind !== 'approval_waiting' || settings.isApprover);
  const toggle = (kind: NotificationKind, on: boolean) => {
    setSaved(false);
    setOff((before) => {
      const next = new Set(before);
      if (on) next.delete(kind);
      else next.add(kind);
      return next;
    });
  };
  return (
    <form
      className="space-y-4"
      data-testid="notification-settings"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({
          allOff,
          offKinds: [...off].filter((kind) => optionalKinds.includes(kind)),
          approvalDigest: digest,
          version: settings.version,
        });
      }}
    >
      {save.error ? <Alert>{errorMessage(save.error)}</Alert> : null}
      {saved && !save.error ? <Alert tone="success">Saved.</Alert> : null}
      <Card title="Email me about">
        <fieldset disabled={allOff} className="space-y-3">
          <legend className="sr-only">Kinds of email</legend>
          {shown.map((kind) => (
            <label key={kind} className="flex items-start gap-3 text-sm">
              <input
                type="checkbox"
                className="mt-1"
                name={kind}
                checked={!allOff && !off.has(kind)}
                onChange={(event) => toggle(kind, event.target.checked)}
              />
              <span>
                <span className="font-medium text-slate-900">{notificationKindDefinitions[kind].label}</span>
                <span className="block text-slate-600">{notificationKindDefinitions[kind].description}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <label className="mt-4 flex items-start gap-3 border-t border-slate-100 pt-3 text-sm">
          <input
            type="checkbox"
            className="mt-1"
            name="allOff"
            checked={allOff}
            onChange={(event) => (setSaved(false), setAllOff(event.target.checked))}
          />
          <span>
            <span className="font-medium text-slate-900">Turn off all of these</span>
            <span className="block text-slate-600">{notificationKindDefinitions.account.description}</span>
          </span>
        </label>
      </Card>
      {settings.isApprover ? (
        <Card title="Approvals waiting for you">
          <fieldset className="space-y-2 text-sm" disabled={allOff || off.has('approval_waiting')}>
            <legend className="sr-only">How to send approval emails</legend>
            <label className="flex items-center gap-3">
              <input
                type="radio"
                name="approvalDelivery"
                checked={!digest}
                onChange={() => (setSaved(false), setDigest(false))}
              />
              One email for each item as it comes to me
            </label>
            <label className="flex items-center gap-3">
              <input
                type="radio"
                name="approvalDelivery"
                checked={digest}
                onChange={() => (setSaved(false), setDigest(true))}
              />
              One email a day listing what waits (in the morning, organisation time)
            </label>
          </fieldset>
        </Card>
      ) : null}
      <Button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save preferences'}
      </Button>
    </form>
  );
}

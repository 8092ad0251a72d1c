'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { PlainTable } from '@/components/data-table/plain-table';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm';
import { Alert, Badge, Card, EmptyState } from '@/components/ui/feedback';
import { formatDateTime } from '@/components/ui/format';
import type { NotificationStatus } from '@/db/schema';
import {
  notificationKindDefinitions,
  notificationStatusLabels,
  type NotificationAdminRow,
  type NotificationKind,
} from '@/server/modules/notifications/notification.schemas';

const FILTERS: (NotificationStatus | null)[] = [
  null,
  'queued',
  'sent',
  'failed',
  'uncertain',
  'held',
  'skipped',
];
const TONES: Partial<Record<NotificationStatus, 'green' | 'red' | 'amber' | 'blue' | 'slate'>> = {
  sent: 'green',
  digested: 'green',
  failed: 'red',
  uncertain: 'amber',
  queued: 'blue',
  sending: 'blue',
};

const column = createColumnHelper<NotificationAdminRow>();

/** The notifications table (issue 19): what Plumbline queued for whom and what became of it; resend. */
export function NotificationQueue({ canResend }: { canResend: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<NotificationStatus | null>(null);
  const list = useQuery(trpc.notifications.list.queryOptions({ status }));
  const [notice, setNotice] = useState<string | null>(null);
  const resend = useMutation(
    trpc.notifications.resend.mutationOptions({
      onSuccess: async () => {
        setNotice('Queued again: it goes out within a minute.');
        await queryClient.invalidateQueries({ queryKey: trpc.notifications.list.queryKey() });
      },
    }),
  );
  const columns = useMemo(
    () => [
      column.accessor('createdAt', { header: 'Queued', cell: (c) => formatDateTime(c.getValue()) }),
      column.accessor('recipient', { header: 'To' }),
      column.accessor('kind', {
        header: 'Kind',
        cell: (c) => notificationKindDefinitions[c.getValue() as NotificationKind]?.label ?? c.getValue(),
      }),
      column.accessor('subject', { header: 'Subject' }),
      column.display({
        id: 'status',
        header: 'Status',
        cell: ({ row: { original: n } }) => (
          <span className="space-y-1">
            <Badge tone={TONES[n.status] ?? 'slate'}>{notificationStatusLabels[n.status]}</Badge>
            {n.sentAt ? (
              <span className="block text-xs text-slate-500">{formatDateTime(n.sentAt)}</span>
            ) : null}
            {n.lastError ? <span className="block text-xs text-slate-600">{n.lastError}</span> : null}
          </span>
        ),
      }),
      column.accessor('attempts', { header: 'Sends' }),
      column.display({
        id: 'actions',
        header: '',
        cell: ({ row: { original: n } }) => {
          if (!canResend) return null;
          if (n.status === 'failed')
            return (
              <Button
                variant="secondary"
                disabled={resend.isPending}
                onClick={() => resend.mutate({ notificationId: n.id })}
              >
                Resend
              </Button>
            );
          if (n.status === 'uncertain')
            return (
              <ConfirmButton
                label="Resend"
                title="Send this message again?"
                variant="secondary"
                pending={resend.isPending}
                onConfirm={() => resend.mutate({ notificationId: n.id })}
              >
                The first send was interrupted after the message was handed to the mail server, so it may
                already have arrived. Check with {n.recipient} if you can; resending may deliver it twice.
              </ConfirmButton>
            );
          return null;
        },
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the mutation is stable; its pending state redraws the buttons
    [canResend, resend.isPending],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from server data each render
  const table = useReactTable({
    data: list.data?.rows ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.id,
  });
  const counts = list.data?.counts ?? {};
  return (
    <Card title="Notifications">
      <div className="space-y-3">
        {notice && !resend.error ? <Alert tone="success">{notice}</Alert> : null}
        {resend.error ? <Alert>{errorMessage(resend.error)}</Alert> : null}
        {list.error ? <Alert>{errorMessage(list.error)}</Alert> : null}
        <div className="flex flex-wrap gap-2" role="tablist" aria-label="Status">
          {FILTERS.map((s) => (
            <Button
              key={s ?? 'all'}
              role="tab"
              aria-selected={status === s}
              variant={status === s ? 'primary' : 'ghost'}
              onClick={() => (setNotice(null), setStatus(s))}
            >
              {s ? `${notificationStatusLabels[s]} (${counts[s] ?? 0})` : 'All'}
            </Button>
          ))}
        </div>
        {list.data && list.data.rows.length === 0 ? (
          <EmptyState title="No notifications here." />
        ) : (
          <PlainTable table={table} testId="notification-queue" />
        )}
      </div>
    </Card>
  );
}

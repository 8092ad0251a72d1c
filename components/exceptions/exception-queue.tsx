'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState, type FormEvent } from 'react';
import { DataTable } from '@/components/data-table/data-table';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Badge, Card } from '@/components/ui/feedback';
import { Field, Textarea } from '@/components/ui/field';
import { formatDateTime, formatMoneyDisplay } from '@/components/ui/format';
import { AGE_BUCKETS } from '@/server/modules/exceptions/exception.calc';
import type { ExceptionRow } from '@/server/modules/exceptions/exception.schemas';
import Link from 'next/link';
import { ExceptionBulkBar } from './exception-bulk-bar';
import { LinkOdooForm } from './link-odoo-form';
import { recordHref } from './record-href';

const categories = [
  { value: 'sync_failure', label: 'Sync failure' },
  { value: 'rule_breach', label: 'Rule breach' },
  { value: 'pull_mapping', label: 'Pull mapping' },
  { value: 'reconciliation_drift', label: 'Reconciliation drift' },
];
const statuses = [
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'dismissed', label: 'Dismissed' },
];
const severities = [
  { value: 'critical', label: 'Critical' },
  { value: 'high', label: 'High' },
  { value: 'medium', label: 'Medium' },
  { value: 'low', label: 'Low' },
];
const severityTone = { critical: 'red', high: 'red', medium: 'amber', low: 'slate' } as const;
const labelOf = (options: { value: string; label: string }[], value: string) =>
  options.find((o) => o.value === value)?.label ?? value;

/** Finance's exception queue: worst and oldest first; retry, link, assign, dismiss — one by one or in bulk. */
export function ExceptionQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.session.me.queryOptions());
  const projects = useQuery(trpc.projects.options.queryOptions());
  const assignees = useQuery(trpc.exceptions.assignees.queryOptions());
  const [dismissing, setDismissing] = useState<ExceptionRow | null>(null);
  const [linking, setLinking] = useState<ExceptionRow | null>(null);
  const [selected, setSelected] = useState<Map<string, ExceptionRow>>(new Map());
  const [notice, setNotice] = useState<string | null>(null);
  const canAct = me.data?.permissions.includes('exception.act') ?? false; // display only; the server enforces
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.exceptions.pathKey() });
  const toggle = (row: ExceptionRow, on: boolean) =>
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(row.id, row);
      else next.delete(row.id);
      return next;
    });
  const runRules = useMutation(
    trpc.exceptions.runRules.mutationOptions({
      onSuccess: async (summary) => {
        const opened = Object.values(summary).reduce((n, c) => n + c.opened, 0);
        const resolved = Object.values(summary).reduce((n, c) => n + c.resolved, 0);
        setNotice(`Rules checked: ${opened} opened, ${resolved} closed.`);
        await refresh();
      },
    }),
  );
  const retry = useMutation(
    trpc.exceptions.retry.mutationOptions({
      onSuccess: async () => {
        setNotice('Sync requested. The exception closes by itself when the sync succeeds.');
        await refresh();
      },
    }),
  );

  const columns = useMemo<ColumnDef<ExceptionRow>[]>(() => {
    const projectOptions = (projects.data ?? []).map((p) => ({ value: p.id, label: p.code }));
    const assigneeOptions = (assignees.data ?? []).map((u) => ({ value: u.id, label: u.name }));
    return [
      {
        id: 'select',
        header: 'Select',
        enableSorting: false,
        meta: { exclude: 'csv' },
        cell: ({ row }) =>
          canAct && row.original.status === 'open' ? (
            <input
              type="checkbox"
              aria-label={`Select ${row.original.recordReference ?? row.original.recordId}: ${row.original.title}`}
              checked={selected.has(row.original.id)}
              onChange={(event) => toggle(row.original, event.target.checked)}
            />
          ) : null,
      },
      {
        accessorKey: 'severity',
        header: 'Severity',
        meta: { filter: severities, format: (row) => labelOf(severities, row.severity) },
        cell: ({ row }) => (
          <Badge tone={severityTone[row.original.severity]}>
            {labelOf(severities, row.original.severity)}
          </Badge>
        ),
      },
      {
        accessorKey: 'title',
        header: 'Problem',
        meta: { filter: 'text', format: (row) => row.title },
        cell: ({ row }) => (
          <div className="max-w-md">
            <p className="font-medium text-slate-900">{row.original.title}</p>
            <p className="text-xs text-slate-600">{row.original.detail}</p>
            <p className="mt-1 text-xs text-slate-500">{row.original.guidance}</p>
          </div>
        ),
      },
      {
        accessorKey: 'recordReference',
        header: 'Record',
        meta: { filter: 'text', format: (row) => row.recordReference ?? row.recordId },
        cell: ({ row }) => {
          const href = recordHref(row.original);
          const text = row.original.recordReference ?? row.original.recordId;
          return href ? (
            <Link href={href} className="font-medium text-brand-700 hover:underline">
              {text}
            </Link>
          ) : (
            text
          );
        },
      },
      {
        accessorKey: 'category',
        header: 'Category',
        meta: { filter: categories, format: (row) => labelOf(categories, row.category) },
      },
      {
        accessorKey: 'projectId',
        header: 'Project',
        meta: { filter: projectOptions, format: (row) => row.projectCode ?? '—' },
      },
      {
        accessorKey: 'amountAtStake',
        header: 'At stake',
        meta: { align: 'right', format: (row) => formatMoneyDisplay(row.amountAtStake) },
      },
      {
        accessorKey: 'ageBucket',
        header: 'Age',
        meta: { filter: AGE_BUCKETS, format: (row) => labelOf(AGE_BUCKETS, row.ageBucket) },
      },
      { accessorKey: 'occurrences', header: 'Seen', meta: { align: 'right' } },
      {
        accessorKey: 'lastSeenAt',
        header: 'Last seen',
        meta: { format: (row) => formatDateTime(row.lastSeenAt) },
      },
      { accessorKey: 'ownerRole', header: 'Owner', enableSorting: false },
      {
        accessorKey: 'assigneeId',
        header: 'Assignee',
        enableSorting: false,
        meta: { filter: assigneeOptions, format: (row) => row.assigneeName ?? '—' },
      },
      {
        accessorKey: 'status',
        header: 'Status',
        meta: { filter: statuses, format: (row) => labelOf(statuses, row.status) },
      },
      {
        id: 'actions',
        header: 'Actions',
        enableSorting: false,
        meta: { exclude: 'csv' },
        cell: ({ row }) =>
          canAct && row.original.status === 'open' ? (
            <div className="flex gap-1">
              {row.original.category === 'sync_failure' ||
              row.original.category === 'reconciliation_drift' ? (
                <Button
                  variant="secondary"
                  disabled={retry.isPending}
                  onClick={() =>
                    retry.mutate({ exceptionId: row.original.id, version: row.original.version })
                  }
                >
                  Retry
                </Button>
              ) : null}
              {(row.original.recordType === 'claim' || row.original.recordType === 'milestone') &&
              row.original.category !== 'rule_breach' ? (
                <Button variant="ghost" onClick={() => setLinking(row.original)}>
                  Link
                </Button>
              ) : null}
              <Button variant="ghost" onClick={() => setDismissing(row.original)}>
                Dismiss
              </Button>
            </div>
          ) : null,
      },
    ];
  }, [projects.data, assignees.data, canAct, retry, selected]);

  return (
    <div className="space-y-4">
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {retry.error ? <Alert>{errorMessage(retry.error)}</Alert> : null}
      {runRules.error ? <Alert>{errorMessage(runRules.error)}</Alert> : null}
      {linking ? (
        <LinkOdooForm
          exception={linking}
          onDone={async (message) => {
            setLinking(null);
            if (message) setNotice(message);
            await refresh();
          }}
        />
      ) : null}
      {dismissing ? (
        <DismissForm
          exception={dismissing}
          onDone={async (message) => {
            setDismissing(null);
            if (message) setNotice(message);
            await refresh();
          }}
        />
      ) : null}
      <DataTable
        columns={columns}
        query={(input) => trpc.exceptions.list.queryOptions(input)}
        csvFileName="exceptions"
        searchPlaceholder="Search problem or record"
        initialFilters={{ status: 'open' }}
        emptyMessage="No exceptions match these filters."
        toolbar={
          canAct ? (
            <div className="flex flex-wrap items-center gap-2">
              <ExceptionBulkBar
                selected={[...selected.values()]}
                onDone={async (message) => {
                  setSelected(new Map());
                  setNotice(message);
                  await refresh();
                }}
              />
              <Button variant="secondary" disabled={runRules.isPending} onClick={() => runRules.mutate()}>
                {runRules.isPending ? 'Checking…' : 'Check rules now'}
              </Button>
            </div>
          ) : null
        }
      />
    </div>
  );
}

function DismissForm({
  exception,
  onDone,
}: {
  exception: ExceptionRow;
  onDone: (message: string | null) => Promise<void>;
}) {
  const trpc = useTRPC();
  const [reason, setReason] = useState('');
  const dismiss = useMutation(
    trpc.exceptions.dismiss.mutationOptions({
      onSuccess: () => onDone('Exception dismissed; your reason is in the audit log.'),
    }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    dismiss.mutate({ exceptionId: exception.id, version: exception.version, reason });
  }
  return (
    <Card title={`Dismiss: ${exception.title}`}>
      <form onSubmit={onSubmit} className="space-y-3" aria-label="Dismiss exception">
        {dismiss.error ? <Alert>{errorMessage(dismiss.error)}</Alert> : null}
        <Field
          label="Reason"
          htmlFor="dismiss-reason"
          hint="Required. Say why no fix is needed; it is kept in the audit log."
        >
          <Textarea
            id="dismiss-reason"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            rows={3}
            maxLength={2000}
          />
        </Field>
        <div className="flex gap-2">
          <Button type="submit" variant="danger" disabled={dismiss.isPending}>
            {dismiss.isPending ? 'Dismissing…' : 'Dismiss exception'}
          </Button>
          <Button variant="secondary" onClick={() => void onDone(null)}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/data-table/data-table';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Alert, Badge, Card, PageHeader } from '@/components/ui/feedback';
import { formatDateTime } from '@/components/ui/format';
import type { PullRunRecordRow } from '@/server/modules/pull/pull.schemas';
import { describeChanges } from './pull-history';

const actions = ['created', 'updated', 'failed'].map((value) => ({ value, label: value }));
const columns: ColumnDef<PullRunRecordRow>[] = [
  { accessorKey: 'odooModel', header: 'Odoo model', meta: { filter: 'text' } },
  { accessorKey: 'odooId', header: 'Odoo id', meta: { align: 'right' } },
  { accessorKey: 'recordType', header: 'Record', meta: { filter: 'text' } },
  { accessorKey: 'action', header: 'Action', meta: { filter: actions } },
  {
    id: 'changes',
    header: 'Changes',
    enableSorting: false,
    meta: { format: (row) => row.message ?? describeChanges(row.changedFields) },
  },
];

export function PullRunDetail({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const run = useQuery(trpc.odoo.pullRun.queryOptions({ runId }));
  if (!run.data)
    return run.error ? (
      <Alert>{errorMessage(run.error)}</Alert>
    ) : (
      <p className="text-sm text-slate-500">Loading…</p>
    );
  const r = run.data;
  return (
    <>
      <PageHeader
        title={`Pull of ${formatDateTime(r.startedAt)}`}
        description={`${r.trigger} pull${r.triggeredBy ? ` by ${r.triggeredBy}` : ''}; finished ${formatDateTime(r.finishedAt)}`}
        actions={
          <Badge tone={r.status === 'succeeded' ? 'green' : r.status === 'running' ? 'blue' : 'red'}>
            {r.status}
          </Badge>
        }
      />
      <div className="grid gap-4">
        {r.error ? (
          <Alert tone="warning">
            <pre className="whitespace-pre-wrap text-xs">{r.error}</pre>
          </Alert>
        ) : null}
        <Card title="Per model">
          <table className="text-sm">
            <thead>
              <tr className="text-left text-slate-500">
                <th className="pr-6">Model</th>
                <th className="pr-4">Created</th>
                <th className="pr-4">Updated</th>
                <th className="pr-4">Unchanged</th>
                <th>Failed</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(r.counts).map(([model, c]) => (
                <tr key={model}>
                  <td className="pr-6 font-mono">{model}</td>
                  <td>{c.created}</td>
                  <td>{c.updated}</td>
                  <td>{c.unchanged}</td>
                  <td>{c.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <DataTable
          columns={columns}
          query={(input) => trpc.odoo.pullRunRecords.queryOptions({ ...input, runId })}
          csvFileName={`pull-${runId}`}
          emptyMessage="This pull created, updated and failed nothing."
        />
      </div>
    </>
  );
}

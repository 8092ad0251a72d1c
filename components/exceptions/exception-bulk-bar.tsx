'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import type { ExceptionRow } from '@/server/modules/exceptions/exception.schemas';

type Outcome = { done: string[]; failed: { exceptionId: string; message: string }[] };

/** Bulk retry / bulk assign of the selected exceptions; reports what could not be done. */
export function ExceptionBulkBar({
  selected,
  onDone,
}: {
  selected: ExceptionRow[];
  onDone: (message: string) => Promise<void>;
}) {
  const trpc = useTRPC();
  const assignees = useQuery(trpc.exceptions.assignees.queryOptions());
  const [assigneeId, setAssigneeId] = useState('');
  const items = selected.map((row) => ({ exceptionId: row.id, version: row.version }));
  const report = (verb: string) => async (outcome: Outcome) => {
    const failed = outcome.failed.map((f) => f.message).join(' ');
    await onDone(`${verb} ${outcome.done.length} of ${items.length}.${failed ? ` Not done: ${failed}` : ''}`);
  };
  const retry = useMutation(
    trpc.exceptions.bulkRetry.mutationOptions({ onSuccess: report('Retry requested for') }),
  );
  const assign = useMutation(trpc.exceptions.bulkAssign.mutationOptions({ onSuccess: report('Assigned') }));
  const error = retry.error ?? assign.error;
  return (
    <div className="flex flex-wrap items-center gap-2" aria-label="Bulk actions">
      <span className="text-sm text-slate-600">{selected.length} selected</span>
      <Button
        variant="secondary"
        disabled={selected.length === 0 || retry.isPending}
        onClick={() => retry.mutate({ items })}
      >
        Retry selected
      </Button>
      <select
        aria-label="Assign to"
        value={assigneeId}
        onChange={(e) => setAssigneeId(e.target.value)}
        className="rounded border border-slate-300 px-1 py-1 text-sm"
      >
        <option value="">Assign to…</option>
        <option value="none">Nobody</option>
        {(assignees.data ?? []).map((user) => (
          <option key={user.id} value={user.id}>
            {user.name}
          </option>
        ))}
      </select>
      <Button
        variant="secondary"
        disabled={selected.length === 0 || assigneeId === '' || assign.isPending}
        onClick={() => assign.mutate({ items, assigneeId: assigneeId === 'none' ? null : assigneeId })}
      >
        Assign selected
      </Button>
      {error ? <span className="text-sm text-red-700">{errorMessage(error)}</span> : null}
    </div>
  );
}

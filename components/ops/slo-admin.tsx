'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { OperationsPanel } from './operations-panel';

const labels: Record<string, string> = {
  change_order: 'Change orders → Odoo',
  claim: 'Claims → Odoo',
  milestone: 'Milestones → Odoo',
  exceptions: 'Exceptions unowned',
};

/** Admin → Operations: set each workflow's SLO (audited), and see the burn and alerts. */
export function SloAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const slos = useQuery(trpc.operations.slos.queryOptions());
  const [saved, setSaved] = useState<string | null>(null);
  const update = useMutation(
    trpc.operations.updateSlo.mutationOptions({
      onSuccess: async (row) => {
        setSaved(`Saved the ${labels[row.workflow] ?? row.workflow} SLO.`);
        await queryClient.invalidateQueries({ queryKey: trpc.operations.pathKey() });
      },
    }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>, workflow: string, version: number) {
    event.preventDefault();
    setSaved(null);
    const form = new FormData(event.currentTarget);
    update.mutate({
      workflow: workflow as 'claim',
      objectivePercent: Number(form.get('objectivePercent')),
      threshold: Number(form.get('threshold')),
      windowDays: Number(form.get('windowDays')),
      version,
    });
  }
  return (
    <div className="space-y-4">
      {saved ? <Alert tone="success">{saved}</Alert> : null}
      {update.error ? <Alert>{errorMessage(update.error)}</Alert> : null}
      <Card title="Service level objectives">
        <div className="space-y-2">
          {(slos.data ?? []).map((slo) => (
            <form
              key={`${slo.workflow}-${slo.version}`}
              onSubmit={(e) => onSubmit(e, slo.workflow, slo.version)}
              className="flex flex-wrap items-end gap-2 text-sm"
              aria-label={`SLO ${slo.workflow}`}
            >
              <span className="w-48 font-medium">{labels[slo.workflow] ?? slo.workflow}</span>
              <label className="flex flex-col text-xs">
                Objective %
                <input
                  name="objectivePercent"
                  type="number"
                  step="0.1"
                  min="50"
                  max="100"
                  defaultValue={slo.objectivePercent}
                  className="w-24 rounded border border-slate-300 px-1 py-1"
                />
              </label>
              <label className="flex flex-col text-xs">
                {slo.workflow === 'exceptions' ? 'Business days' : 'Minutes'}
                <input
                  name="threshold"
                  type="number"
                  min="1"
                  defaultValue={slo.threshold}
                  className="w-24 rounded border border-slate-300 px-1 py-1"
                />
              </label>
              <label className="flex flex-col text-xs">
                Window (days)
                <input
                  name="windowDays"
                  type="number"
                  min="1"
                  max="90"
                  defaultValue={slo.windowDays}
                  className="w-24 rounded border border-slate-300 px-1 py-1"
                />
              </label>
              <Button type="submit" variant="secondary" disabled={update.isPending}>
                Save
              </Button>
              <span className="text-xs text-slate-500">
                {slo.custom ? `set by an administrator (v${slo.version})` : 'default'}
              </span>
            </form>
          ))}
        </div>
        <p className="mt-2 text-xs text-slate-500">
          Alert thresholds (queue lag, failure rate, reconciliation age) and channels (email, signed webhook)
          are set in the environment; see README, Operating it.
        </p>
      </Card>
      <OperationsPanel />
    </div>
  );
}

'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/feedback';

/** Queues a master-data pull for the worker; the pull-run list shows it when it has run. */
export function PullNowButton() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pull = useMutation(
    trpc.odoo.pullNow.mutationOptions({
      onSuccess: () =>
        setTimeout(
          () => void queryClient.invalidateQueries({ queryKey: trpc.odoo.pullRuns.queryKey() }),
          3000,
        ),
    }),
  );
  return (
    <div className="flex items-center gap-3">
      <Button onClick={() => pull.mutate()} disabled={pull.isPending}>
        Pull now
      </Button>
      {pull.isSuccess ? (
        <Alert tone="info">Pull queued: it runs in the background and appears under Pull runs.</Alert>
      ) : null}
      {pull.error ? <Alert>{errorMessage(pull.error)}</Alert> : null}
    </div>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC, errorMessage } from '@/components/trpc/react';
import { Alert, EmptyState } from '@/components/ui/feedback';
import { formatDateTime, formatMoneyDisplay } from '@/components/ui/format';

const kindLabels = { change_order: 'Change order', claim: 'Claim', milestone: 'Milestone' } as const;
const kindPaths = { change_order: 'change-orders', claim: 'claims', milestone: 'billing' } as const;

export function ApprovalInbox() {
  const trpc = useTRPC();
  const inbox = useQuery(trpc.session.myApprovals.queryOptions());
  if (inbox.error) return <Alert>{errorMessage(inbox.error)}</Alert>;
  if (inbox.isLoading) return <p className="text-sm text-slate-500">Loading…</p>;
  const items = inbox.data ?? [];
  if (items.length === 0) {
    return (
      <EmptyState title="Nothing is waiting for you">
        Change orders, claims and milestones that need your decision will appear here.
      </EmptyState>
    );
  }
  return (
    <ul
      className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white"
      data-testid="inbox-list"
    >
      {items.map((item) => (
        <li key={`${item.kind}-${item.id}`} className="flex items-center justify-between gap-4 px-4 py-3">
          <div>
            <Link
              href={`/projects/${item.projectId}/${kindPaths[item.kind]}/${item.id}`}
              className="font-medium text-brand-700 hover:underline"
            >
              {item.reference} · {item.title}
            </Link>
            <p className="text-xs text-slate-500">
              {kindLabels[item.kind]} on {item.projectCode} · {item.step} · waiting since{' '}
              {formatDateTime(item.waitingSince)}
            </p>
          </div>
          <span className="tabular text-sm">{formatMoneyDisplay(item.amount, item.currency)}</span>
        </li>
      ))}
    </ul>
  );
}

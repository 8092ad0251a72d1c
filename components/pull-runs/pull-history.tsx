import Link from 'next/link';
import { Card } from '@/components/ui/feedback';
import { formatDateTime } from '@/components/ui/format';

export type PullHistoryEntry = {
  id: number;
  runId: string;
  recordType: string;
  action: string;
  changedFields: Record<string, { old: unknown; new: unknown }> | null;
  message: string | null;
  at: Date;
};

export function describeChanges(changed: Record<string, { old: unknown; new: unknown }> | null): string {
  if (!changed) return '';
  return Object.entries(changed)
    .map(([field, { old, new: next }]) => `${field}: ${JSON.stringify(old)} → ${JSON.stringify(next)}`)
    .join('; ');
}

/** A record's pull history: which pulls created, updated or failed it, and what changed. */
export function PullHistory({ entries }: { entries: PullHistoryEntry[] }) {
  return (
    <Card title="Pull history">
      {entries.length === 0 ? (
        <p className="text-sm text-slate-500">No pull has changed this record yet.</p>
      ) : (
        <ul className="space-y-2 text-sm">
          {entries.map((e) => (
            <li key={e.id}>
              <Link className="text-brand-700 hover:underline" href={`/admin/pull-runs/${e.runId}`}>
                {formatDateTime(e.at)}
              </Link>{' '}
              <span className="font-medium">{e.action}</span>{' '}
              <span className="text-slate-500">{e.recordType}</span>
              <div className="break-words text-xs text-slate-600">
                {e.message ?? describeChanges(e.changedFields)}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

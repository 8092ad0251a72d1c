'use client';

import { useQuery } from '@tanstack/react-query';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Alert, Card, EmptyState } from '@/components/ui/feedback';
import { formatDateTime } from '@/components/ui/format';

/** The bundled mail catcher's messages: who, what, when, and the text (links in it are live). */
export function MailOutbox() {
  const trpc = useTRPC();
  const outbox = useQuery(trpc.operations.outbox.queryOptions());
  if (outbox.error) return <Alert>{errorMessage(outbox.error)}</Alert>;
  if (!outbox.data) return <p className="text-sm text-slate-600">Loading…</p>;
  if (outbox.data.smtp)
    return (
      <EmptyState title="Mail goes to your SMTP server">
        SMTP_URL is set, so messages leave Plumbline and are not kept here.
      </EmptyState>
    );
  if (outbox.data.messages.length === 0) return <EmptyState title="Nothing sent yet." />;
  return (
    <div className="space-y-3" data-testid="mail-outbox">
      {outbox.data.messages.map((m) => (
        <Card key={m.id}>
          <details>
            <summary className="cursor-pointer text-sm">
              <span className="font-medium text-slate-900">{m.subject || '(no subject)'}</span>
              <span className="text-slate-600">
                {' '}
                · to {m.to} · {formatDateTime(m.sentAt)}
              </span>
            </summary>
            <pre className="mt-2 whitespace-pre-wrap break-words text-sm text-slate-800">{m.text}</pre>
          </details>
        </Card>
      ))}
    </div>
  );
}

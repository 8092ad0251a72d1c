import type { ReactNode } from 'react';

/** A titled chart panel; `summary` is read by screen readers in place of the drawing. */
export function ChartFrame({
  title,
  summary,
  children,
  empty,
}: {
  title: string;
  summary: string;
  children: ReactNode;
  empty?: boolean;
}) {
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-label={title}>
      <figcaption className="mb-2 text-sm font-semibold text-slate-900">{title}</figcaption>
      <p className="sr-only">{summary}</p>
      {empty ? (
        <p className="flex h-64 items-center justify-center text-sm text-slate-500">No data yet.</p>
      ) : (
        <div className="h-64 w-full">{children}</div>
      )}
    </figure>
  );
}

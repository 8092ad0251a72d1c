/**
 * Shown at once while a page's server prefetch runs (the layout and navigation are already there),
 * then replaced by the page with its data: the response streams instead of waiting for the queries.
 */
export default function PortalLoading() {
  return (
    <div role="status" aria-label="Loading the page" className="animate-pulse space-y-4">
      <div className="h-6 w-64 max-w-full rounded bg-slate-200" />
      <div className="h-4 w-96 max-w-full rounded bg-slate-200" />
      <div className="h-48 rounded-lg border border-slate-200 bg-white" />
    </div>
  );
}

'use client';

import { Button } from '@/components/ui/button';

/** Shows a clear message and a reference, never the error's text or stack. */
export default function ErrorBoundary({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="max-w-md text-sm text-slate-600">
        The page could not be shown. Nothing you approved was lost. Try again; if it keeps happening, give
        this reference to your administrator: <span className="font-mono">{error.digest ?? 'n/a'}</span>
      </p>
      <Button onClick={reset}>Try again</Button>
    </main>
  );
}

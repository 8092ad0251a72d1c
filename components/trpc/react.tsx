'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useState, type ReactNode } from 'react';
import superjson from 'superjson';
import type { AppRouter } from '@/server/api/root';
import { makeQueryClient } from './query-client';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** A revoked or expired session sends the person to sign-in on their very next request. */
function handleAuthError(error: unknown) {
  if (
    error instanceof TRPCClientError &&
    error.data?.code === 'UNAUTHORIZED' &&
    typeof window !== 'undefined'
  ) {
    const reason = encodeURIComponent(error.message);
    // a full load, not a client navigation: nothing of the ended session stays in memory
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`/sign-in?reason=${reason}`);
  }
}

const browserRetry = (count: number, error: unknown) =>
  !(
    error instanceof TRPCClientError &&
    ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST'].includes(error.data?.code)
  ) && count < 2;

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => makeQueryClient({ onError: handleAuthError, retry: browserRetry }));
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: '/api/trpc', transformer: superjson })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const fieldErrors = (error.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors;
    if (fieldErrors) {
      const first = Object.entries(fieldErrors).find(([, messages]) => messages && messages.length > 0);
      if (first) return `${first[0]}: ${first[1]?.[0]}`;
    }
    return error.message;
  }
  return 'Something went wrong. Please try again.';
}

/** The message the server gave for one input field (zod's, or a domain error naming the field). */
export function fieldErrorOf(error: unknown, field: string): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  return (error.data as { fieldErrors?: Record<string, string[] | undefined> } | undefined)?.fieldErrors?.[
    field
  ]?.[0];
}

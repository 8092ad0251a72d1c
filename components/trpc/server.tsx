import { randomUUID } from 'node:crypto';
import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { cache, type ReactNode } from 'react';
import { getDb } from '@/db/client';
import { appRouter } from '@/server/api/root';
import type { Context } from '@/server/api/trpc';
import { currentActor } from '@/server/auth/current';
import { makeQueryClient } from './query-client';

/**
 * Server-side tRPC for server components (create-t3-app's `trpc/server.tsx`): the same router and
 * permission checks as /api/trpc, called in-process with the request's re-validated actor. A page
 * awaits `prefetch(...)` for what it shows first and wraps its client components in
 * `<HydrateClient>`; their `useQuery` then starts with the data.
 */
export const getQueryClient = cache(() => makeQueryClient());

const createContext = cache(async (): Promise<Context> => {
  const resolution = await currentActor();
  return {
    db: getDb(),
    actor: resolution.actor,
    anonymousReason: resolution.actor ? undefined : resolution.reason,
    requestId: randomUUID(),
  };
});

export const trpc = createTRPCOptionsProxy({
  ctx: createContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/** Prefetches every query given; a failure is left for the client to show (it refetches). */
export async function prefetch(...queries: { queryKey: readonly unknown[] }[]): Promise<void> {
  const client = getQueryClient();
  // prefetchQuery never throws: a refused query simply is not dehydrated
  await Promise.all(
    queries.map((options) =>
      client.prefetchQuery(options as unknown as Parameters<typeof client.prefetchQuery>[0]),
    ),
  );
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

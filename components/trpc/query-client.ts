import { defaultShouldDehydrateQuery, QueryCache, QueryClient, MutationCache } from '@tanstack/react-query';
import superjson from 'superjson';

/**
 * One QueryClient recipe for the browser and the server (the create-t3-app pattern): the server
 * prefetches into it and dehydrates with superjson (Dates survive), the browser hydrates with the
 * same transformer, so a page arrives with its data instead of "Loading…".
 */
export function makeQueryClient(handlers?: {
  onError?: (error: unknown) => void;
  retry?: (count: number, error: unknown) => boolean;
}) {
  return new QueryClient({
    queryCache: new QueryCache({ onError: handlers?.onError }),
    mutationCache: new MutationCache({ onError: handlers?.onError }),
    defaultOptions: {
      queries: {
        // refetch on mount: every screen asks the server again, so a revoked session bites at once;
        // the prefetched data is on screen meanwhile
        staleTime: 0,
        retry: handlers?.retry ?? false,
      },
      dehydrate: {
        serializeData: superjson.serialize,
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query),
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}

'use client';

import { createContext, useContext, type ReactNode } from 'react';

const CurrentUserContext = createContext<string | null>(null);

/** The signed-in user's id for client components that remember things per user (table columns). */
export function CurrentUserProvider({ userId, children }: { userId: string; children: ReactNode }) {
  return <CurrentUserContext.Provider value={userId}>{children}</CurrentUserContext.Provider>;
}

export function useCurrentUserId(): string | null {
  return useContext(CurrentUserContext);
}

import { cookies, headers } from 'next/headers';
import { getToken } from 'next-auth/jwt';
import { getDb } from '@/db/client';
import { env } from '@/server/env';
import { resolveActor, type ActorResolution } from './session';

/** The actor of the current Next request (server components, route handlers). */
export async function currentActor(): Promise<ActorResolution> {
  const headerList = await headers();
  const cookieStore = await cookies();
  const token = await getToken({
    req: {
      headers: Object.fromEntries(headerList.entries()),
      cookies: Object.fromEntries(cookieStore.getAll().map((c) => [c.name, c.value])),
    } as never,
    secret: env().AUTH_SECRET,
  });
  return resolveActor(getDb(), token);
}

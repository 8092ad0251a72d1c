import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { getDb } from '@/db/client';
import { authOptions } from '@/server/auth/config';
import { checkLoginThrottle, clientIp, recordLoginAttempt } from '@/server/auth/throttle';

export const dynamic = 'force-dynamic';

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(req: NextRequest, context: RouteContext): Promise<Response> {
  const { nextauth } = await context.params;
  const ip = clientIp(req.headers);
  const isCredentialsSignIn = req.method === 'POST' && nextauth.join('/') === 'callback/credentials';
  if (isCredentialsSignIn) {
    const form = await req.clone().formData();
    const email = String(form.get('email') ?? '');
    const verdict = await checkLoginThrottle(getDb(), email, ip);
    if (!verdict.allowed) {
      await recordLoginAttempt(getDb(), { email, ip, succeeded: false, reason: 'throttled' });
      const url = new URL('/sign-in', req.url);
      url.searchParams.set('error', 'TooManyAttempts');
      return Response.json(
        { url: url.toString(), error: 'TooManyAttempts', message: verdict.message },
        { status: 429, headers: { 'Retry-After': String(verdict.retryAfterSeconds) } },
      );
    }
  }
  const nextAuthHandler = NextAuth(authOptions()) as (req: NextRequest, context: RouteContext) => Promise<Response>;
  return nextAuthHandler(req, { params: Promise.resolve({ nextauth }) });
}

export { handler as GET, handler as POST };

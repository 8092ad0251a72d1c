import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { getDb } from '@/db/client';
import { authOptions } from '@/server/auth/config';
import { readSignInForm, signInRequestFrom } from '@/server/auth/sign-in-request';
import { checkLoginThrottle, clientIp, recordLoginAttempt } from '@/server/auth/throttle';
import { env } from '@/server/env';

export const dynamic = 'force-dynamic';

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(req: NextRequest, context: RouteContext): Promise<Response> {
  const { nextauth } = await context.params;
  const ip = clientIp(req.headers);
  const isCredentialsSignIn = req.method === 'POST' && nextauth.join('/') === 'callback/credentials';
  let forwarded: NextRequest = req;
  if (isCredentialsSignIn) {
    const parsed = await readSignInForm(req);
    if (!parsed.ok) {
      return Response.json(
        { error: 'BadRequest', message: parsed.message, fieldErrors: parsed.fieldErrors },
        { status: 400, headers: { 'Cache-Control': 'no-store' } },
      );
    }
    const email = parsed.form.email;
    const verdict = await checkLoginThrottle(getDb(), email, ip);
    if (!verdict.allowed) {
      await recordLoginAttempt(getDb(), { email, ip, succeeded: false, reason: 'throttled' });
      const url = new URL('/sign-in', env().appOrigin);
      url.searchParams.set('error', 'TooManyAttempts');
      return Response.json(
        { url: url.toString(), error: 'TooManyAttempts', message: verdict.message },
        { status: 429, headers: { 'Retry-After': String(verdict.retryAfterSeconds) } },
      );
    }
    forwarded = new NextRequest(signInRequestFrom(req, parsed.form));
  }
  const nextAuthHandler = NextAuth(authOptions()) as (
    req: NextRequest,
    context: RouteContext,
  ) => Promise<Response>;
  return nextAuthHandler(forwarded, { params: Promise.resolve({ nextauth }) });
}

export { handler as GET, handler as POST };

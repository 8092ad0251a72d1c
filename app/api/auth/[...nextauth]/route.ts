import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { getDb } from '@/db/client';
import { authOptions } from '@/server/auth/config';
import { checkLoginThrottle, clientIp } from '@/server/auth/throttle';

export const dynamic = 'force-dynamic';

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(req: NextRequest, context: RouteContext): Promise<Response> {
  const { nextauth } = await context.params;
  const ip = clientIp(req.headers);
  const isCredentialsSignIn = req.method === 'POST' && nextauth.join('/') === 'callback/credentials';
  let forwarded = req;
  if (isCredentialsSignIn) {
    const form = await req.clone().formData();
    const email = String(form.get('email') ?? '');
    const verdict = await checkLoginThrottle(getDb(), email, ip);
    if (!verdict.allowed) {
      const url = new URL('/sign-in', req.url);
      url.searchParams.set('error', 'TooManyAttempts');
      return Response.json(
        { url: url.toString(), error: 'TooManyAttempts', message: verdict.message },
        { status: 429, headers: { 'Retry-After': String(verdict.retryAfterSeconds) } },
      );
    }
    // authorize() reads the client address from this header; a client-supplied copy is overwritten.
    const headers = new Headers(req.headers);
    headers.set('x-plumbline-client-ip', ip);
    forwarded = new NextRequest(req, { headers });
  }
  const nextAuthHandler = NextAuth(authOptions()) as (req: NextRequest, context: RouteContext) => Promise<Response>;
  return nextAuthHandler(forwarded, { params: Promise.resolve({ nextauth }) });
}

export { handler as GET, handler as POST };

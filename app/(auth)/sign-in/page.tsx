import type { Metadata } from 'next';
import { SignInForm } from '@/components/auth/sign-in-form';
import { safeCallbackPath } from '@/server/auth/redirect';
import { env } from '@/server/env';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm space-y-6">
        <div className="text-center">
          <p className="text-2xl font-semibold tracking-tight text-brand-900">Plumbline</p>
          <p className="text-sm text-slate-600">Project controls for construction</p>
        </div>
        <SignInForm
          reason={params.reason}
          callbackUrl={safeCallbackPath(params.callbackUrl, env().appOrigin)}
        />
      </div>
    </main>
  );
}

import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ChangePasswordForm } from '@/components/auth/change-password-form';
import { currentActor } from '@/server/auth/current';

export const metadata: Metadata = { title: 'Choose a new password' };
export const dynamic = 'force-dynamic';

/** After an administrator's reset: the one-time password is replaced before anything else. */
export default async function ChangePasswordPage() {
  const resolution = await currentActor();
  if (!resolution.actor) redirect('/sign-in');
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-md space-y-6">
        <div className="text-center">
          <p className="text-2xl font-semibold tracking-tight text-brand-900">Choose a new password</p>
          <p className="text-sm text-slate-600">{resolution.actor.name}</p>
        </div>
        <ChangePasswordForm mustChange={resolution.passwordChangeRequired} />
      </div>
    </main>
  );
}

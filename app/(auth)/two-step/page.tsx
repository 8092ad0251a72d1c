import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { TwoStepPanel } from '@/components/auth/two-step-panel';
import { currentActor } from '@/server/auth/current';

export const metadata: Metadata = { title: 'Two-step sign-in' };
export const dynamic = 'force-dynamic';

/** Enrolment (QR code, first code, recovery codes) and step-up ("confirm it's you") for the signed-in person. */
export default async function TwoStepPage() {
  const resolution = await currentActor();
  if (!resolution.actor) redirect('/sign-in');
  if (resolution.passwordChangeRequired) redirect('/change-password');
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-md space-y-6">
        <div className="text-center">
          <p className="text-2xl font-semibold tracking-tight text-brand-900">Two-step sign-in</p>
          <p className="text-sm text-slate-600">{resolution.actor.name}</p>
        </div>
        <TwoStepPanel mustEnrol={resolution.mfaEnrolmentRequired} />
      </div>
    </main>
  );
}

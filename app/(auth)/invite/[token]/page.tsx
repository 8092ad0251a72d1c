import type { Metadata } from 'next';
import Link from 'next/link';
import { AcceptInvitationForm } from '@/components/portal/accept-invitation-form';
import { getDb } from '@/db/client';
import { readInvitation } from '@/server/modules/portal/invitation.service';
import { invitationRefusals } from '@/server/modules/portal/portal.schemas';

export const metadata: Metadata = { title: 'Your invitation', referrer: 'no-referrer' };
export const dynamic = 'force-dynamic';

/** A vendor contact's invitation (issue 19): choose a name and password, once, within seven days. */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await readInvitation(getDb(), decodeURIComponent(token));
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-md space-y-6">
        <div className="text-center">
          <p className="text-2xl font-semibold tracking-tight text-brand-900">Plumbline</p>
          <p className="text-sm text-slate-600">Submit your claims and see when they are paid</p>
        </div>
        {invitation.state === 'valid' ? (
          <AcceptInvitationForm
            token={decodeURIComponent(token)}
            email={invitation.email}
            name={invitation.name}
            vendorName={invitation.vendorName}
          />
        ) : (
          <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-6 text-sm shadow-sm">
            <p role="alert" data-testid="invitation-refused">
              {invitationRefusals[invitation.state]}
            </p>
            <Link href="/sign-in" className="font-medium text-brand-700 hover:underline">
              Go to sign-in
            </Link>
          </div>
        )}
      </div>
    </main>
  );
}

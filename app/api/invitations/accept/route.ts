import { ZodError } from 'zod';
import { getDb } from '@/db/client';
import { allowedOrigins } from '@/server/api/csrf';
import { env } from '@/server/env';
import { isDomainError } from '@/server/errors';
import { acceptInvitation } from '@/server/modules/portal/invitation.service';
import { acceptInvitationInput } from '@/server/modules/portal/portal.schemas';

export const dynamic = 'force-dynamic';

/** The header the invitation form sends: a cross-site form post cannot set it. */
const INVITATION_HEADER = 'x-plumbline-invitation';

/**
 * Accepting a portal invitation (issue 19): the one write open to someone not signed in, since the
 * invitation is their credential. Same-origin JSON with the form's header only; the token (never
 * stored, only its hash) decides the rest. Answers field errors as 400, and never whether an address
 * exists beyond the invitation's own.
 */
export async function POST(req: Request): Promise<Response> {
  const noStore = { 'cache-control': 'no-store' };
  const origin = req.headers.get('origin');
  if (
    !origin ||
    !allowedOrigins(env().appOrigin).includes(origin) ||
    req.headers.get(INVITATION_HEADER) !== '1' ||
    !(req.headers.get('content-type') ?? '').startsWith('application/json')
  )
    return Response.json({ error: 'Cross-origin or form post refused.' }, { status: 403, headers: noStore });
  const text = await req.text();
  if (text.length > 10_000)
    return Response.json({ error: 'Request too large.' }, { status: 413, headers: noStore });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return Response.json({ error: 'Send the form as JSON.' }, { status: 400, headers: noStore });
  }
  try {
    const input = acceptInvitationInput.parse(body);
    const { email } = await acceptInvitation(getDb(), input);
    return Response.json({ email }, { status: 201, headers: noStore });
  } catch (error) {
    if (error instanceof ZodError)
      return Response.json(
        { error: 'Check the highlighted fields.', fieldErrors: error.flatten().fieldErrors },
        { status: 400, headers: noStore },
      );
    if (isDomainError(error)) {
      const field = typeof error.details?.field === 'string' ? error.details.field : null;
      return Response.json(
        { error: error.message, fieldErrors: field ? { [field]: [error.message] } : undefined },
        { status: 400, headers: noStore },
      );
    }
    throw error;
  }
}

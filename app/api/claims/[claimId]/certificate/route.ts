import { guardRoute } from '@/server/api/route-guard';
import { idInput } from '@/server/lib/validation';
import { renderCertificatePdf } from '@/server/modules/claims/claim-certificate.pdf';
import { getClaimCertificate } from '@/server/modules/claims/claim.queries';
import { env } from '@/server/env';

export const dynamic = 'force-dynamic';

/**
 * The payment certificate as a PDF download: a read, checked exactly like claims.certificate (the
 * session re-validated, `claim.read`, then the project scope: another project's claim is 404).
 * A route handler rather than a tRPC query so the browser gets a real file with its name.
 */
export async function GET(
  req: Request,
  { params }: { params: Promise<{ claimId: string }> },
): Promise<Response> {
  const { claimId } = await params;
  // the contractor's people by project; a subcontractor their own vendor's claims (issue 19)
  const guard = await guardRoute(req, ['claim.read', 'portal.read']);
  if (!guard.ok) return guard.response;
  const { ctx } = guard;
  const parsed = idInput.safeParse(claimId);
  const certificate = parsed.success ? await getClaimCertificate(ctx.db, ctx.actor, parsed.data) : null;
  if (!certificate)
    return Response.json(
      { error: 'No payment certificate: the claim does not exist or has not been certified.' },
      { status: 404 },
    );
  const pdf = await renderCertificatePdf(certificate, {
    claimUrl: new URL(
      ctx.actor.role === 'subcontractor'
        ? `/sub/claims/${certificate.id}`
        : `/projects/${certificate.projectId}/claims/${certificate.id}`,
      env().APP_URL ?? req.url,
    ).toString(),
  });
  const name = `payment-certificate-${certificate.reference}${certificate.revision > 1 ? `-rev${certificate.revision}` : ''}.pdf`;
  return new Response(Buffer.from(pdf), {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'private, no-store',
    },
  });
}

import { createContextFromRequest } from '@/server/api/context';
import { allowedOrigins } from '@/server/api/csrf';
import { hasPermission } from '@/server/auth/permissions';
import { env } from '@/server/env';
import {
  documentErrorResponse,
  readBodyWithin,
  UPLOAD_HEADER,
} from '@/server/modules/documents/document-http';
import { uploadDocumentInput } from '@/server/modules/documents/document.schemas';
import { DOCUMENT_MAX_BYTES, uploadDocument } from '@/server/modules/documents/document.service';

export const dynamic = 'force-dynamic';

/**
 * Upload one document: the file's bytes as the body (`application/octet-stream`), what it is and where
 * it goes in the query (`recordType`, `recordId`, `kind`, `fileName`). Same session and origin rules as
 * a tRPC mutation: the app's own origin and the upload header, or 403 before anything is read.
 */
export async function POST(req: Request): Promise<Response> {
  const origin = req.headers.get('origin');
  if (!origin || !allowedOrigins(env().appOrigin).includes(origin) || req.headers.get(UPLOAD_HEADER) !== '1')
    return Response.json({ error: 'Cross-origin or form upload refused.' }, { status: 403 });
  const ctx = await createContextFromRequest(req);
  if (!ctx.actor) return Response.json({ error: 'Please sign in.' }, { status: 401 });
  if (!hasPermission(ctx.actor.role, 'document.write'))
    return Response.json({ error: 'You do not have permission to do that.' }, { status: 403 });
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = uploadDocumentInput.safeParse(params);
  if (!parsed.success)
    return Response.json(
      { error: 'Check the highlighted fields.', fieldErrors: parsed.error.flatten().fieldErrors },
      { status: 400 },
    );
  try {
    const bytes = await readBodyWithin(req, DOCUMENT_MAX_BYTES);
    const saved = await uploadDocument(ctx.db, parsed.data, bytes, ctx.actor);
    return Response.json(saved, { status: 201, headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return documentErrorResponse(error);
  }
}

import { allowedOrigins } from '@/server/api/csrf';
import { guardRoute } from '@/server/api/route-guard';
import { assertDocumentAccess } from '@/server/modules/documents/document-access';
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
  const guard = await guardRoute(req, 'document.write');
  if (!guard.ok) return guard.response;
  const { ctx } = guard;
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = uploadDocumentInput.safeParse(params);
  if (!parsed.success)
    return Response.json(
      { error: 'Check the highlighted fields.', fieldErrors: parsed.error.flatten().fieldErrors },
      { status: 400 },
    );
  try {
    // who may add to this record is known before a byte of the body is read
    await assertDocumentAccess(ctx.db, ctx.actor, parsed.data.recordType, parsed.data.recordId, 'write');
    const bytes = await readBodyWithin(req, DOCUMENT_MAX_BYTES);
    const saved = await uploadDocument(ctx.db, parsed.data, bytes, ctx.actor);
    // never whether the bytes were already stored (somewhere this person may not see)
    return Response.json(
      { id: saved.id, contentType: saved.contentType, fileName: saved.fileName },
      { status: 201, headers: { 'cache-control': 'no-store' } },
    );
  } catch (error) {
    return documentErrorResponse(error);
  }
}

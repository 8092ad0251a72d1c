import { guardRoute } from '@/server/api/route-guard';
import { idInput } from '@/server/lib/validation';
import { documentErrorResponse } from '@/server/modules/documents/document-http';
import { readDocumentForDownload } from '@/server/modules/documents/document.service';

export const dynamic = 'force-dynamic';

/**
 * Download a document, authorised exactly like the record it belongs to (another project's document
 * is 404, like an unknown id). Always an attachment, never rendered inline, with the type sniffed at
 * upload and `nosniff`, so an uploaded file cannot run as a page of this origin.
 */
export async function GET(
  req: Request,
  { params }: { params: Promise<{ documentId: string }> },
): Promise<Response> {
  const { documentId } = await params;
  const guard = await guardRoute(req, 'document.read');
  if (!guard.ok) return guard.response;
  const { ctx } = guard;
  const parsed = idInput.safeParse(documentId);
  if (!parsed.success) return Response.json({ error: 'Document not found.' }, { status: 404 });
  try {
    const doc = await readDocumentForDownload(ctx.db, ctx.actor, parsed.data);
    const ascii = doc.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    return new Response(new Uint8Array(doc.content), {
      headers: {
        'content-type': doc.contentType,
        'content-length': String(doc.content.byteLength),
        'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(doc.fileName)}`,
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-store',
        etag: `"${doc.sha256}"`,
      },
    });
  } catch (error) {
    return documentErrorResponse(error);
  }
}

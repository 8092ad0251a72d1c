import { DomainError, domainErrorCodes, isDomainError } from '@/server/errors';

/** The header the app's own upload sends: a cross-site form or image cannot set it (it forces a preflight). */
export const UPLOAD_HEADER = 'x-plumbline-upload';

const STATUS: Record<string, number> = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  BAD_REQUEST: 400,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
};

/** A service's refusal as the JSON answer a route handler gives (the same words tRPC would carry). */
export function documentErrorResponse(error: unknown): Response {
  if (!isDomainError(error)) throw error;
  const status = STATUS[domainErrorCodes[error.code]] ?? 400;
  const field = typeof error.details?.field === 'string' ? error.details.field : undefined;
  return Response.json(
    {
      error: error.message,
      code: error.code,
      ...(field ? { fieldErrors: { [field]: [error.message] } } : {}),
    },
    { status, headers: { 'cache-control': 'no-store' } },
  );
}

/**
 * Reads a request body up to `limit` bytes and refuses the rest (413 with the reason), without
 * trusting Content-Length: the count is of the bytes that actually arrive.
 */
export async function readBodyWithin(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) throw new DomainError('VALIDATION', tooLarge, { field: 'file' });
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new DomainError('VALIDATION', tooLarge, { field: 'file' });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const tooLarge = 'The file is larger than 25 MB. Upload a smaller file.';

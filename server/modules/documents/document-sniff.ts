import { fileTypeFromBuffer } from 'file-type';

/**
 * What an upload really is, from its bytes (the `file-type` library reads magic numbers; a name or a
 * browser's Content-Type is never trusted). Accepted: what a claim, a change order or a certificate
 * carries — PDF, photos (JPEG, PNG, WebP, HEIC, TIFF), Office documents, and plain text/CSV (no binary
 * signature, valid UTF-8, no NUL byte). Everything else, scripts and HTML included, is refused.
 */
const ACCEPTED: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG image',
  'image/png': 'PNG image',
  'image/webp': 'WebP image',
  'image/heic': 'HEIC photo',
  'image/heif': 'HEIF photo',
  'image/tiff': 'TIFF image',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel workbook',
  'text/plain': 'text file',
};

/** The extensions a file of each accepted type may carry; the first is added when the name has none of them. */
const EXTENSIONS: Record<string, string[]> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'image/heic': ['heic'],
  'image/heif': ['heif', 'heic'],
  'image/tiff': ['tif', 'tiff'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'text/plain': ['txt', 'csv'],
};

/**
 * The name a download carries: the uploader's, with an extension that matches what the bytes are, so
 * a text file named `invoice.hta` or `run.js` is saved as `invoice.hta.txt` and never runs when opened.
 */
export function nameForType(fileName: string, contentType: string): string {
  const allowed = EXTENSIONS[contentType] ?? [];
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (extension && allowed.includes(extension)) return fileName;
  return allowed[0] ? `${fileName}.${allowed[0]}` : fileName;
}

export type Sniffed = { ok: true; contentType: string; label: string } | { ok: false; message: string };

const ACCEPTED_WORDS =
  'a PDF, a photo (JPEG, PNG, WebP, HEIC, TIFF), a Word or Excel file, or a text/CSV file';

export async function sniffDocument(bytes: Uint8Array): Promise<Sniffed> {
  if (bytes.byteLength === 0) return { ok: false, message: 'The file is empty.' };
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) {
    const label = ACCEPTED[detected.mime];
    return label
      ? { ok: true, contentType: detected.mime, label }
      : {
          ok: false,
          message: `The file's content is ${detected.ext.toUpperCase()} (${detected.mime}), which Plumbline does not keep. Upload ${ACCEPTED_WORDS}.`,
        };
  }
  if (isPlainText(bytes)) return { ok: true, contentType: 'text/plain', label: ACCEPTED['text/plain']! };
  return {
    ok: false,
    message: `The file's type could not be recognised from its content. Upload ${ACCEPTED_WORDS}.`,
  };
}

function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    // the whole file (≤ 25 MB): a cut could split a character, and the rest must be text too
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // markup is not a text file here: an HTML or SVG "text" would be a script carrier
    return !/^\s*</.test(text);
  } catch {
    return false;
  }
}

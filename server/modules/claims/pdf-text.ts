import { inflateSync } from 'node:zlib';

/**
 * The text a PDF shows, for tests: inflates every content stream and decodes its Tj strings (hex as
 * pdf-lib writes them, or literal). Enough for our own certificates; not a general PDF parser.
 */
export function extractPdfText(bytes: Uint8Array): string {
  const raw = Buffer.from(bytes);
  const source = raw.toString('latin1');
  const parts: string[] = [];
  const marker = /stream\r?\n/g;
  let match: RegExpExecArray | null;
  while ((match = marker.exec(source)) !== null) {
    const start = match.index + match[0].length;
    const end = source.indexOf('endstream', start);
    if (end < 0) break;
    const chunk = raw.subarray(start, end);
    let content: string;
    try {
      content = inflateSync(chunk).toString('latin1');
    } catch {
      content = chunk.toString('latin1');
    }
    for (const op of content.matchAll(/<([0-9A-Fa-f\s]*)>\s*Tj|\(((?:\\.|[^\\)])*)\)\s*Tj/g)) {
      parts.push(
        op[1] !== undefined
          ? Buffer.from(op[1].replace(/\s/g, ''), 'hex').toString('latin1')
          : op[2]!.replace(/\\(.)/g, '$1'),
      );
    }
    marker.lastIndex = end;
  }
  return parts.join('\n');
}

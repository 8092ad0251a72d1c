import { dateIn } from '@/server/lib/zoned-date';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { ClaimDetail } from './claim.queries';

/**
 * The payment certificate as a PDF (DOMAIN §4): header, per-line scheduled / previous / this period /
 * to date / % complete / balance, retention, deductions and the amount due, certifier and date. It
 * prints the figures of the same calculation the claim page shows (getClaimCertificate), formatted
 * as strings: no arithmetic happens here.
 */
const A4: [number, number] = [841.89, 595.28]; // landscape: the line table needs the width
const MARGIN = 36;
const ROW = 14;

/** "1234567.5" → "1,234,567.50"; WinAnsi-safe (an ASCII minus). */
export function certificateAmount(amount: string | null | undefined, currency: string): string {
  if (amount === null || amount === undefined) return '-';
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = '00'] = (negative ? amount.slice(1) : amount).split('.');
  return `${negative ? '-' : ''}${currency} ${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction.padEnd(2, '0').slice(0, 2)}`;
}

/** Standard fonts speak WinAnsi only: replace what it cannot encode. */
function safe(text: string): string {
  return text
    .replace(/[\u2212\u2013]/g, '-')
    .replace(/[^\x20-\x7E\u00A0-\u00FF\u2014\u2018\u2019\u201C\u201D\u2022]/g, '?');
}

type Cursor = { page: PDFPage; y: number };

/** "0.0500" → "5 %" (string shift, no float); the same wording as the screen. */
function rateText(rate: string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!match) return rate;
  const digits = `${match[1]}${(match[2] ?? '').padEnd(2, '0')}`;
  const whole = digits.slice(0, match[1]!.length + 2).replace(/^0+(?=\d)/, '');
  const fraction = digits.slice(match[1]!.length + 2).replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''} %`;
}

export async function renderCertificatePdf(
  claim: ClaimDetail & { timeZone: string },
  options: { claimUrl?: string } = {},
): Promise<Uint8Array> {
  const calc = claim.calculation;
  if (!calc) throw new Error('A payment certificate needs a calculated claim.');
  const doc = await PDFDocument.create();
  doc.setTitle(`Payment certificate ${claim.reference}`);
  doc.setAuthor('Plumbline');
  doc.setCreationDate(claim.certifiedAt ?? new Date());
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const currency = claim.project.currency;
  const money = (amount: string | null | undefined) => certificateAmount(amount, currency);
  const cursor: Cursor = { page: doc.addPage(A4), y: A4[1] - MARGIN };
  const text = (
    value: string,
    x: number,
    font: PDFFont = regular,
    size = 9,
    align: 'left' | 'right' = 'left',
  ) => {
    const clean = safe(value);
    const at = align === 'right' ? x - font.widthOfTextAtSize(clean, size) : x;
    cursor.page.drawText(clean, { x: at, y: cursor.y, size, font, color: rgb(0.1, 0.1, 0.12) });
  };
  const newline = (by = ROW) => {
    cursor.y -= by;
    if (cursor.y < MARGIN + ROW) {
      cursor.page = doc.addPage(A4);
      cursor.y = A4[1] - MARGIN;
    }
  };

  text(
    `Payment certificate ${claim.reference}${claim.revision > 1 ? ` rev ${claim.revision}` : ''}`,
    MARGIN,
    bold,
    16,
  );
  newline(22);
  text(
    `${claim.project.code} ${claim.project.name} - subcontract ${claim.subcontract.reference} (${claim.subcontract.title})`,
    MARGIN,
    regular,
    10,
  );
  newline();
  text(
    `Subcontractor: ${claim.vendor.name}    Period ending: ${claim.periodEnd}    ${claim.type === 'retention_release' ? `Retention release (${(claim.retentionReleaseStage ?? '').replace(/_/g, ' ')})` : 'Progress claim'}    Status: ${claim.status}`,
    MARGIN,
    regular,
    10,
  );
  newline();
  if (options.claimUrl) {
    text(`Claim record: ${options.claimUrl}`, MARGIN, regular, 9);
    newline();
  }
  newline(8);

  const cols = [
    { title: 'Scheduled', x: 440 },
    { title: 'Previous', x: 510 },
    { title: 'This period', x: 580 },
    { title: 'To date', x: 650 },
    { title: '% complete', x: 715 },
    { title: 'Balance', x: A4[0] - MARGIN },
  ];
  text('#', MARGIN, bold);
  text('Description', MARGIN + 20, bold);
  for (const c of cols) text(c.title, c.x, bold, 9, 'right');
  newline();
  const lineNo = new Map(claim.lines.map((l) => [l.sovLineId, l.lineNo]));
  const figures = (l: {
    scheduledValue: string;
    previousCertifiedToDate: string;
    thisPeriod: string;
    certifiedToDate: string;
    percentComplete: string | null;
    balance: string;
  }) => [
    money(l.scheduledValue),
    money(l.previousCertifiedToDate),
    money(l.thisPeriod),
    money(l.certifiedToDate),
    l.percentComplete === null ? '-' : `${l.percentComplete}%`,
    money(l.balance),
  ];
  for (const line of calc.lines) {
    text(String(lineNo.get(line.sovLineId) ?? ''), MARGIN);
    text(
      line.description.length > 70 ? `${line.description.slice(0, 69)}...` : line.description,
      MARGIN + 20,
    );
    figures(line).forEach((value, i) => text(value, cols[i]!.x, regular, 9, 'right'));
    newline();
    const stored = claim.lines.find((l) => l.sovLineId === line.sovLineId);
    if (stored?.certifyReason) {
      const claimed = money(line.claimedToDate);
      text(
        `Claimed ${claimed}; reason for the difference: ${stored.certifyReason}`.slice(0, 150),
        MARGIN + 30,
        regular,
        8,
      );
      newline(12);
    }
  }
  text('Total work', MARGIN + 20, bold);
  figures(calc.totals).forEach((value, i) => text(value, cols[i]!.x, bold, 9, 'right'));
  newline(24);

  const summary: [string, string, boolean?][] = [
    ['Materials stored on site to date', money(calc.materialsStoredToDate)],
    ['Completed to date (work + materials)', money(calc.completedToDate)],
    ['Less retention held to date', money(calc.retention.heldToDate)],
    ...(calc.retention.releasedThisClaim !== '0.00'
      ? ([['Retention released by this certificate', money(calc.retention.releasedThisClaim)]] as [
          string,
          string,
        ][])
      : []),
    ['Less deductions to date (back-charges, contra charges)', money(calc.deductionsToDate)],
    ['Net to date', money(calc.netToDate)],
    ['Less net certified previously', money(calc.previousNetToDate)],
    ['Amount due this claim', money(calc.dueThisClaim), true],
  ];
  for (const [label, value, strong] of summary) {
    text(label, 440, strong ? bold : regular, strong ? 11 : 9.5);
    text(value, A4[0] - MARGIN, strong ? bold : regular, strong ? 11 : 9.5, 'right');
    newline(strong ? 18 : ROW);
  }
  if (claim.deductions.length > 0) {
    newline(6);
    text('Deductions in this claim', MARGIN, bold);
    newline();
    for (const d of claim.deductions) {
      text(`${d.kind.replace('_', ' ')}: ${d.description} (${d.reason})`, MARGIN);
      text(money(d.amount), 420, regular, 9, 'right');
      newline();
    }
  }
  newline(6);
  const terms = claim.subcontract.retention;
  const cap = terms.cap
    ? terms.cap.basis === 'fixed'
      ? `capped at ${money(terms.cap.amount)}`
      : `capped at ${rateText(terms.cap.rate)} of the ${terms.cap.basis} subcontract value`
    : 'no cap';
  text(
    `Retention: ${rateText(terms.rate)} on work, ${rateText(terms.materialsRate)} on materials on site${terms.reducedRate ? `, ${rateText(terms.reducedRate.rate)} beyond ${terms.reducedRate.afterPercentComplete} % complete` : ''}; ${cap}.`,
    MARGIN,
    regular,
    9,
  );
  newline();
  text(
    `Payment is due on the vendor bill ${claim.odooBillName ?? 'raised in Odoo on approval'}, under the subcontract's payment terms.`,
    MARGIN,
    regular,
    9,
  );
  newline(10);
  const when = (d: Date | null) => (d ? dateIn(claim.timeZone, d) : '-');
  text(`Certified by ${claim.certifierName ?? '-'} on ${when(claim.certifiedAt)}`, MARGIN, regular, 10);
  newline();
  if (claim.approvedAt) {
    text(`Approved by ${claim.approverName ?? '-'} on ${when(claim.approvedAt)}`, MARGIN, regular, 10);
    newline();
  }
  if (claim.releasedAt) {
    text(
      `Released for payment by ${claim.releaserName ?? '-'} on ${when(claim.releasedAt)}`,
      MARGIN,
      regular,
      10,
    );
    newline();
  }
  // signature blocks: the certifier, the approver and the subcontractor's receipt
  if (cursor.y < MARGIN + 5 * ROW) newline(cursor.y);
  newline(14);
  const blocks: [string, string | null, string | null][] = [
    ['Certified (quantity surveyor)', claim.certifierName, when(claim.certifiedAt)],
    ['Approved (project manager)', claim.approverName, claim.approvedAt ? when(claim.approvedAt) : null],
    ['Received (subcontractor)', null, null],
  ];
  const width = (A4[0] - 2 * MARGIN) / 3;
  const top = cursor.y;
  blocks.forEach(([role, name, date], i) => {
    const x = MARGIN + i * width;
    cursor.y = top;
    text(role, x, bold, 9);
    cursor.y -= ROW + 2;
    text(`Name: ${name ?? '________________________'}`, x);
    cursor.y -= ROW + 2;
    text('Signature: ____________________', x);
    cursor.y -= ROW + 2;
    text(`Date: ${date ?? '____________'}`, x);
  });
  return doc.save();
}

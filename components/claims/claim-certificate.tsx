'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/feedback';
import Link from 'next/link';
import { formatMoneyDisplay, formatRate } from '@/components/ui/format';
import { dateIn } from '@/server/lib/zoned-date';
import { claimTypeLabels, deductionKindLabels, releaseStageLabels } from './labels';

/** The payment certificate as a print view: the same server figures the PDF prints. */
export function ClaimCertificate({ claimId, projectId }: { claimId: string; projectId: string }) {
  const trpc = useTRPC();
  // the printed copy carries the claim's full address; known only in the browser
  const [origin] = useState(() => (typeof window === 'undefined' ? '' : window.location.origin));
  const certificate = useQuery(trpc.claims.certificate.queryOptions({ claimId }));
  if (certificate.error)
    return (
      <EmptyState title="No payment certificate">
        The claim does not exist, is not yours to see, or has not been certified yet.
      </EmptyState>
    );
  if (!certificate.data?.calculation) return <p className="text-sm text-slate-500">Loading…</p>;
  const claim = certificate.data;
  const calc = certificate.data.calculation;
  const money = (value: string | null | undefined) => formatMoneyDisplay(value, claim.project.currency);
  const lineNo = new Map(claim.lines.map((l) => [l.sovLineId, l.lineNo]));
  const reasonOf = new Map(claim.lines.map((l) => [l.sovLineId, l.certifyReason]));
  const claimPath = `/projects/${projectId}/claims/${claim.id}`;
  const retention = claim.subcontract.retention;
  const day = (d: Date | null) => (d ? dateIn(claim.timeZone, new Date(d)) : '—');
  const summary: [string, string][] = [
    ['Materials stored on site to date', calc.materialsStoredToDate],
    ['Completed to date', calc.completedToDate],
    ['Less retention held to date', calc.retention.heldToDate],
    ['Retention released by this certificate', calc.retention.releasedThisClaim],
    ['Less deductions to date', calc.deductionsToDate],
    ['Net to date', calc.netToDate],
    ['Less net certified previously', calc.previousNetToDate],
  ];
  return (
    <article
      className="mx-auto max-w-5xl bg-white p-4 text-sm sm:p-6 print:max-w-none print:p-0 print:text-[10pt]"
      data-testid="payment-certificate"
    >
      <div className="mb-4 flex items-start justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">
            Payment certificate {claim.reference}
            {claim.revision > 1 ? ` rev ${claim.revision}` : ''}
          </h1>
          <p>
            {claim.project.code} {claim.project.name} · subcontract {claim.subcontract.reference} (
            {claim.subcontract.title})
          </p>
          <p>
            Claim record:{' '}
            <Link href={claimPath} className="text-brand-700 underline" data-testid="certificate-claim-link">
              {claim.reference}
            </Link>
            <span className="hidden print:inline" suppressHydrationWarning>
              {' '}
              ({origin}
              {claimPath})
            </span>
          </p>
          <p>
            Subcontractor: {claim.vendor.name} · period ending {claim.periodEnd} ·{' '}
            {claimTypeLabels[claim.type]}
            {claim.retentionReleaseStage ? ` at ${releaseStageLabels[claim.retentionReleaseStage]}` : ''} ·
            status {claim.status}
          </p>
        </div>
        <div className="flex gap-2 print:hidden">
          <Button variant="secondary" onClick={() => window.print()}>
            Print
          </Button>
          <a
            href={`/api/claims/${claim.id}/certificate`}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
            download
          >
            Download PDF
          </a>
        </div>
      </div>
      <div className="overflow-x-auto print:overflow-visible">
        <table className="min-w-full" data-testid="certificate-lines">
          <thead>
            <tr className="border-b border-slate-300 text-left">
              <th scope="col" className="py-1 pr-2">
                #
              </th>
              <th scope="col" className="py-1 pr-2">
                Description
              </th>
              <th scope="col" className="py-1 pr-2 text-right">
                Scheduled
              </th>
              <th scope="col" className="py-1 pr-2 text-right">
                Previous
              </th>
              <th scope="col" className="py-1 pr-2 text-right">
                Claimed to date
              </th>
              <th scope="col" className="py-1 pr-2 text-right">
                This period
              </th>
              <th scope="col" className="py-1 pr-2 text-right">
                Certified to date
              </th>
              <th scope="col" className="py-1 pr-2 text-right">
                % complete
              </th>
              <th scope="col" className="py-1 text-right">
                Balance
              </th>
            </tr>
          </thead>
          <tbody>
            {calc.lines.map((l) => (
              <tr key={l.sovLineId} className="border-b border-slate-100">
                <td className="py-1 pr-2">{lineNo.get(l.sovLineId)}</td>
                <td className="py-1 pr-2">
                  {l.description}
                  {reasonOf.get(l.sovLineId) ? (
                    <span className="block text-xs italic text-slate-700">
                      Reason for the difference: {reasonOf.get(l.sovLineId)}
                    </span>
                  ) : null}
                </td>
                <td className="tabular whitespace-nowrap py-1 pr-2 text-right">{money(l.scheduledValue)}</td>
                <td className="tabular whitespace-nowrap py-1 pr-2 text-right">
                  {money(l.previousCertifiedToDate)}
                </td>
                <td className="tabular whitespace-nowrap py-1 pr-2 text-right">{money(l.claimedToDate)}</td>
                <td className="tabular py-1 pr-2 text-right">{money(l.thisPeriod)}</td>
                <td className="tabular py-1 pr-2 text-right">{money(l.certifiedToDate)}</td>
                <td className="tabular py-1 pr-2 text-right">
                  {l.percentComplete ? `${l.percentComplete}%` : '—'}
                </td>
                <td className="tabular py-1 text-right">{money(l.balance)}</td>
              </tr>
            ))}
            <tr className="font-semibold">
              <td />
              <td className="py-1 pr-2">Total work</td>
              <td className="tabular py-1 pr-2 text-right">{money(calc.totals.scheduledValue)}</td>
              <td className="tabular py-1 pr-2 text-right">{money(calc.totals.previousCertifiedToDate)}</td>
              <td className="tabular py-1 pr-2 text-right">{money(calc.totals.claimedToDate)}</td>
              <td className="tabular py-1 pr-2 text-right">{money(calc.totals.thisPeriod)}</td>
              <td className="tabular py-1 pr-2 text-right">{money(calc.totals.certifiedToDate)}</td>
              <td className="tabular py-1 pr-2 text-right">
                {calc.totals.percentComplete ? `${calc.totals.percentComplete}%` : '—'}
              </td>
              <td className="tabular py-1 text-right">{money(calc.totals.balance)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <p className="mt-3" data-testid="certificate-retention-terms">
        Retention: {formatRate(retention.rate)} on work, {formatRate(retention.materialsRate)} on materials on
        site
        {retention.reducedRate
          ? `, ${formatRate(retention.reducedRate.rate)} beyond ${retention.reducedRate.afterPercentComplete} % complete`
          : ''}
        {retention.cap
          ? retention.cap.basis === 'fixed'
            ? `; capped at ${money(retention.cap.amount)}`
            : `; capped at ${formatRate(retention.cap.rate)} of the ${retention.cap.basis} subcontract value`
          : '; no cap'}
        .
      </p>
      <dl className="ml-auto mt-4 max-w-md space-y-1" data-testid="certificate-totals">
        {summary.map(([label, value]) => (
          <div key={label} className="flex justify-between gap-2">
            <dt>{label}</dt>
            <dd className="tabular">{money(value)}</dd>
          </div>
        ))}
        <div className="flex justify-between gap-2 border-t border-slate-400 pt-1 text-base font-semibold">
          <dt>Amount due this claim</dt>
          <dd className="tabular" data-testid="certificate-due">
            {money(calc.dueThisClaim)}
          </dd>
        </div>
      </dl>
      {claim.deductions.length > 0 ? <h2 className="mt-4 font-semibold">Deductions in this claim</h2> : null}
      {claim.deductions.length > 0 ? (
        <ul className="mt-1 space-y-1" data-testid="certificate-deductions">
          {claim.deductions.map((d) => (
            <li key={d.id}>
              {deductionKindLabels[d.kind]}: {d.description} ({d.reason}) — {money(d.amount)}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="mt-4">
        Payment is due on the vendor bill{' '}
        {claim.odooBillName ? <strong>{claim.odooBillName}</strong> : 'raised in Odoo on approval'}, under the
        subcontract&apos;s payment terms.
      </p>
      <div
        className="mt-8 grid gap-6 sm:grid-cols-3 print:grid-cols-3 print:break-inside-avoid"
        data-testid="certificate-signatures"
      >
        {[
          ['Certified (quantity surveyor)', claim.certifierName, day(claim.certifiedAt)],
          ['Approved (project manager)', claim.approverName, claim.approvedAt ? day(claim.approvedAt) : null],
          ['Received (subcontractor)', null, null],
        ].map(([role, name, date]) => (
          <div key={role} className="space-y-3">
            <p className="font-medium">{role}</p>
            <p>Name: {name ?? '______________________'}</p>
            <p>Signature: ______________________</p>
            <p>Date: {date ?? '__________'}</p>
          </div>
        ))}
      </div>
      {claim.releasedAt ? (
        <p className="mt-4">
          Released for payment by {claim.releaserName ?? '—'} on {day(claim.releasedAt)}.
        </p>
      ) : null}
    </article>
  );
}

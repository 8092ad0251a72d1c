import { describe, expect, it } from 'vitest';
import {
  renderApprovalWaiting,
  renderClaimCertified,
  renderClaimPaid,
  renderClaimRejected,
  renderClaimSubmitted,
  renderComplianceExpiringForVendor,
  type RenderedMail,
  type VendorClaimFacts,
} from './notification-templates';

/**
 * Issue 19: a subcontractor's contact never receives an amount they may not see. The vendor
 * templates are handed a fact object that ALSO carries every figure a careless template could
 * print (the project budget, the margin, the subcontract's other lines, another vendor's claim);
 * none of them may appear, and the only figure allowed is the contact's own claim's amount due.
 */
const OWN_DUE = '52200.00';
const FORBIDDEN = {
  budgetAmount: '1250000.00',
  marginAmount: '187500.00',
  sellTotalAmount: '268000.00',
  costTotalAmount: '215000.00',
  otherVendorDueAmount: '77777.77',
  scheduledAmount: '120000.00',
  certifiedToDateAmount: '58000.00',
  retentionHeldToDateAmount: '5800.00',
  claimedToDateAmount: '61111.11',
};

const leaky = {
  claimReference: 'CLM-SC-1-002',
  revision: 2,
  subcontractReference: 'SC-1',
  dueAmount: OWN_DUE,
  currency: 'GBP',
  reason: 'Line 2 not complete',
  link: 'https://plumbline.example.com/sub/claims/1',
  projectName: 'Secret tower',
  ...FORBIDDEN,
} as VendorClaimFacts;

const figures = (mail: RenderedMail) => `${mail.subject}\n${mail.text}`.match(/\d[\d,]*\.\d{2}\b/g) ?? [];

const vendorTemplates: [string, RenderedMail][] = [
  ['certified', renderClaimCertified(leaky)],
  ['rejected', renderClaimRejected({ ...leaky, dueAmount: null })],
  ['paid', renderClaimPaid(leaky)],
  [
    'compliance expiring',
    renderComplianceExpiringForVendor({
      vendorName: 'Keystone',
      what: 'insurance',
      expiresOn: '2026-07-01',
      link: 'https://plumbline.example.com/sub',
      ...FORBIDDEN,
    } as Parameters<typeof renderComplianceExpiringForVendor>[0]),
  ],
];

describe('subcontractor mail carries no figure they may not see', () => {
  it.each(vendorTemplates)('%s: no forbidden figure, only their own amount due', (_name, mail) => {
    const text = `${mail.subject}\n${mail.text}`;
    for (const [field, value] of Object.entries(FORBIDDEN)) {
      expect(text, field).not.toContain(value);
      expect(text, field).not.toContain(Number(value).toLocaleString('en-GB'));
    }
    expect(text).not.toContain('Secret tower');
    for (const figure of figures(mail)) expect(figure).toBe(OWN_DUE);
  });

  it('certified and paid state the own amount due; rejected states none', () => {
    expect(renderClaimCertified(leaky).text).toContain(`GBP ${OWN_DUE}`);
    expect(renderClaimPaid(leaky).text).toContain(`GBP ${OWN_DUE}`);
    expect(figures(renderClaimRejected({ ...leaky, dueAmount: null }))).toEqual([]);
    expect(renderClaimRejected(leaky).text).toContain('Line 2 not complete');
  });

  it('internal mail may say the claimed amount (QS) and the amount waiting (approver)', () => {
    expect(
      renderClaimSubmitted({
        claimReference: 'CLM-1',
        revision: 1,
        projectCode: 'P-1001',
        vendorName: 'Keystone',
        subcontractReference: 'SC-1',
        claimedToDate: '61111.11',
        currency: 'GBP',
        link: 'x',
      }).text,
    ).toContain('GBP 61111.11');
    expect(
      renderApprovalWaiting({
        recordLabel: 'Change order',
        reference: 'CO-0001',
        title: 'Tank',
        projectCode: 'P-1001',
        stepLabel: 'PM approval',
        amount: '15000.00',
        currency: 'GBP',
        link: 'x',
      }).subject,
    ).toContain('CO-0001');
  });
});

/**
 * The text of every notification (plain text: no HTML to escape, nothing a mail client runs). Pure
 * functions of narrow fact types: a template for a subcontractor's contact (`vendor` audience) is
 * given only its own claim's facts — it cannot print a budget, a margin or another vendor's figure
 * because it never receives one (notification-templates.test.ts scans every output for them).
 */
export type RenderedMail = { subject: string; text: string };

const FOOTER =
  '\n\n—\nPlumbline. You can turn this kind of message off under Settings → Notifications (account and security messages are always sent).';

function amount(value: string | null, currency: string): string {
  return value === null ? '—' : `${currency} ${value}`;
}

/** What a subcontractor's contact may read about their own claim. Nothing else reaches vendor mail. */
export type VendorClaimFacts = {
  claimReference: string;
  revision: number;
  subcontractReference: string;
  /** The amount due on this claim (their own figure), or null to state none. */
  dueAmount: string | null;
  currency: string;
  reason?: string | null;
  link: string;
};

function claimName(facts: { claimReference: string; revision: number }): string {
  return facts.revision > 1 ? `${facts.claimReference} (revision ${facts.revision})` : facts.claimReference;
}

export function renderClaimCertified(facts: VendorClaimFacts): RenderedMail {
  return {
    subject: `Claim ${claimName(facts)} certified`,
    text:
      `Your claim ${claimName(facts)} on subcontract ${facts.subcontractReference} has been certified by the quantity surveyor.\n` +
      `Amount due on this claim: ${amount(facts.dueAmount, facts.currency)}. It now goes for approval; you will be told when it is paid.\n\n` +
      `Read the certification line by line: ${facts.link}` +
      FOOTER,
  };
}

export function renderClaimRejected(facts: VendorClaimFacts): RenderedMail {
  return {
    subject: `Claim ${claimName(facts)} rejected`,
    text:
      `Your claim ${claimName(facts)} on subcontract ${facts.subcontractReference} was rejected.\n` +
      `Reason: ${facts.reason?.trim() || '(none given)'}\n\n` +
      `You can revise it and submit it again: ${facts.link}` +
      FOOTER,
  };
}

export function renderClaimPaid(facts: VendorClaimFacts): RenderedMail {
  return {
    subject: `Claim ${claimName(facts)} paid`,
    text:
      `Your claim ${claimName(facts)} on subcontract ${facts.subcontractReference} has been paid.\n` +
      `Amount of this claim: ${amount(facts.dueAmount, facts.currency)}.\n\n` +
      `Details: ${facts.link}` +
      FOOTER,
  };
}

/** For the project's quantity surveyors: the contractor's own people may read the claimed amount. */
export type ClaimSubmittedFacts = {
  claimReference: string;
  revision: number;
  projectCode: string;
  vendorName: string;
  subcontractReference: string;
  claimedToDate: string | null;
  currency: string;
  link: string;
};

export function renderClaimSubmitted(facts: ClaimSubmittedFacts): RenderedMail {
  return {
    subject: `${facts.projectCode}: claim ${claimName(facts)} from ${facts.vendorName} to certify`,
    text:
      `${facts.vendorName} submitted claim ${claimName(facts)} on subcontract ${facts.subcontractReference} (project ${facts.projectCode}).\n` +
      `Claimed to date: ${amount(facts.claimedToDate, facts.currency)}.\n\n` +
      `Certify it: ${facts.link}` +
      FOOTER,
  };
}

/** One record waiting for an approver's step (internal). */
export type ApprovalWaitingFacts = {
  recordLabel: string;
  reference: string;
  title: string;
  projectCode: string;
  stepLabel: string;
  amount: string | null;
  currency: string;
  link: string;
};

export function renderApprovalWaiting(facts: ApprovalWaitingFacts): RenderedMail {
  return {
    subject: `${facts.projectCode}: ${facts.recordLabel.toLowerCase()} ${facts.reference} waits for you (${facts.stepLabel})`,
    text:
      `${facts.recordLabel} ${facts.reference} — ${facts.title} (project ${facts.projectCode}) waits for your step: ${facts.stepLabel}.\n` +
      `Amount: ${amount(facts.amount, facts.currency)}.\n\n` +
      `Open it: ${facts.link}` +
      FOOTER,
  };
}

export function renderApprovalDigest(facts: {
  date: string;
  items: { subject: string; link: string }[];
  inboxLink: string;
}): RenderedMail {
  const count = facts.items.length;
  return {
    subject: `${count} ${count === 1 ? 'item waits' : 'items wait'} for your approval (${facts.date})`,
    text:
      `Waiting for your step since yesterday's digest:\n\n` +
      facts.items.map((item) => `- ${item.subject}\n  ${item.link}`).join('\n') +
      `\n\nEverything that waits for you: ${facts.inboxLink}` +
      FOOTER,
  };
}

export type ComplianceUploadedFacts = {
  vendorName: string;
  documentKind: string;
  fileName: string;
  expiresOn: string | null;
  link: string;
};

export function renderComplianceUploaded(facts: ComplianceUploadedFacts): RenderedMail {
  return {
    subject: `${facts.vendorName} uploaded a ${facts.documentKind} certificate to review`,
    text:
      `${facts.vendorName} uploaded "${facts.fileName}" (${facts.documentKind}${facts.expiresOn ? `, expires ${facts.expiresOn}` : ''}).\n` +
      `Review and accept it: ${facts.link}` +
      FOOTER,
  };
}

export type ComplianceExpiringFacts = {
  vendorName: string;
  /** 'insurance' or 'licence'. */
  what: string;
  expiresOn: string;
  link: string;
};

/** To the vendor's own contacts: their certificate, their date — no other figure. */
export function renderComplianceExpiringForVendor(facts: ComplianceExpiringFacts): RenderedMail {
  return {
    subject: `Your ${facts.what} certificate expires on ${facts.expiresOn}`,
    text:
      `The ${facts.what} certificate we hold for ${facts.vendorName} expires on ${facts.expiresOn}.\n` +
      `Please upload the renewed certificate before then: claims of a vendor whose certificates have expired cannot be paid.\n\n` +
      `${facts.link}` +
      FOOTER,
  };
}

export function renderComplianceExpiringForFinance(facts: ComplianceExpiringFacts): RenderedMail {
  return {
    subject: `${facts.vendorName}: ${facts.what} expires on ${facts.expiresOn}`,
    text:
      `The ${facts.what} of ${facts.vendorName} expires on ${facts.expiresOn} (within 30 days). Its contacts have been told.\n\n` +
      `Vendor: ${facts.link}` +
      FOOTER,
  };
}

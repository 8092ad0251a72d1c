export const claimStatuses = [
  'draft',
  'submitted',
  'certified',
  'approved',
  'released',
  'posted',
  'paid',
  'rejected',
] as const;

export const claimStatusTones: Record<string, 'slate' | 'green' | 'red' | 'amber' | 'blue'> = {
  draft: 'slate',
  submitted: 'amber',
  certified: 'blue',
  approved: 'blue',
  released: 'green',
  posted: 'green',
  paid: 'green',
  rejected: 'red',
  pending: 'amber',
  synced: 'green',
  failed: 'red',
  blocked: 'red',
  not_required: 'slate',
};

export const claimTypeLabels: Record<string, string> = {
  progress: 'Progress',
  retention_release: 'Retention release',
};
export const releaseStageLabels: Record<string, string> = {
  practical_completion: 'practical completion',
  end_of_defects: 'end of defects',
};
export const deductionKindLabels: Record<string, string> = {
  back_charge: 'Back-charge',
  contra_charge: 'Contra charge',
};
export const stepLabels: Record<string, string> = {
  certify: 'QS certification',
  approve: 'PM approval',
  release: 'Finance release',
};

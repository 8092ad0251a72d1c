export const kindLabels: Record<string, string> = {
  client: 'Client',
  commitment: 'Commitment',
  internal: 'Internal transfer',
};
export const reasonLabels: Record<string, string> = {
  client_instruction: 'Client instruction',
  design_change: 'Design change',
  unforeseen_condition: 'Unforeseen condition',
  error_or_omission: 'Error or omission',
  other: 'Other',
};
export const statusTones: Record<string, 'slate' | 'green' | 'red' | 'amber' | 'blue'> = {
  draft: 'slate',
  submitted: 'amber',
  approved: 'green',
  rejected: 'red',
  void: 'slate',
  pending: 'amber',
  synced: 'green',
  failed: 'red',
  blocked: 'red',
  not_required: 'slate',
};

export const milestoneStatusLabels: Record<string, string> = {
  planned: 'Planned',
  completion_claimed: 'Completion claimed',
  verified: 'Verified',
  released: 'Released',
  invoiced: 'Invoiced',
  paid: 'Paid',
};
export const milestoneStatusTones: Record<string, 'slate' | 'green' | 'red' | 'amber' | 'blue'> = {
  planned: 'slate',
  completion_claimed: 'amber',
  verified: 'amber',
  released: 'blue',
  invoiced: 'blue',
  paid: 'green',
  pending: 'amber',
  synced: 'green',
  failed: 'red',
  blocked: 'red',
  not_required: 'slate',
};
export const auditActionLabels: Record<string, string> = {
  'milestone.seed': 'Created (demo data)',
  'milestone.create': 'Created',
  'milestone.edit': 'Edited',
  'milestone.claim_completion': 'Completion claimed',
  'milestone.verify': 'Verified',
  'milestone.release': 'Released by finance',
  'milestone.release_refused': 'Release refused',
  'milestone.reject': 'Rejected',
  'milestone.mark_invoiced': 'Invoice posted in Odoo',
  'milestone.mark_paid': 'Invoice paid in Odoo',
};

/** The page of the record an exception blocks (null for organisation-wide records). */
export function recordHref(row: {
  recordType: string;
  recordId: string;
  projectId: string | null;
}): string | null {
  if (row.recordType === 'vendor') return `/vendors/${row.recordId}`;
  if (!row.projectId) return null;
  const base = `/projects/${row.projectId}`;
  switch (row.recordType) {
    case 'claim':
      return `${base}/claims/${row.recordId}`;
    case 'milestone':
      return `${base}/billing/${row.recordId}`;
    case 'change_order':
      return `${base}/change-orders/${row.recordId}`;
    case 'cost_code':
      return `${base}/cost/${row.recordId}`;
    default:
      return null;
  }
}

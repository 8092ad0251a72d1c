'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { formatDate } from '@/components/ui/format';
import {
  complianceStateLabels,
  complianceStates,
  type ComplianceRegisterRow,
} from '@/server/modules/vendors/compliance.schemas';

const states = complianceStates.map((value) => ({ value, label: complianceStateLabels[value] }));

const columns: ColumnDef<ComplianceRegisterRow>[] = [
  { accessorKey: 'vendorName', header: 'Vendor', meta: { filter: 'text' } },
  {
    accessorKey: 'state',
    header: 'Compliance today',
    meta: { filter: states, format: (row) => complianceStateLabels[row.state] },
  },
  {
    accessorKey: 'insuranceExpiresOn',
    header: 'Insurance expires',
    meta: { format: (row) => formatDate(row.insuranceExpiresOn) },
  },
  {
    accessorKey: 'licenceExpiresOn',
    header: 'Licence expires',
    meta: { format: (row) => formatDate(row.licenceExpiresOn) },
  },
  {
    accessorKey: 'taxCertificateExpiresOn',
    header: 'Tax certificate expires',
    meta: { format: (row) => formatDate(row.taxCertificateExpiresOn) },
  },
  { accessorKey: 'awaitingReview', header: 'Certificates to review' },
  { accessorKey: 'syncStatus', header: 'Odoo tag sync', enableSorting: false },
];

/** Finance's compliance register across vendors (the one rule's state today). */
export function ComplianceRegisterTable() {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={columns}
      query={(input) => trpc.compliance.register.queryOptions(input)}
      csvFileName="compliance-register"
      rowHref={(row) => `/vendors/${row.vendorId}`}
      searchPlaceholder="Search vendor"
      emptyMessage="No vendors yet: they arrive with the next pull from Odoo."
    />
  );
}

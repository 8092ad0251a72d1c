'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { formatDate, formatDateTime } from '@/components/ui/format';
import type { VendorListRow } from '@/server/modules/vendors/vendor.schemas';
import { complianceStateLabels, complianceStates } from '@/server/modules/vendors/compliance.schemas';

const compliance = complianceStates.map((value) => ({ value, label: complianceStateLabels[value] }));
const complianceLabel = (value: string) => compliance.find((c) => c.value === value)?.label ?? value;

const columns: ColumnDef<VendorListRow>[] = [
  { accessorKey: 'name', header: 'Vendor', meta: { filter: 'text' } },
  { accessorKey: 'ref', header: 'Reference', meta: { filter: 'text' } },
  { accessorKey: 'vat', header: 'VAT', meta: { filter: 'text' } },
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
    accessorKey: 'compliance',
    header: 'Compliance',
    meta: { filter: compliance, format: (row) => complianceLabel(row.compliance) },
  },
  {
    accessorKey: 'lastPulledAt',
    header: 'Last pulled',
    meta: { format: (row) => formatDateTime(row.lastPulledAt) },
  },
];

export function VendorTable() {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={columns}
      query={(input) => trpc.masterData.vendors.queryOptions(input)}
      csvFileName="vendors"
      rowHref={(row) => `/vendors/${row.id}`}
      searchPlaceholder="Search name, reference or VAT"
      emptyMessage="No vendors yet: they arrive with the next pull from Odoo."
    />
  );
}

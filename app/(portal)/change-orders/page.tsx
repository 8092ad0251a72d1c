import type { Metadata } from 'next';
import { ChangeOrderTable } from '@/components/change-orders/change-order-table';
import { PageHeader } from '@/components/ui/feedback';

export const metadata: Metadata = { title: 'Change orders' };

export default function ChangeOrdersPage() {
  return (
    <>
      <PageHeader title="Change orders" description="Every change order on the projects you can see." />
      <ChangeOrderTable />
    </>
  );
}

import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { seesAllProjects } from '@/server/auth/policy';
import { VendorDetail } from '@/components/vendors/vendor-detail';
import { VendorPortalAccess } from '@/components/portal/vendor-portal-access';

export default async function VendorPage({ params }: { params: Promise<{ vendorId: string }> }) {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'vendor.read')) forbidden();
  const { vendorId } = await params;
  return (
    <>
      <VendorDetail
        vendorId={vendorId}
        canEdit={hasPermission(actor.role, 'vendor.update_compliance')}
        canSeeSync={hasPermission(actor.role, 'sync.read') && seesAllProjects(actor)}
      />
      {hasPermission(actor.role, 'vendor.invite') ? (
        <div className="mt-6 print:hidden">
          <VendorPortalAccess
            vendorId={vendorId}
            canManage={hasPermission(actor.role, 'vendor.manage_access')}
          />
        </div>
      ) : null}
    </>
  );
}

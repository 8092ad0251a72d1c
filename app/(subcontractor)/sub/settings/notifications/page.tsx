// The same page as the contractor's portal, inside the subcontractor's frame.
export { default, metadata } from '@/app/(portal)/settings/notifications/page';

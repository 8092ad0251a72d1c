export type InboxItem = {
  kind: 'change_order' | 'claim' | 'milestone';
  id: string;
  projectId: string;
  projectCode: string;
  reference: string;
  title: string;
  step: string;
  amount: string;
  currency: string;
  waitingSince: Date;
};

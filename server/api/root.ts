import { complianceRouter } from './routers/compliance.router';
import { documentRouter } from './routers/document.router';
import { createCallerFactory, createTRPCRouter } from './trpc';
import { changeOrderRouter } from './routers/change-order.router';
import { costRouter } from './routers/cost.router';
import { claimRouter } from './routers/claim.router';
import { exceptionRouter } from './routers/exception.router';
import { masterDataRouter } from './routers/master-data.router';
import { mfaRouter } from './routers/mfa.router';
import { notificationRouter } from './routers/notification.router';
import { milestoneRouter } from './routers/milestone.router';
import { odooRouter } from './routers/odoo.router';
import { pendingChangeRouter } from './routers/pending-change.router';
import { operationsRouter } from './routers/operations.router';
import { portfolioRouter } from './routers/portfolio.router';
import { portalRouter, vendorAccessRouter } from './routers/portal.router';
import { projectRouter } from './routers/project.router';
import { sessionRouter } from './routers/session.router';
import { settingsRouter } from './routers/settings.router';
import { syncRouter } from './routers/sync.router';
import { syncHealthRouter } from './routers/sync-health.router';
import { userRouter } from './routers/user.router';

export const appRouter = createTRPCRouter({
  session: sessionRouter,
  mfa: mfaRouter,
  users: userRouter,
  projects: projectRouter,
  settings: settingsRouter,
  changeOrders: changeOrderRouter,
  milestones: milestoneRouter,
  claims: claimRouter,
  exceptions: exceptionRouter,
  sync: syncRouter,
  syncHealth: syncHealthRouter,
  operations: operationsRouter,
  odoo: odooRouter,
  masterData: masterDataRouter,
  pendingChanges: pendingChangeRouter,
  cost: costRouter,
  portfolio: portfolioRouter,
  documents: documentRouter,
  portal: portalRouter,
  vendorAccess: vendorAccessRouter,
  compliance: complianceRouter,
  notifications: notificationRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

import { createCallerFactory, createTRPCRouter } from './trpc';
import { changeOrderRouter } from './routers/change-order.router';
import { projectRouter } from './routers/project.router';
import { sessionRouter } from './routers/session.router';
import { settingsRouter } from './routers/settings.router';
import { userRouter } from './routers/user.router';

export const appRouter = createTRPCRouter({
  session: sessionRouter,
  users: userRouter,
  projects: projectRouter,
  settings: settingsRouter,
  changeOrders: changeOrderRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

import { createCallerFactory, createTRPCRouter } from './trpc';
import { projectRouter } from './routers/project.router';
import { sessionRouter } from './routers/session.router';
import { settingsRouter } from './routers/settings.router';
import { userRouter } from './routers/user.router';

export const appRouter = createTRPCRouter({
  session: sessionRouter,
  users: userRouter,
  projects: projectRouter,
  settings: settingsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

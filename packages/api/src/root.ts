import { approvalsRouter } from "./routers/approvals";
import { deploymentsRouter } from "./routers/deployments";
import { membersRouter, projectsRouter, tokensRouter } from "./routers/projects";
import { datasetsRouter } from "./routers/datasets";
import { experimentsRouter } from "./routers/experiments";
import { jobsRouter } from "./routers/jobs";
import { registryRouter } from "./routers/registry";
import { scoringRouter } from "./routers/scoring";
import { systemRouter, usersRouter } from "./routers/system";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  system: systemRouter,
  users: usersRouter,
  projects: projectsRouter,
  members: membersRouter,
  tokens: tokensRouter,
  jobs: jobsRouter,
  datasets: datasetsRouter,
  experiments: experimentsRouter,
  registry: registryRouter,
  approvals: approvalsRouter,
  deployments: deploymentsRouter,
  scoring: scoringRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import { currencyInput } from '@/server/lib/validation';
import { readCostCharts } from '@/server/modules/cost/cost-charts.queries';
import { scopeOf } from '@/server/modules/cost/cost-report.sql';
import { listPortfolio } from '@/server/modules/cost/portfolio.queries';

/** Every project the person may see, with its cost-to-complete figures and the portfolio charts. */
export const portfolioRouter = createTRPCRouter({
  list: procedure('portfolio.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listPortfolio(ctx.db, ctx.actor, input)),
  charts: procedure('portfolio.read')
    .input(z.object({ currency: currencyInput.optional() }).strict())
    .query(({ ctx, input }) => readCostCharts(ctx.db, scopeOf(ctx.actor), input.currency)),
});

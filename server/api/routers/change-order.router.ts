import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import { idInput } from '@/server/lib/validation';
import {
  changeOrderActionInput,
  changeOrderFields,
  changeOrderReasonedActionInput,
  createChangeOrderInput,
  setProceedingInput,
  updateChangeOrderInput,
} from '@/server/modules/change-orders/change-order.schemas';
import {
  createChangeOrder,
  previewChangeOrder,
  reviseChangeOrder,
  setProceeding,
  updateChangeOrder,
  voidChangeOrder,
} from '@/server/modules/change-orders/change-order.service';
import {
  approveChangeOrder,
  rejectChangeOrder,
  submitChangeOrder,
} from '@/server/modules/change-orders/change-order-approval.service';
import { getChangeOrderDetail, listChangeOrders } from '@/server/modules/change-orders/change-order.queries';
import { getChangeOrderFormOptions } from '@/server/modules/change-orders/change-order-options.queries';

export const changeOrderRouter = createTRPCRouter({
  list: procedure('change_order.read')
    .input(listInputSchema.extend({ projectId: idInput.optional() }))
    .query(({ ctx, input }) => listChangeOrders(ctx.db, ctx.actor, input)),
  get: procedure('change_order.read')
    .input(z.object({ changeOrderId: idInput }).strict())
    .query(async ({ ctx, input }) => {
      const detail = await getChangeOrderDetail(ctx.db, ctx.actor, input.changeOrderId);
      if (!detail) throw new TRPCError({ code: 'NOT_FOUND', message: 'Change order not found.' });
      return detail;
    }),
  formOptions: procedure('change_order.read')
    .input(z.object({ projectId: idInput }).strict())
    .query(({ ctx, input }) => getChangeOrderFormOptions(ctx.db, ctx.actor, input.projectId)),
  /** Totals as the server will store them, for the form to show while the user types. */
  preview: procedure('change_order.create')
    .input(z.object({ kind: changeOrderFields.kind, lines: changeOrderFields.lines }).strict())
    .query(({ input }) => previewChangeOrder(input)),
  create: procedure('change_order.create')
    .input(createChangeOrderInput)
    .mutation(({ ctx, input }) => createChangeOrder(ctx.db, input, ctx.actor)),
  update: procedure('change_order.edit')
    .input(updateChangeOrderInput)
    .mutation(({ ctx, input }) => updateChangeOrder(ctx.db, input, ctx.actor)),
  submit: procedure('change_order.submit')
    .input(changeOrderActionInput)
    .mutation(({ ctx, input }) => submitChangeOrder(ctx.db, input, ctx.actor)),
  approve: procedure('change_order.approve')
    .input(changeOrderActionInput)
    .mutation(({ ctx, input }) => approveChangeOrder(ctx.db, input, ctx.actor)),
  reject: procedure('change_order.approve')
    .input(changeOrderReasonedActionInput)
    .mutation(({ ctx, input }) => rejectChangeOrder(ctx.db, input, ctx.actor)),
  void: procedure('change_order.void')
    .input(changeOrderReasonedActionInput)
    .mutation(({ ctx, input }) => voidChangeOrder(ctx.db, input, ctx.actor)),
  revise: procedure('change_order.edit')
    .input(changeOrderActionInput)
    .mutation(({ ctx, input }) => reviseChangeOrder(ctx.db, input, ctx.actor)),
  setProceeding: procedure('change_order.submit')
    .input(setProceedingInput)
    .mutation(({ ctx, input }) => setProceeding(ctx.db, input, ctx.actor)),
});

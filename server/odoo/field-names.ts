/**
 * Field names that differ between the Odoo versions Plumbline supports (REFERENCE.md §3).
 * Code that builds Odoo values asks this map instead of hard-coding a version's spelling.
 */
export interface OdooFieldNames {
  /** project.project → its analytic account: `analytic_account_id` ≤17, `account_id` 18+. */
  projectAnalyticAccount: 'account_id' | 'analytic_account_id';
  purchaseLineUom: 'product_uom' | 'product_uom_id';
  purchaseLineTaxes: 'taxes_id' | 'tax_ids';
  saleLineUom: 'product_uom' | 'product_uom_id';
  saleLineTaxes: 'tax_id' | 'tax_ids';
  /** account.move review flag: `to_check` ≤17, inverted `checked` 18+. */
  moveReviewFlag: 'to_check' | 'checked';
  /** account.account: `deprecated` ≤18, `active` 19+. */
  accountActiveFlag: 'deprecated' | 'active';
  /** From 17 one distribution key may join one account per plan ("35,41"). */
  analyticMultiPlanKeys: boolean;
  /** 19 answers message_post with [id]; older versions with id. */
  messagePostReturnsList: boolean;
}

export function fieldNames(version: number): OdooFieldNames {
  return {
    projectAnalyticAccount: version >= 18 ? 'account_id' : 'analytic_account_id',
    purchaseLineUom: version >= 19 ? 'product_uom_id' : 'product_uom',
    purchaseLineTaxes: version >= 19 ? 'tax_ids' : 'taxes_id',
    saleLineUom: version >= 19 ? 'product_uom_id' : 'product_uom',
    saleLineTaxes: version >= 19 ? 'tax_ids' : 'tax_id',
    moveReviewFlag: version >= 18 ? 'checked' : 'to_check',
    accountActiveFlag: version >= 19 ? 'active' : 'deprecated',
    analyticMultiPlanKeys: version >= 17,
    messagePostReturnsList: version >= 19,
  };
}

/**
 * `analytic_distribution` for a project account and an optional cost-code account (another plan):
 * one joined key from 17, one key per plan (each at the full percentage) on 16.
 */
export function analyticDistribution(
  version: number,
  projectAccountId: number,
  costCodeAccountId?: number,
  percent = 100,
): Record<string, number> {
  if (costCodeAccountId === undefined) return { [String(projectAccountId)]: percent };
  if (version >= 17) return { [`${projectAccountId},${costCodeAccountId}`]: percent };
  return { [String(projectAccountId)]: percent, [String(costCodeAccountId)]: percent };
}

/**
 * How the master-data pull ties Odoo records to Plumbline, in words (the setup page and README's
 * "Connect your Odoo" say this). The code that applies each rule is named beside it.
 */
export const MATCHING_RULES: { what: string; rule: string }[] = [
  {
    what: 'Projects',
    // pull-projects.ts pullProjects
    rule: "An Odoo project is linked to the Plumbline project whose code equals its analytic account's code (Project → Settings → Analytic account → Reference); failing that, whose name is the same (ignoring case). Plumbline never creates projects from Odoo: an Odoo project that matches none is listed below as not linked.",
  },
  {
    what: 'Company and currency',
    // pull-projects.ts companyMismatch
    rule: 'A linked project takes its Odoo company from the Odoo project (or its sale order). It is not linked while its currency is inactive in Odoo, or its sale order is in another company or currency: that raises an exception for the project, in plain words.',
  },
  {
    what: 'Sale orders',
    // pull-projects.ts pullProjects (sale_order_id)
    rule: "The project's sale order is the one set on the Odoo project (its Sales Order field, from sale_project). Change orders and milestone invoices go to that order.",
  },
  {
    what: 'Purchase orders',
    // pull-subcontracts.ts pullPurchaseOrders
    rule: "A confirmed purchase order becomes a subcontract of the project whose analytic account appears in any of its lines' analytic distribution; its reference is the PO number. A confirmed PO whose lines carry no linked project's analytic account is listed below as not linked, not as an error.",
  },
  {
    what: 'Cost codes',
    // pull-projects.ts pullCostCodes, pull-sov-lines.ts upsertSovLine
    rule: "A cost code is linked to the analytic account of the cost-code plan with the same code (Reference). A PO line's cost code is the cost-code account in its analytic distribution; a line without one is shown flagged and raises an exception on its subcontract.",
  },
];

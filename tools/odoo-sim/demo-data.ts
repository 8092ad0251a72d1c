/**
 * The demo contractor, shared by the simulator's seed and the portal's seed so both sides name the
 * same vendors, projects and cost codes. Money is a decimal string, as everywhere in Plumbline.
 * References (`ref`, `partner_ref`, `client_order_ref`) are how the portal finds these records.
 */
export const DEMO_COMPANY = { name: 'Northbeam Construction Ltd', currency: 'GBP', vatRate: 20 } as const;

export const DEMO_VENDORS = [
  {
    key: 'keystone',
    name: 'Keystone Groundworks Ltd',
    ref: 'V-1001',
    vat: 'GB284771936',
    email: 'accounts@keystone-groundworks.example',
  },
  {
    key: 'brightline',
    name: 'Brightline Electrical Ltd',
    ref: 'V-1002',
    vat: 'GB318406552',
    email: 'ap@brightline-electrical.example',
  },
  {
    key: 'ridgeway',
    name: 'Ridgeway Steel Erectors',
    ref: 'V-1003',
    vat: 'GB402915783',
    email: 'finance@ridgeway-steel.example',
  },
  {
    key: 'clearwater',
    name: 'Clearwater Mechanical',
    ref: 'V-1004',
    vat: 'GB517330468',
    email: 'invoices@clearwater-mech.example',
  },
  {
    key: 'summit',
    name: 'Summit Roofing',
    ref: 'V-1005',
    vat: 'GB623884105',
    email: 'office@summit-roofing.example',
  },
  {
    key: 'oakfield',
    name: 'Oakfield Joinery',
    ref: 'V-1006',
    vat: 'GB739152264',
    email: 'accounts@oakfield-joinery.example',
  },
] as const;

export const DEMO_CUSTOMERS = [
  { key: 'harbourDev', name: 'Harbour View Developments Ltd', ref: 'C-2001', vat: 'GB845203317' },
  { key: 'riversideHealth', name: 'Riverside Health Partnership', ref: 'C-2002', vat: 'GB951648072' },
  { key: 'northgateLogistics', name: 'Northgate Logistics Ltd', ref: 'C-2003', vat: 'GB106733489' },
] as const;

export type DemoVendorKey = (typeof DEMO_VENDORS)[number]['key'];
export type DemoCustomerKey = (typeof DEMO_CUSTOMERS)[number]['key'];

export const DEMO_PROJECTS = [
  {
    code: 'P-1001',
    name: 'Harbour View Apartments',
    customer: 'harbourDev',
    contractRef: 'HVA-MAIN-CONTRACT',
    contractValue: '1450000.00',
  },
  {
    code: 'P-1002',
    name: 'Riverside Medical Centre',
    customer: 'riversideHealth',
    contractRef: 'RMC-MAIN-CONTRACT',
    contractValue: '2100000.00',
  },
  {
    code: 'P-1003',
    name: 'Northgate Logistics Hub',
    customer: 'northgateLogistics',
    contractRef: 'NLH-MAIN-CONTRACT',
    contractValue: '1250000.00',
  },
] as const satisfies readonly { customer: DemoCustomerKey; [key: string]: unknown }[];

export type DemoProjectCode = (typeof DEMO_PROJECTS)[number]['code'];

/** Second analytic plan: a distribution key "<project account>,<cost code account>" carries both. */
export const COST_CODE_PLAN_NAME = 'Cost codes';

export const DEMO_COST_CODES = [
  { code: '01-100', name: 'Preliminaries' },
  { code: '03-300', name: 'Concrete' },
  { code: '05-100', name: 'Structural Steel' },
  { code: '06-200', name: 'Joinery' },
  { code: '07-500', name: 'Roofing' },
  { code: '09-200', name: 'Drylining' },
  { code: '15-100', name: 'Mechanical' },
  { code: '16-100', name: 'Electrical' },
] as const;

export type DemoCostCode = (typeof DEMO_COST_CODES)[number]['code'];

export const DEMO_ACCOUNTS = {
  retentionPayable: { code: '216000', name: 'Retention payable', type: 'liability_current' },
  retentionReceivable: { code: '116000', name: 'Retention receivable', type: 'asset_current' },
  subcontractCosts: { code: '510000', name: 'Subcontractor costs', type: 'expense' },
  contractRevenue: { code: '410000', name: 'Contract revenue', type: 'income' },
} as const;

export const DEMO_PRODUCTS = {
  changeOrderWork: { name: 'Change order work', code: 'CO-WORK' },
  subcontractWorks: { name: 'Subcontract works', code: 'SUB-WORK' },
  contractMilestone: { name: 'Contract works (milestone billing)', code: 'CONTRACT-MS' },
} as const;

export interface DemoSubcontractLine {
  costCode: DemoCostCode;
  name: string;
  value: string;
  /** false = the line is sent to Odoo without an analytic distribution (a mapping exception). */
  mapped?: false;
}

/** Confirmed purchase orders; `ref` is the PO's `partner_ref`. */
export const DEMO_SUBCONTRACTS = [
  {
    ref: 'SC-1001-01',
    project: 'P-1001',
    vendor: 'keystone',
    lines: [
      { costCode: '03-300', name: 'Substructure and ground-floor slab', value: '185000.00' },
      { costCode: '01-100', name: 'Site set-up, hoarding and welfare', value: '12500.00' },
    ],
  },
  {
    ref: 'SC-1001-02',
    project: 'P-1001',
    vendor: 'brightline',
    lines: [{ costCode: '16-100', name: 'Electrical installation, first and second fix', value: '96000.00' }],
  },
  {
    ref: 'SC-1001-03',
    project: 'P-1001',
    vendor: 'oakfield',
    lines: [
      { costCode: '06-200', name: 'Internal joinery package', value: '58000.00' },
      { costCode: '09-200', name: 'Drylining and partitions', value: '64000.00' },
    ],
  },
  {
    ref: 'SC-1002-01',
    project: 'P-1002',
    vendor: 'ridgeway',
    lines: [
      { costCode: '05-100', name: 'Structural steel frame, supply and erect', value: '214000.00' },
      { costCode: '05-100', name: 'Temporary works design', value: '8500.00', mapped: false },
    ],
  },
  {
    ref: 'SC-1002-02',
    project: 'P-1002',
    vendor: 'clearwater',
    lines: [{ costCode: '15-100', name: 'Mechanical services installation', value: '142000.00' }],
  },
  {
    ref: 'SC-1003-01',
    project: 'P-1003',
    vendor: 'summit',
    lines: [{ costCode: '07-500', name: 'Roof cladding, gutters and rainwater goods', value: '176000.00' }],
  },
  {
    ref: 'SC-1003-02',
    project: 'P-1003',
    vendor: 'keystone',
    lines: [{ costCode: '03-300', name: 'External hardstanding and yard slab', value: '98000.00' }],
  },
] as const satisfies readonly {
  project: DemoProjectCode;
  vendor: DemoVendorKey;
  lines: readonly DemoSubcontractLine[];
  [key: string]: unknown;
}[];

/** The one PO line seeded without analytic distribution, for the mapping-exception demo. */
export const DEMO_UNMAPPED_PO_LINE = { subcontract: 'SC-1002-01', name: 'Temporary works design' } as const;

/** Posted vendor bills already in Odoo; `fraction` of the PO line's quantity is billed. */
export const DEMO_BILLS = [
  {
    ref: 'KGL-INV-2041',
    subcontract: 'SC-1001-01',
    lineIndex: 0,
    fraction: '0.20',
    invoiceDate: '2026-01-30',
    paid: true,
  },
  {
    ref: 'BEL-10088',
    subcontract: 'SC-1001-02',
    lineIndex: 0,
    fraction: '0.10',
    invoiceDate: '2026-02-27',
    paid: false,
  },
  {
    ref: 'RSE-5531',
    subcontract: 'SC-1002-01',
    lineIndex: 0,
    fraction: '0.35',
    invoiceDate: '2026-02-27',
    paid: false,
  },
] as const;

/** Client milestones, each a fraction of the project's milestone-billed sale line. */
export const DEMO_MILESTONES = [
  {
    project: 'P-1001',
    name: 'Substructure complete',
    fraction: '0.15',
    deadline: '2026-02-27',
    reached: true,
  },
  { project: 'P-1001', name: 'Frame complete', fraction: '0.25', deadline: '2026-05-29', reached: false },
  {
    project: 'P-1001',
    name: 'Envelope watertight',
    fraction: '0.25',
    deadline: '2026-08-28',
    reached: false,
  },
  {
    project: 'P-1001',
    name: 'Practical completion',
    fraction: '0.35',
    deadline: '2026-12-18',
    reached: false,
  },
  {
    project: 'P-1002',
    name: 'Steel frame complete',
    fraction: '0.30',
    deadline: '2026-04-24',
    reached: false,
  },
  {
    project: 'P-1002',
    name: 'M&E first fix complete',
    fraction: '0.30',
    deadline: '2026-08-14',
    reached: false,
  },
  {
    project: 'P-1002',
    name: 'Practical completion',
    fraction: '0.40',
    deadline: '2027-01-29',
    reached: false,
  },
  {
    project: 'P-1003',
    name: 'Slab and frame complete',
    fraction: '0.40',
    deadline: '2026-03-27',
    reached: false,
  },
  { project: 'P-1003', name: 'Roof complete', fraction: '0.30', deadline: '2026-06-26', reached: false },
  { project: 'P-1003', name: 'Handover', fraction: '0.30', deadline: '2026-09-25', reached: false },
] as const satisfies readonly { project: DemoProjectCode; [key: string]: unknown }[];

/** Simulator defaults for the demo (the CLI prints them; override the key with ODOO_SIM_API_KEY). */
export const DEMO_SIM_DEFAULTS = {
  db: 'northbeam',
  login: 'admin',
  password: 'admin',
  apiKey: 'sim-demo-key',
} as const;

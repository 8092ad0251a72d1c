import { createHash } from 'node:crypto';
import { validationError, valueError } from '../errors';
import { field, type ModelDef, type OdooVersion } from '../schema';

const readOnlyForUsers = { user: ['read'], portal: ['read'] } as const;

export function baseModels(version: OdooVersion): ModelDef[] {
  return [
    {
      name: 'res.currency',
      description: 'Currency',
      access: readOnlyForUsers,
      fields: {
        name: field.char('Currency', { required: true }),
        symbol: field.char('Symbol'),
        active: field.boolean('Active', { default: true }),
      },
    },
    {
      name: 'res.company',
      description: 'Companies',
      access: readOnlyForUsers,
      fields: {
        name: field.char('Company Name', { required: true }),
        partner_id: field.many2one('res.partner', 'Partner'),
        currency_id: field.many2one('res.currency', 'Currency'),
      },
    },
    {
      name: 'res.partner',
      description: 'Contact',
      mailThread: true,
      order: 'id',
      fields: {
        name: field.char('Name'),
        ref: field.char('Reference'),
        vat: field.char('Tax ID'),
        email: field.char('Email'),
        phone: field.char('Phone'),
        street: field.char('Street'),
        city: field.char('City'),
        is_company: field.boolean('Is a Company'),
        company_type: field.selection(['person', 'company'], 'Company Type', {
          compute: (rec) => (rec.is_company ? 'company' : 'person'),
        }),
        parent_id: field.many2one('res.partner', 'Related Company'),
        child_ids: field.one2many('res.partner', 'parent_id', 'Contact'),
        supplier_rank: field.integer('Supplier Rank'),
        customer_rank: field.integer('Customer Rank'),
        company_id: field.many2one('res.company', 'Company'),
        active: field.boolean('Active', { default: true }),
        // odoo/addons/base/models/res_partner.py: `category_id = fields.Many2many('res.partner.category',
        // column1='partner_id', column2='category_id', string='Tags')`; written with x2many commands.
        category_id: field.many2many('res.partner.category', 'Tags'),
      },
      displayName: (rec, state) => {
        const parent =
          typeof rec.parent_id === 'number' ? state.get('res.partner', rec.parent_id) : undefined;
        const name = typeof rec.name === 'string' ? rec.name : '';
        return parent && typeof parent.name === 'string' ? `${parent.name}, ${name}` : name;
      },
      constrain: (env, rec) => {
        const seen = new Set<number>();
        let current: unknown = rec.id;
        while (typeof current === 'number') {
          if (seen.has(current)) throw validationError('You cannot create recursive Partner hierarchies.');
          seen.add(current);
          current = env.state.get('res.partner', current)?.parent_id;
        }
      },
    },
    {
      // odoo/addons/base/models/res_partner.py `ResPartnerCategory`: _description 'Partner Tag',
      // _order 'name, id'; name required (translate=True: searched here in the one language), color an
      // integer (Odoo's default is randint(1, 11); the simulator's is fixed, 1 + id mod 11, so runs repeat).
      name: 'res.partner.category',
      description: 'Partner Tag',
      order: 'name, id',
      access: { user: ['read', 'create', 'write'], portal: ['read'] },
      fields: {
        name: field.char('Name', { required: true }),
        color: field.integer('Color'),
        parent_id: field.many2one('res.partner.category', 'Category'),
        active: field.boolean('Active', { default: true }),
      },
      prepareCreate: (env, vals) => {
        if (vals.color === undefined) vals.color = 1 + (env.state.all('res.partner.category').length % 11);
      },
    },
    {
      // odoo/addons/base/models/ir_attachment.py: `name` required; `res_model`/`res_id` the record it
      // belongs to; `datas` the content in base64 (inverse `_inverse_datas` → `base64.b64decode`);
      // `checksum` = `_compute_checksum` = hashlib.sha1(raw).hexdigest(); `file_size` = len(raw);
      // `mimetype` the given one, else guessed from the name, else application/octet-stream
      // (`_compute_mimetype`); checksum, file_size and mimetype are readonly (`write` pops the first two).
      name: 'ir.attachment',
      description: 'Attachment',
      order: 'id desc',
      access: { user: ['read', 'create', 'write', 'unlink'], portal: [] },
      fields: {
        name: field.char('Name', { required: true }),
        description: field.text('Description'),
        res_model: field.char('Resource Model'),
        res_id: field.integer('Resource ID'),
        type: field.selection(['url', 'binary'], 'Type', { default: 'binary', required: true }),
        datas: field.binary('File Content (base64)'),
        file_size: field.integer('File Size', { readonly: true }),
        checksum: field.char('Checksum/SHA1', { readonly: true }),
        mimetype: field.char('Mime Type', { writable: true }),
        company_id: field.many2one('res.company', 'Company'),
        public: field.boolean('Is public document'),
      },
      prepareCreate: (env, vals) => {
        const raw = decodeDatas(vals.datas);
        vals.checksum = createHash('sha1').update(raw).digest('hex');
        vals.file_size = raw.length;
        if (typeof vals.res_model === 'string' && vals.res_model && typeof vals.res_id === 'number') {
          // stricter than Odoo's access check on the linked record: the record must exist
          if (!env.state.get(vals.res_model, vals.res_id))
            throw valueError(`Record ${vals.res_model}(${vals.res_id}) does not exist`);
        }
        if (!vals.mimetype) vals.mimetype = guessMimetype(vals.name);
      },
      beforeWrite: (_env, _rec, vals) => {
        if ('datas' in vals)
          throw valueError('The simulator does not rewrite attachment content; create a new one.');
        delete vals.checksum;
        delete vals.file_size;
      },
    },
    {
      name: 'res.users',
      description: 'User',
      access: readOnlyForUsers,
      fields: {
        name: field.char('Name', {
          compute: (rec, state) => {
            const partner =
              typeof rec.partner_id === 'number' ? state.get('res.partner', rec.partner_id) : undefined;
            return partner?.name ?? rec.login;
          },
        }),
        login: field.char('Login', { required: true }),
        partner_id: field.many2one('res.partner', 'Related Partner'),
        company_id: field.many2one('res.company', 'Company'),
        active: field.boolean('Active', { default: true }),
      },
      displayName: (rec, state) => {
        const partner =
          typeof rec.partner_id === 'number' ? state.get('res.partner', rec.partner_id) : undefined;
        return String(partner?.name ?? rec.login);
      },
      methods: {
        context_get: {
          params: [],
          model: true,
          readonly: true,
          run: (env) => ({ lang: 'en_US', tz: 'Europe/London', uid: env.uid }),
        },
      },
    },
    {
      name: 'hr.employee',
      description: 'Employee',
      fields: {
        name: field.char('Name', { required: true }),
        user_id: field.many2one('res.users', 'User'),
        hourly_cost: field.monetary('Hourly Cost'),
      },
    },
    {
      name: 'account.tax',
      description: 'Tax',
      access: readOnlyForUsers,
      fields: {
        name: field.char('Tax Name', { required: true }),
        amount: field.float('Amount'),
        amount_type: field.selection(['percent', 'fixed', 'group', 'division'], 'Tax Computation', {
          default: 'percent',
        }),
        type_tax_use: field.selection(['sale', 'purchase', 'none'], 'Tax Type', { default: 'sale' }),
      },
    },
    {
      name: 'account.account',
      description: 'Account',
      access: readOnlyForUsers,
      fields: {
        name: field.char('Account Name', { required: true }),
        code: field.char('Code', { required: true }),
        account_type: field.selection(
          [
            'asset_receivable',
            'asset_cash',
            'asset_current',
            'asset_non_current',
            'asset_prepayments',
            'asset_fixed',
            'liability_payable',
            'liability_credit_card',
            'liability_current',
            'liability_non_current',
            'equity',
            'equity_unaffected',
            'income',
            'income_other',
            'expense',
            'expense_depreciation',
            'expense_direct_cost',
            'off_balance',
          ],
          'Type',
          { required: true },
        ),
        reconcile: field.boolean('Allow Reconciliation'),
        // REFERENCE.md §3.7: `company_id` up to 17, `company_ids` (many2many) from 18.
        ...(version >= 18
          ? { company_ids: field.many2many('res.company', 'Companies', { default: () => [1] }) }
          : { company_id: field.many2one('res.company', 'Company', { default: 1 }) }),
        // 19 replaced `deprecated` with `active`.
        ...(version >= 19
          ? { active: field.boolean('Active', { default: true }) }
          : { deprecated: field.boolean('Deprecated') }),
      },
      displayName: (rec) => `${String(rec.code)} ${String(rec.name)}`,
      // Odoo addons/account/models/account_account.py: `_check_account_code` (ACCOUNT_CODE_REGEX
      // `^[A-Za-z0-9.]+$`) and one code per company (`code_company_uniq` up to 17,
      // `_ensure_code_is_unique` from 18: "Account codes must be unique…"). Creating an account at
      // all needs Accounting → Administrator (access above; capture 42_access_error_demo_create_account_account).
      constrain: (env, rec) => {
        const code = typeof rec.code === 'string' ? rec.code : '';
        if (!/^[A-Za-z0-9.]+$/.test(code))
          throw validationError(
            `The account code can only contain alphanumeric characters and dots. (account code: ${code})`,
          );
        const companiesOf = (row: Record<string, unknown>): number[] =>
          Array.isArray(row.company_ids)
            ? (row.company_ids as number[])
            : typeof row.company_id === 'number'
              ? [row.company_id]
              : [1];
        const mine = companiesOf(rec);
        const clash = env.state
          .all('account.account')
          .some(
            (other) =>
              other.id !== rec.id && other.code === code && companiesOf(other).some((c) => mine.includes(c)),
          );
        if (clash)
          throw validationError(
            `Account codes must be unique. You can't create accounts with these duplicate codes: ${code}`,
          );
      },
    },
    {
      name: 'account.journal',
      description: 'Journal',
      access: readOnlyForUsers,
      fields: {
        name: field.char('Journal Name', { required: true }),
        code: field.char('Short Code', { required: true }),
        type: field.selection(['sale', 'purchase', 'cash', 'bank', 'credit', 'general'], 'Type', {
          required: true,
        }),
        default_account_id: field.many2one('account.account', 'Default Account'),
        company_id: field.many2one('res.company', 'Company', { default: 1 }),
      },
      // Two companies' journals share names ("Vendor Bills"); Odoo's list shows them apart only by company.
    },
    {
      name: 'product.product',
      description: 'Product Variant',
      // Odoo addons/product/security/ir.model.access.csv: internal users read products; creating one
      // takes a product manager (Sales or Purchase Administrator), which the Plumbline user is not.
      access: readOnlyForUsers,
      fields: {
        name: field.char('Name', { required: true }),
        default_code: field.char('Internal Reference'),
        type: field.selection(
          version >= 18 ? ['consu', 'service', 'combo'] : ['consu', 'service', 'product'],
          'Product Type',
          {
            default: 'consu',
          },
        ),
        purchase_ok: field.boolean('Purchase', { default: true }),
        sale_ok: field.boolean('Sales', { default: true }),
        standard_price: field.float('Cost'),
        list_price: field.float('Sales Price', { default: 1 }),
        service_policy: field.selection(
          ['ordered_prepaid', 'delivered_milestones', 'delivered_timesheet', 'delivered_manual'],
          'Service Invoicing Policy',
        ),
        // Odoo pre-fills the company's default taxes on new products.
        taxes_id: field.many2many('account.tax', 'Sales Taxes', {
          default: (env) => env.state.search('account.tax', [['type_tax_use', '=', 'sale']], { limit: 1 }),
        }),
        supplier_taxes_id: field.many2many('account.tax', 'Purchase Taxes', {
          default: (env) =>
            env.state.search('account.tax', [['type_tax_use', '=', 'purchase']], { limit: 1 }),
        }),
        property_account_expense_id: field.many2one('account.account', 'Expense Account'),
        property_account_income_id: field.many2one('account.account', 'Income Account'),
        active: field.boolean('Active', { default: true }),
      },
    },
    {
      // External ids. Internal users read and create them, only managers change them (base's
      // ir.model.access.csv, REFERENCE.md §4.1). `_xmlid_to_res_id` is private over RPC, so clients
      // look an XML id up with search_read on module + name, as Plumbline does for mail.mt_note.
      name: 'ir.model.data',
      description: 'Model Data',
      access: { user: ['read', 'create'], portal: [] },
      fields: {
        module: field.char('Module', { required: true }),
        name: field.char('External Identifier', { required: true }),
        model: field.char('Model Name', { required: true }),
        res_id: field.integer('Record ID'),
        noupdate: field.boolean('Non Updatable'),
        complete_name: field.char('Complete ID', {
          compute: (rec) => `${String(rec.module)}.${String(rec.name)}`,
        }),
      },
    },
    {
      name: 'mail.message.subtype',
      description: 'Message subtypes',
      access: readOnlyForUsers,
      fields: {
        name: field.char('Message Type', { required: true }),
        internal: field.boolean('Internal Only'),
      },
    },
    {
      name: 'mail.message',
      description: 'Message',
      order: 'id desc',
      fields: {
        model: field.char('Related Document Model'),
        res_id: field.integer('Related Document ID'),
        body: field.html('Contents'),
        subject: field.char('Subject'),
        message_type: field.selection(
          ['email', 'comment', 'notification', 'auto_comment', 'user_notification'],
          'Type',
          {
            default: 'comment',
          },
        ),
        subtype_id: field.many2one('mail.message.subtype', 'Subtype'),
        author_id: field.many2one('res.partner', 'Author'),
        date: field.datetime('Date'),
      },
    },
  ];
}

/** `base64.b64decode` as Odoo calls it (strict padding: binascii.Error → refused). */
function decodeDatas(datas: unknown): Buffer {
  if (datas === undefined || datas === false || datas === null || datas === '') return Buffer.alloc(0);
  if (typeof datas !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(datas) || datas.length % 4 !== 0)
    throw valueError('Incorrect padding');
  return Buffer.from(datas, 'base64');
}

const MIMETYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  txt: 'text/plain',
};

/** Python's mimetypes.guess_type on the name, for the few types Plumbline sends. */
function guessMimetype(name: unknown): string {
  const ext = typeof name === 'string' ? name.split('.').pop()?.toLowerCase() : undefined;
  return (ext && MIMETYPES[ext]) || 'application/octet-stream';
}

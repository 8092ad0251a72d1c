import type { SimState } from './state';

export type OdooVersion = 16 | 17 | 18 | 19;

export type FieldType =
  | 'char'
  | 'text'
  | 'html'
  | 'integer'
  | 'float'
  | 'monetary'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'many2one'
  | 'one2many'
  | 'many2many'
  | 'binary'
  | 'json';

/** A stored row: scalars raw, many2one as id or false, many2many as id list. */
export interface RawRecord {
  id: number;
  [field: string]: unknown;
}

export interface Env {
  state: SimState;
  uid: number;
  context: Record<string, unknown>;
  /** Superuser: skips access rules (internal cascades and test helpers). */
  su: boolean;
}

export interface FieldDef {
  type: FieldType;
  string?: string;
  comodel?: string;
  /** one2many: the many2one on the comodel pointing back. */
  inverse?: string;
  required?: boolean;
  selection?: readonly string[];
  default?: string | number | boolean | ((env: Env) => unknown);
  /** Computed on read (not stored); values written to it are ignored, as Odoo does. */
  compute?: (rec: RawRecord, state: SimState) => unknown;
  readonly?: boolean;
  /** A computed field that also stores what clients write (Odoo's `readonly=False` computes). */
  writable?: boolean;
}

export interface ParamSpec {
  name: string;
  required?: boolean;
}

export interface MethodDef {
  params: readonly ParamSpec[];
  /** `@api.model` methods take no ids (JSON-2 refuses ids for them). */
  model?: boolean;
  /** Counted as a write for persistence and transactions. */
  readonly?: boolean;
  run: (env: Env, ids: number[], args: Record<string, unknown>) => unknown;
}

export type Role = 'admin' | 'user' | 'portal';
export type Operation = 'read' | 'create' | 'write' | 'unlink';

export interface ModelDef {
  name: string;
  description: string;
  fields: Record<string, FieldDef>;
  /** Fields that exist depending on data (analytic plan columns). */
  dynamicFields?: (state: SimState) => Record<string, FieldDef>;
  order?: string;
  /** display_name; defaults to `name`. */
  displayName?: (rec: RawRecord, state: SimState) => string;
  methods?: Record<string, MethodDef>;
  /** Chatter: enables message_post and creation/posting notes. */
  mailThread?: boolean;
  /** Operations a role may perform (model ACL). Admin may do everything. */
  access?: Partial<Record<Exclude<Role, 'admin'>, readonly Operation[]>>;
  /** Record rule: which rows a non-admin role sees. */
  recordRule?: (role: Exclude<Role, 'admin'>, rec: RawRecord, state: SimState) => boolean;
  prepareCreate?: (env: Env, vals: Record<string, unknown>) => void;
  afterCreate?: (env: Env, rec: RawRecord) => void;
  beforeWrite?: (env: Env, rec: RawRecord, vals: Record<string, unknown>) => void;
  afterWrite?: (env: Env, rec: RawRecord, vals: Record<string, unknown>) => void;
  beforeUnlink?: (env: Env, rec: RawRecord) => void;
  constrain?: (env: Env, rec: RawRecord) => void;
}

const make =
  (type: FieldType) =>
  (string?: string, extra: Omit<FieldDef, 'type' | 'string'> = {}): FieldDef => ({
    type,
    ...(string === undefined ? {} : { string }),
    ...extra,
  });

/** Field constructors keep model files short. */
export const field = {
  char: make('char'),
  text: make('text'),
  html: make('html'),
  integer: make('integer'),
  float: make('float'),
  monetary: make('monetary'),
  boolean: make('boolean'),
  date: make('date'),
  datetime: make('datetime'),
  json: make('json'),
  binary: make('binary'),
  selection: (values: readonly string[], string?: string, extra: Omit<FieldDef, 'type'> = {}) =>
    make('selection')(string, { selection: values, ...extra }),
  many2one: (comodel: string, string?: string, extra: Omit<FieldDef, 'type'> = {}) =>
    make('many2one')(string, { comodel, ...extra }),
  one2many: (comodel: string, inverse: string, string?: string) =>
    make('one2many')(string, { comodel, inverse }),
  many2many: (comodel: string, string?: string, extra: Omit<FieldDef, 'type'> = {}) =>
    make('many2many')(string, { comodel, ...extra }),
};

export function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

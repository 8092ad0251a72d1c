import { compileDomain, compileOrder } from './domain';
import {
  accessError,
  missingError,
  requiredFieldError,
  userError,
  validationError,
  valueError,
} from './errors';
import { field, type Env, type FieldDef, type ModelDef, type RawRecord } from './schema';
import type { SimState } from './state';

/** Fields every model has (Odoo's "magic" columns). */
const magicFields: Record<string, FieldDef> = {
  id: field.integer('ID', { readonly: true }),
  display_name: field.char('Display Name', { readonly: true }),
  create_date: field.datetime('Created on', { readonly: true }),
  write_date: field.datetime('Last Updated on', { readonly: true }),
  create_uid: field.many2one('res.users', 'Created by', { readonly: true }),
  write_uid: field.many2one('res.users', 'Last Updated by', { readonly: true }),
};

export interface SearchOptions {
  offset?: number;
  limit?: number | false | null;
  order?: string | null;
}

export function modelDef(state: SimState, model: string): ModelDef {
  const def = state.registry.get(model);
  if (!def) throw userError(`Object ${model} doesn't exist`);
  return def;
}

const staticCache = new WeakMap<ModelDef, Record<string, FieldDef>>();

export function fieldsOf(state: SimState, model: string): Record<string, FieldDef> {
  const def = state.registry.get(model);
  if (!def) return {};
  let fields = staticCache.get(def);
  if (!fields) {
    fields = { ...magicFields, ...def.fields };
    staticCache.set(def, fields);
  }
  return def.dynamicFields ? { ...fields, ...def.dynamicFields(state) } : fields;
}

export function formatDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function today(state: SimState): string {
  return state.now().toISOString().slice(0, 10);
}

function emptyValue(def: FieldDef): unknown {
  if (def.type === 'integer' || def.type === 'float' || def.type === 'monetary') return 0;
  if (def.type === 'one2many' || def.type === 'many2many') return [];
  return false;
}

/** The stored or computed value of one field, in storage form (many2one = id). */
export function readRaw(state: SimState, model: string, rec: RawRecord, name: string): unknown {
  if (name === 'id') return rec.id;
  if (name === 'display_name') return displayName(state, model, rec.id);
  const def = fieldsOf(state, model)[name];
  if (!def) return undefined;
  if (def.compute) return def.compute(rec, state);
  if (def.type === 'one2many' && def.comodel && def.inverse) {
    const inverse = def.inverse;
    return state
      .all(def.comodel)
      .filter((child) => child[inverse] === rec.id)
      .map((child) => child.id);
  }
  const value = rec[name];
  return value === undefined || value === null ? emptyValue(def) : value;
}

export function displayName(state: SimState, model: string, id: number): string {
  const rec = state.get(model, id);
  const def = state.registry.get(model);
  if (!rec || !def) return '';
  if (def.displayName) return def.displayName(rec, state);
  return typeof rec.name === 'string' ? rec.name : `${model},${id}`;
}

function formatValue(state: SimState, def: FieldDef, raw: unknown): unknown {
  if (def.type === 'many2one') {
    return typeof raw === 'number' && def.comodel ? [raw, displayName(state, def.comodel, raw)] : false;
  }
  return raw;
}

function visible(env: Env, def: ModelDef, rec: RawRecord): boolean {
  if (env.su || !def.recordRule) return true;
  const role = env.state.roleOf(env.uid);
  return role === 'admin' || def.recordRule(role, rec, env.state);
}

export function ormSearch(env: Env, model: string, domain: unknown, options: SearchOptions = {}): number[] {
  const def = modelDef(env.state, model);
  const predicate = compileDomain(env.state, model, domain);
  const fields = fieldsOf(env.state, model);
  const filterActive =
    'active' in fields &&
    env.context.active_test !== false &&
    !JSON.stringify(domain ?? []).includes('"active"');
  const rows = env.state
    .all(model)
    .filter((rec) => (!filterActive || rec.active !== false) && visible(env, def, rec) && predicate(rec));
  rows.sort(compileOrder(env.state, model, options.order ?? def.order));
  const offset = options.offset ?? 0;
  const limit = typeof options.limit === 'number' ? options.limit : undefined;
  return rows.slice(offset, limit === undefined ? undefined : offset + limit).map((rec) => rec.id);
}

export function ormRead(env: Env, model: string, ids: number[], fieldNames?: string[] | null) {
  const def = modelDef(env.state, model);
  const fields = fieldsOf(env.state, model);
  const names = fieldNames && fieldNames.length > 0 ? fieldNames : Object.keys(fields);
  for (const name of names) {
    if (!fields[name]) throw valueError(`Invalid field '${name}' on model '${model}'`);
  }
  const out: Record<string, unknown>[] = [];
  for (const id of ids) {
    const rec = env.state.get(model, id);
    if (!rec) continue; // Odoo returns only the records that exist
    if (!visible(env, def, rec)) throw recordRuleError(env, def);
    const row: Record<string, unknown> = { id };
    for (const name of names) {
      const fieldDef = fields[name];
      if (fieldDef && name !== 'id')
        row[name] = formatValue(env.state, fieldDef, readRaw(env.state, model, rec, name));
    }
    out.push(row);
  }
  return out;
}

function recordRuleError(env: Env, def: ModelDef) {
  const user = env.state.userById(env.uid);
  return accessError(
    `Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, ${user?.login ?? 'user'} ` +
      `(id=${env.uid}) doesn't have 'read' access to:\n- ${def.description} (${def.name})`,
  );
}

/** Validates and normalises values; returns stored values and the x2many commands to apply after. */
function prepareValues(
  env: Env,
  model: string,
  vals: Record<string, unknown>,
  trusted: ReadonlySet<string> = new Set(),
  current?: RawRecord,
) {
  const fields = fieldsOf(env.state, model);
  const stored: Record<string, unknown> = {};
  const relations: [string, FieldDef, unknown][] = [];
  for (const [name, value] of Object.entries(vals)) {
    const def = fields[name];
    if (!def) throw valueError(`Invalid field '${name}' in '${model}'`);
    // Odoo ignores client values for computed and readonly fields; defaults and server code may set them.
    if ((def.compute && !def.writable) || (def.readonly && !trusted.has(name))) continue;
    if (def.type === 'one2many') {
      relations.push([name, def, value]);
      continue;
    }
    stored[name] =
      def.type === 'many2many'
        ? applyM2mCommands(env, def, (current?.[name] as number[] | undefined) ?? [], value)
        : normaliseValue(env, model, name, def, value);
  }
  return { stored, relations };
}

function normaliseValue(env: Env, model: string, name: string, def: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined || value === false) return emptyValue(def);
  switch (def.type) {
    case 'selection':
      if (!def.selection?.includes(String(value))) {
        throw valueError(`Wrong value for ${model}.${name}: '${String(value)}'`);
      }
      return value;
    case 'many2one': {
      const id = Array.isArray(value) ? value[0] : value;
      if (typeof id !== 'number' || !def.comodel || !env.state.get(def.comodel, id)) {
        throw validationError(
          `The operation cannot be completed: another model requires the record being deleted. ` +
            `(${model}.${name} → ${def.comodel ?? '?'}(${String(id)}) does not exist)`,
        );
      }
      return id;
    }
    case 'many2many':
      return applyM2mCommands(env, def, [], value);
    case 'integer':
    case 'float':
    case 'monetary':
      if (typeof value !== 'number')
        throw valueError(`could not convert string to float: '${String(value)}'`);
      return value;
    case 'boolean':
      return Boolean(value);
    default:
      return value;
  }
}

/**
 * many2many values: a list of ids, or commands applied to the CURRENT ids (on write, the record's own:
 * `[4, id]` adds to the partner's tags, it does not replace them). Odoo's x2many commands
 * (odoo/fields.py `Command`; res_partner.py `category_id`): 3 unlink, 4 link, 5 clear, 6 set; a linked
 * id must exist (Odoo's relation table has a foreign key). Stricter than Odoo where unsure: commands 0,
 * 1 and 2 on a many2many and unknown codes are refused.
 */
function applyM2mCommands(env: Env, def: FieldDef, current: number[], value: unknown): number[] {
  if (!Array.isArray(value)) throw valueError(`Wrong value for a many2many: ${JSON.stringify(value)}`);
  const exists = (id: unknown): id is number =>
    typeof id === 'number' && (!def.comodel || env.state.get(def.comodel, id) !== undefined);
  if (value.every((item) => typeof item === 'number')) {
    const missing = (value as number[]).filter((id) => !exists(id));
    if (missing.length > 0) throw valueError(`Record ${def.comodel}(${missing.join(', ')}) does not exist`);
    return [...(value as number[])];
  }
  let ids = [...current];
  for (const command of value as unknown[]) {
    if (!Array.isArray(command)) throw valueError(`Invalid command ${JSON.stringify(command)}`);
    const [code, id, arg] = command as [unknown, unknown, unknown];
    if (code === 6) {
      const set = (arg as number[] | undefined) ?? [];
      const missing = set.filter((x) => !exists(x));
      if (missing.length > 0) throw valueError(`Record ${def.comodel}(${missing.join(', ')}) does not exist`);
      ids = [...set];
    } else if (code === 5) ids = [];
    else if (code === 4) {
      if (!exists(id)) throw valueError(`Record ${def.comodel}(${String(id)}) does not exist`);
      if (!ids.includes(id)) ids.push(id);
    } else if (code === 3 && typeof id === 'number') ids = ids.filter((x) => x !== id);
    else
      throw valueError(
        `Invalid command ${JSON.stringify(command)} for a many2many (the simulator takes 3, 4, 5, 6)`,
      );
  }
  return ids;
}

/** one2many commands: [0,0,vals] create, [1,id,vals] update, [2,id] delete, [3,id] unlink, [4,id] link, [5] clear, [6,0,ids] set. */
function applyO2mCommands(env: Env, parentId: number, def: FieldDef, value: unknown): void {
  const comodel = def.comodel ?? '';
  const inverse = def.inverse ?? '';
  if (!Array.isArray(value)) return;
  const current = () => ormSearch({ ...env, su: true }, comodel, [[inverse, '=', parentId]], {});
  for (const command of value as unknown[]) {
    if (!Array.isArray(command)) throw valueError(`Invalid command ${JSON.stringify(command)}`);
    const [code, id, arg] = command as [number, number, unknown];
    if (code === 0) ormCreate(env, comodel, [{ ...(arg as Record<string, unknown>), [inverse]: parentId }]);
    else if (code === 1) ormWrite(env, comodel, [id], arg as Record<string, unknown>);
    else if (code === 2 || code === 3) ormUnlink(env, comodel, [id]);
    else if (code === 4) ormWrite(env, comodel, [id], { [inverse]: parentId });
    else if (code === 5) ormUnlink(env, comodel, current());
    else if (code === 6) {
      const keep = (arg as number[] | undefined) ?? [];
      ormUnlink(
        env,
        comodel,
        current().filter((childId) => !keep.includes(childId)),
      );
      for (const childId of keep) ormWrite(env, comodel, [childId], { [inverse]: parentId });
    } else throw valueError(`Invalid command ${JSON.stringify(command)}`);
  }
}

function checkRequired(env: Env, def: ModelDef, rec: RawRecord) {
  for (const [name, fieldDef] of Object.entries(fieldsOf(env.state, def.name))) {
    const value = rec[name];
    if (fieldDef.required && (value === undefined || value === false || value === null || value === '')) {
      throw requiredFieldError(def.name, def.description, name, fieldDef.string ?? name);
    }
  }
}

export function ormCreate(env: Env, model: string, valsList: Record<string, unknown>[]): number[] {
  const def = modelDef(env.state, model);
  const fields = fieldsOf(env.state, model);
  const ids: number[] = [];
  for (const input of valsList) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw valueError(`Invalid values for ${model}.create: ${JSON.stringify(input)}`);
    }
    const vals: Record<string, unknown> = { ...input };
    for (const [name, fieldDef] of Object.entries(fields)) {
      if (name in vals) continue;
      const contextKey = `default_${name}`;
      if (contextKey in env.context) vals[name] = env.context[contextKey];
      else if (fieldDef.default !== undefined) {
        vals[name] = typeof fieldDef.default === 'function' ? fieldDef.default(env) : fieldDef.default;
      }
    }
    def.prepareCreate?.(env, vals);
    const trusted = new Set(Object.keys(vals).filter((key) => !(key in input) || vals[key] !== input[key]));
    const { stored, relations } = prepareValues(env, model, vals, trusted);
    const now = formatDateTime(env.state.now());
    const rec: RawRecord = {
      ...stored,
      id: env.state.nextId(model),
      create_date: now,
      write_date: now,
      create_uid: env.uid,
      write_uid: env.uid,
    };
    checkRequired(env, def, rec);
    env.state.insertRow(model, rec);
    for (const [, fieldDef, value] of relations) applyO2mCommands(env, rec.id, fieldDef, value);
    def.afterCreate?.(env, rec);
    def.constrain?.(env, rec);
    if (def.mailThread) logNote(env, model, rec.id, `<p>${def.description} created</p>`);
    ids.push(rec.id);
  }
  return ids;
}

export function requireRecords(env: Env, model: string, ids: number[]): RawRecord[] {
  const def = modelDef(env.state, model);
  const missing = ids.filter((id) => !env.state.get(model, id));
  if (missing.length > 0) throw missingError(model, missing, env.uid);
  const records = ids.map((id) => env.state.get(model, id) as RawRecord);
  if (records.some((rec) => !visible(env, def, rec))) throw recordRuleError(env, def);
  return records;
}

export function ormWrite(env: Env, model: string, ids: number[], vals: Record<string, unknown>): true {
  const def = modelDef(env.state, model);
  if (typeof vals !== 'object' || vals === null) throw valueError('write() expects a dict of values');
  for (const rec of requireRecords(env, model, ids)) {
    const own = { ...vals };
    def.beforeWrite?.(env, rec, own);
    const { stored, relations } = prepareValues(env, model, own, undefined, rec);
    env.state.updateRow(model, rec.id, {
      ...stored,
      write_date: formatDateTime(env.state.now()),
      write_uid: env.uid,
    });
    checkRequired(env, def, rec);
    for (const [, fieldDef, value] of relations) applyO2mCommands(env, rec.id, fieldDef, value);
    def.afterWrite?.(env, rec, own);
    def.constrain?.(env, rec);
  }
  return true;
}

/** Bumps write_date when a computed or child value changed (what incremental pulls key on). */
export function touch(env: Env, model: string, id: number): void {
  env.state.updateRow(model, id, { write_date: formatDateTime(env.state.now()), write_uid: env.uid });
}

export function ormUnlink(env: Env, model: string, ids: number[]): true {
  const def = modelDef(env.state, model);
  const records = ids.map((id) => env.state.get(model, id)).filter((rec) => rec !== undefined);
  for (const rec of records) def.beforeUnlink?.(env, rec);
  for (const rec of records) {
    env.state.deleteRow(model, rec.id);
    // Children of a one2many go with their parent (ondelete cascade).
    for (const fieldDef of Object.values(fieldsOf(env.state, model))) {
      if (fieldDef.type !== 'one2many' || !fieldDef.comodel || !fieldDef.inverse) continue;
      const inverse = fieldDef.inverse;
      const children = env.state.all(fieldDef.comodel).filter((child) => child[inverse] === rec.id);
      ormUnlink(
        { ...env, su: true },
        fieldDef.comodel,
        children.map((child) => child.id),
      );
    }
  }
  return true;
}

export function fieldsGet(state: SimState, model: string, allfields?: unknown, attributes?: unknown) {
  const fields = fieldsOf(state, model);
  const wanted =
    Array.isArray(allfields) && allfields.length > 0 ? (allfields as string[]) : Object.keys(fields);
  const attrs = Array.isArray(attributes) && attributes.length > 0 ? (attributes as string[]) : undefined;
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of wanted) {
    const def = fields[name];
    if (!def) continue;
    const description: Record<string, unknown> = {
      type: def.type === 'json' ? 'json' : def.type,
      string: def.string ?? name,
      required: Boolean(def.required),
      readonly: Boolean(def.readonly || def.compute),
      store: !def.compute,
      ...(def.comodel ? { relation: def.comodel } : {}),
      ...(def.selection ? { selection: def.selection.map((value) => [value, value]) } : {}),
    };
    out[name] = attrs
      ? Object.fromEntries(attrs.map((attr) => [attr, description[attr] ?? false]))
      : description;
  }
  return out;
}

/**
 * `ir.model.data._xmlid_to_res_id` (odoo/addons/base/models/ir_model.py): the record behind
 * `module.name`, or undefined when the database has no such external id.
 */
export function xmlidToResId(state: SimState, xmlid: string): number | undefined {
  const [module, name] = xmlid.split('.', 2);
  if (!state.registry.has('ir.model.data')) return undefined;
  const [row] = state.all('ir.model.data').filter((r) => r.module === module && r.name === name);
  return typeof row?.res_id === 'number' ? row.res_id : undefined;
}

/** Chatter entry as Odoo writes it on creation and posting. */
export function logNote(env: Env, model: string, resId: number, body: string, type = 'notification'): number {
  if (!env.state.registry.has('mail.message')) return 0;
  const user = env.state.userById(env.uid);
  const author = user ? env.state.get('res.users', user.uid)?.partner_id : false;
  return ormCreate({ ...env, su: true }, 'mail.message', [
    {
      model,
      res_id: resId,
      body,
      message_type: type,
      subtype_id: xmlidToResId(env.state, 'mail.mt_note') ?? false,
      author_id: typeof author === 'number' ? author : false,
      date: formatDateTime(env.state.now()),
    },
  ])[0] as number;
}

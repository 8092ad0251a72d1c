import { randomBytes } from 'node:crypto';
import { userError } from '../errors';
import { ormCreate, requireRecords } from '../orm';
import { field, type ModelDef } from '../schema';

/**
 * The UI flow that mints an API key (Preferences → New API Key): create a description, make_key
 * asks for the password again through an identity check, run_check returns the key once.
 */
export const securityModels: ModelDef[] = [
  {
    name: 'res.users.apikeys.description',
    description: 'API Key Description',
    fields: { name: field.char('Description', { required: true }), duration: field.char('Duration') },
    methods: {
      make_key: {
        params: [],
        run: (env, ids) => {
          const [description] = requireRecords(env, 'res.users.apikeys.description', ids);
          const [checkId] = ormCreate(env, 'res.users.identitycheck', [
            { request: `make_key:${description?.id ?? 0}` },
          ]);
          return {
            type: 'ir.actions.act_window',
            res_model: 'res.users.identitycheck',
            res_id: checkId,
            name: 'Access Control',
            target: 'new',
            views: [[false, 'form']],
            context: { dialog_size: 'medium' },
          };
        },
      },
    },
  },
  {
    name: 'res.users.identitycheck',
    description: 'Password Check Wizard',
    fields: { request: field.char('Request') },
    methods: {
      run_check: {
        params: [],
        run: (env, ids) => {
          const [check] = requireRecords(env, 'res.users.identitycheck', ids);
          const user = env.state.userById(env.uid);
          if (!user || env.context.password !== user.password) {
            throw userError(
              'Incorrect Password, try again or click on Forgot Password to reset your password.',
            );
          }
          const descriptionId = Number(String(check?.request ?? '').split(':')[1]);
          const description = env.state.get('res.users.apikeys.description', descriptionId);
          // Odoo keys are 20 random bytes in hex.
          const key = randomBytes(20).toString('hex');
          env.state.apiKeys.push({ key, uid: env.uid, name: String(description?.name ?? 'API key') });
          return {
            type: 'ir.actions.act_window',
            res_model: 'res.users.apikeys.show',
            name: 'API Key Ready',
            views: [[false, 'form']],
            target: 'new',
            context: { default_key: key },
          };
        },
      },
    },
  },
];

import type { ModelDef, OdooVersion } from '../schema';
import { accountMoveModels } from './account-move';
import { baseModels } from './base';
import { orderModels } from './orders';
import { projectModels } from './project';
import { securityModels } from './security';

/** Every model the simulator knows for one Odoo version. */
export function buildRegistry(version: OdooVersion): Map<string, ModelDef> {
  const models = [
    ...baseModels(version),
    ...projectModels(version),
    ...orderModels(version),
    ...accountMoveModels(version),
    ...securityModels,
  ];
  return new Map(models.map((model) => [model.name, model]));
}

// The only barrel in the project: drizzle-kit and the db client read every table through it.
export * from './organisation';
export * from './identity';
export * from './projects';
export * from './audit';
export * from './partners';
export * from './subcontracts';
export * from './sync';
export * from './exceptions';
export * from './change-orders';
export * from './odoo';
export * from './claims';
export * from './milestones';
export * from './cost';
export * from './operations';
export * from './approvals';
export * from './security';
export * from './documents';

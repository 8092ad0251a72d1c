/**
 * Every record type's sync handler, imported for its side effect (registerSyncHandler). Anything that
 * requests, runs or shows a sync (enqueue.ts, the worker, record-access.ts) imports this file, so a
 * handler listed here is known to the web app and to every worker alike.
 *
 * Add one line per record type, e.g.:
 *   import '../../modules/change-orders/change-order.sync';
 * (the change-order handler is being written by the change-order work and is added here with it).
 */
import '../../modules/change-orders/change-order.sync';
import '../../modules/claims/claim.sync';
import '../../modules/milestones/milestone.sync';

// Output shapes (DTOs) the pages read: the module's public contract with the client (issue 16 item 8).
export type { PendingChangeView } from './pending-change.service';

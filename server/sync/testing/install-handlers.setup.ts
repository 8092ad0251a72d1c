import { installSyncHandlers } from '../handlers';

// The database tier's processes start like the worker and the web server do: with every sync handler
// installed (server/sync/handlers/index.ts). A test may register its own handlers on top.
installSyncHandlers();

// Runs before `npm start`, `npm test` and `npm run test:e2e`, in plain JavaScript so that it works on
// any Node version: one clear sentence instead of a stack trace from a tool that needs a newer Node.
// The floor is Node 20.19 (vite/vitest need require(esm)); 22 LTS is recommended (see README).
import { fileURLToPath } from 'node:url';

export function isSupportedNode(version) {
  const [major, minor] = version.split('.').map(Number);
  return (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && !isSupportedNode(process.versions.node)) {
  console.error(
    `Plumbline needs Node.js 20.19 or newer (22 LTS recommended); this is Node ${process.versions.node}. Install a newer Node and run npm ci again.`,
  );
  process.exit(1);
}

import { parseArgs } from 'node:util';
import { hardware, postgresServer } from './lib/bench';
import { seedLargeDatabase } from './lib/large-seed';

/**
 * `npm run seed:large`: the large generated organisation (scripts/lib/large-seed.ts says what is in
 * it) in a fresh database, for `npm run bench:read`.
 *   npm run seed:large -- [--database plumbline_large] [--scale 1] [--projects 300] [--seed 42]
 * `--projects 3000` generates ten times the projects, each with the history it has at --scale 1.
 */
const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'plumbline_large' },
    scale: { type: 'string', default: '1' },
    projects: { type: 'string' },
    seed: { type: 'string', default: '42' },
  },
});
const server = await postgresServer();
try {
  const result = await seedLargeDatabase(server.serverUrl, {
    database: values.database,
    scale: Number(values.scale),
    seed: Number(values.seed),
    ...(values.projects ? { projects: Number(values.projects) } : {}),
  });
  const { url: _url, ...shown } = result;
  void _url;
  console.log(JSON.stringify({ seed: 'large', ...shown, hardware: hardware() }));
} finally {
  await server.stop();
}

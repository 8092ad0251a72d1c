import { describe, expect, it } from 'vitest';
import { idKeysOf, listProcedures, procedureSamples } from './procedure-samples';
import { fakeSecurityWorld } from './security-world';

/**
 * The sample table is what makes the security sweeps cover every procedure. A procedure added to the
 * router without a sample fails here, by name: add it to server/testing/procedure-samples.ts.
 */
describe('the procedure sample table', () => {
  const procedures = listProcedures();
  const world = fakeSecurityWorld();

  it('has a sample for every procedure of the router', () => {
    const missing = procedures.map((p) => p.path).filter((path) => !Object.hasOwn(procedureSamples, path));
    expect(
      missing,
      `procedures without a sample in server/testing/procedure-samples.ts: ${missing.join(', ')}`,
    ).toEqual([]);
  });

  it('has no sample for a procedure that no longer exists', () => {
    const paths = new Set(procedures.map((p) => p.path));
    expect(Object.keys(procedureSamples).filter((path) => !paths.has(path))).toEqual([]);
  });

  it('gives every sample as an input its procedure accepts', () => {
    const refused = procedures.flatMap(({ path, input }) => {
      const sample = procedureSamples[path];
      if (!sample || !input) return [];
      const result = input.safeParse(sample.input(world));
      return result.success
        ? []
        : [`${path}: ${result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`];
    });
    expect(refused).toEqual([]);
  });

  it('declares a scope for every id-taking procedure, and says why when it is not project-scoped', () => {
    const undeclared = procedures.flatMap(({ path }) => {
      const sample = procedureSamples[path];
      if (!sample) return [];
      const ids = idKeysOf(sample.input(world));
      const projectScoped = sample.scope === 'project' || sample.scope === 'project-filter';
      if (ids.length === 0)
        return projectScoped ? [`${path}: declared project-scoped but its sample names no id`] : [];
      if (!projectScoped && !sample.why)
        return [`${path}: takes ${ids.join(', ')} but is '${sample.scope}' without a reason`];
      return [];
    });
    expect(undeclared).toEqual([]);
  });
});

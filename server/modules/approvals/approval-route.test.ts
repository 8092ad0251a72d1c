import { describe, expect, it } from 'vitest';
import {
  assertNotSelfApproval,
  assertOneStepPerPerson,
  buildApprovalRoute,
  decideApprovalStep,
  type ApprovalDecision,
  type ApprovalStep,
} from './approval-route';

const QS_STEP: ApprovalStep = { step: 1, role: 'quantity_surveyor', kind: 'review' };
const PM_STEP: ApprovalStep = { step: 2, role: 'project_manager', kind: 'approval' };
const EXEC_STEP: ApprovalStep = { step: 3, role: 'executive', kind: 'approval' };

describe('buildApprovalRoute', () => {
  it.each([
    ['0.00', [QS_STEP, PM_STEP]],
    ['24999.99', [QS_STEP, PM_STEP]],
    ['25000.00', [QS_STEP, PM_STEP]], // at the limit stays with the PM
    ['-25000.00', [QS_STEP, PM_STEP]],
    ['25000.01', [QS_STEP, PM_STEP, EXEC_STEP]],
    ['-25000.01', [QS_STEP, PM_STEP, EXEC_STEP]], // absolute value: a big omission needs the executive too
    ['1000000', [QS_STEP, PM_STEP, EXEC_STEP]],
  ])('cost change %s with PM limit 25,000', (costChange, route) => {
    expect(buildApprovalRoute({ costChange, pmLimit: '25000.00', kind: 'commitment' })).toEqual(route);
  });

  it('a zero PM limit sends every non-zero change to an executive', () => {
    expect(buildApprovalRoute({ costChange: '0.01', pmLimit: '0', kind: 'client' })).toHaveLength(3);
    expect(buildApprovalRoute({ costChange: '0', pmLimit: '0', kind: 'internal' })).toHaveLength(2);
  });

  it('refuses malformed amounts and a negative limit', () => {
    expect(() => buildApprovalRoute({ costChange: '1,000', pmLimit: '1', kind: 'client' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    expect(() => buildApprovalRoute({ costChange: '1', pmLimit: '-1', kind: 'client' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
  });
});

describe('decideApprovalStep', () => {
  const route = [QS_STEP, PM_STEP, EXEC_STEP];
  const authorIds = ['creator', 'submitter'];
  const approved = (step: number, deciderId: string): ApprovalDecision => ({
    step,
    deciderId,
    decision: 'approved',
  });

  it.each([
    [[], 'qs-1', ['quantity_surveyor'], 1, false],
    [[approved(1, 'qs-1')], 'pm-1', ['project_manager'], 2, false],
    [[approved(1, 'qs-1'), approved(2, 'pm-1')], 'ex-1', ['executive'], 3, true],
  ] as const)('walks the route in order (%#)', (decisions, id, roles, step, isFinal) => {
    const result = decideApprovalStep({ route, decisions, actor: { id, roles }, authorIds });
    expect(result).toEqual({ step: route[step - 1], isFinal });
  });

  it('the PM step is final on a two-step route', () => {
    const result = decideApprovalStep({
      route: [QS_STEP, PM_STEP],
      decisions: [approved(1, 'qs-1')],
      actor: { id: 'pm-1', roles: ['project_manager'] },
      authorIds,
    });
    expect(result.isFinal).toBe(true);
  });

  it.each([
    ['creator', 'SELF_APPROVAL'],
    ['submitter', 'SELF_APPROVAL'],
  ])('refuses the %s deciding on their own item', (id, code) => {
    expect(() =>
      decideApprovalStep({ route, decisions: [], actor: { id, roles: ['quantity_surveyor'] }, authorIds }),
    ).toThrow(expect.objectContaining({ code }));
  });

  it('refuses one person taking a second step, even holding the next role', () => {
    expect(() =>
      decideApprovalStep({
        route,
        decisions: [approved(1, 'both')],
        actor: { id: 'both', roles: ['quantity_surveyor', 'project_manager'] },
        authorIds,
      }),
    ).toThrow(expect.objectContaining({ code: 'DUPLICATE_APPROVAL_STEP' }));
  });

  it.each([
    [[], ['project_manager']], // the PM cannot skip the QS review
    [[], ['executive']],
    [[approved(1, 'qs-1')], ['quantity_surveyor']],
    [[approved(1, 'qs-1')], ['executive']], // an executive cannot take the PM's step
    [[approved(1, 'qs-1'), approved(2, 'pm-1')], ['project_manager']],
    [[], ['admin']], // admin approves nothing
    [[], []],
  ] as const)('refuses the wrong role for the pending step (%#)', (decisions, roles) => {
    expect(() => decideApprovalStep({ route, decisions, actor: { id: 'x', roles }, authorIds })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('names the role the pending step needs', () => {
    expect(() =>
      decideApprovalStep({ route, decisions: [], actor: { id: 'x', roles: ['finance'] }, authorIds }),
    ).toThrow('Approval step 1 must be taken by a quantity surveyor.');
  });

  it('a completed or rejected route takes no further decision', () => {
    const all = [approved(1, 'a'), approved(2, 'b'), approved(3, 'c')];
    expect(() =>
      decideApprovalStep({ route, decisions: all, actor: { id: 'd', roles: ['executive'] }, authorIds }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
    const rejected: ApprovalDecision[] = [{ step: 1, deciderId: 'a', decision: 'rejected' }];
    expect(() =>
      decideApprovalStep({
        route,
        decisions: rejected,
        actor: { id: 'b', roles: ['quantity_surveyor'] },
        authorIds,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
  });
});

describe('shared segregation rules', () => {
  it('self-approval ignores missing author ids', () => {
    expect(() => assertNotSelfApproval('a', [null, undefined, 'b'])).not.toThrow();
    expect(() => assertNotSelfApproval('b', [null, 'b'])).toThrow(
      expect.objectContaining({ code: 'SELF_APPROVAL' }),
    );
  });

  it('one step per person (claims: the certifier cannot give the finance release)', () => {
    expect(() => assertOneStepPerPerson('qs-1', ['qs-1', 'pm-1'])).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_APPROVAL_STEP' }),
    );
    expect(() => assertOneStepPerPerson('fin-1', ['qs-1', 'pm-1'])).not.toThrow();
  });
});

describe('executive limit', () => {
  it('adds a second executive step above the executive limit only', async () => {
    const { buildApprovalRoute: build } = await import('./approval-route');
    expect(build({ costChange: '250000.00', pmLimit: '25000.00', executiveLimit: '250000.00', kind: 'client' }).map((s) => s.role)).toEqual([
      'quantity_surveyor',
      'project_manager',
      'executive',
    ]);
    expect(build({ costChange: '-250000.01', pmLimit: '25000.00', executiveLimit: '250000.00', kind: 'client' }).map((s) => s.role)).toEqual([
      'quantity_surveyor',
      'project_manager',
      'executive',
      'executive',
    ]);
  });
});

export type FaultKind =
  | 'http500'
  | 'http502'
  | 'http503'
  | 'http429'
  | 'delay'
  | 'drop_after_commit'
  | 'drop_before'
  | 'expired_key'
  | 'serialization';

export interface FaultSpec {
  /** Only calls on this model (object calls); omitted = any request, including `common`. */
  model?: string;
  method?: string;
  /** How many matching requests fail; omitted = until cleared. */
  times?: number;
  kind: FaultKind;
  /** For `delay`: added before the call runs. */
  delayMs?: number;
}

export interface ActiveFault extends Required<Pick<FaultSpec, 'kind'>> {
  readonly spec: FaultSpec;
  /** Requests this fault has hit so far. */
  hits: number;
  remove(): void;
}

/**
 * Failures a test arms on the simulator. A fault matches a request by model/method; each hit
 * counts down `times`. Several faults may match one request (e.g. delay + drop_after_commit).
 */
export class FaultInjector {
  private active: ActiveFault[] = [];

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = {
      kind: spec.kind,
      spec,
      hits: 0,
      remove: () => {
        this.active = this.active.filter((candidate) => candidate !== fault);
      },
    };
    this.active.push(fault);
    return fault;
  }

  clear(): void {
    this.active = [];
  }

  list(): readonly ActiveFault[] {
    return this.active;
  }

  /** Faults that apply to this request, consumed as they are taken. */
  take(target: { model?: string; method?: string }): FaultKindHit[] {
    const hits: FaultKindHit[] = [];
    for (const fault of [...this.active]) {
      const { model, method, times } = fault.spec;
      if (model !== undefined && model !== target.model) continue;
      if (method !== undefined && method !== target.method) continue;
      fault.hits += 1;
      if (times !== undefined && fault.hits >= times) fault.remove();
      hits.push({ kind: fault.kind, delayMs: fault.spec.delayMs ?? 0 });
    }
    return hits;
  }
}

export interface FaultKindHit {
  kind: FaultKind;
  delayMs: number;
}

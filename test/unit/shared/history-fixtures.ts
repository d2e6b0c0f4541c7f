// Builds plain Snapshot records for unit tests of the history store, the bridge and the renderer.
// Only the fields a test sets differ from an idle machine.
import { SNAPSHOT_SCHEMA, type Counters, type Snapshot } from '../../../shared/snapshot';
import { emptyStateCounts, type StateCounts } from '../../../shared/tcp';

export interface SnapshotInit {
  time: number;
  seq?: number;
  states?: Partial<StateCounts>;
  rates?: Counters['rates'];
  overrides?: Partial<Snapshot>;
}

export function makeSnapshot(init: SnapshotInit): Snapshot {
  const states = { ...emptyStateCounts(), ...init.states };
  const total = Object.values(states).reduce((a, b) => a + b, 0);
  return {
    schema: SNAPSHOT_SCHEMA,
    time: init.time,
    seq: init.seq ?? 0,
    intervalMs: 1000,
    states,
    statesByFamily: { ipv4: states, ipv6: emptyStateCounts() },
    totalSockets: total,
    sockstat: { inuse4: total, inuse6: 0, orphan: 0, tw: states.TIME_WAIT, alloc: total, memPages: 1, socketsUsed: total },
    counters: { totals: {}, rates: init.rates ?? null, currEstab: states.ESTABLISHED },
    timeWaitTimers: null,
    topTimeWait: [],
    topCloseWait: [],
    portBudgets: [],
    ephemeral: { low: 32768, high: 60999, reserved: 0, usable: 28232 },
    sysctls: {},
    owners: null,
    health: {
      socketSource: 'procfs',
      fallbackReason: null,
      durationMs: 1,
      tableRead: true,
      tableAt: init.time,
      skippedLines: {},
      degraded: [],
    },
    ...init.overrides,
  };
}

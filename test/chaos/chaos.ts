import { sleep } from './net.ts';
import type { ChaosOptions, FaultName } from './options.ts';
import type { InstanceName, RoleSet } from './roles.ts';
import type { PrivateStack } from './stack.ts';

export interface ChaosEvent {
  /** Seconds since the load started. */
  readonly at: number;
  readonly what: string;
}

export interface Chaos {
  readonly kills: ChaosEvent[];
  readonly faults: ChaosEvent[];
  /** Errors of faults that could not be injected or recovered (the run fails with them). */
  readonly errors: string[];
  /** Resolves when every kill's restart and every fault's recovery is done. */
  finished(): Promise<void>;
  /** No further kill or fault (the run is being cleaned up). */
  halt(): void;
}

/**
 * During the load window: every `killIntervalSec` a SIGKILL of a random running role process,
 * started again `restartDelaySec` later; and each dependency fault once, spread evenly over the
 * window (fault i of n at (i+1)/(n+1) of it), each resolved once the dependency answers again.
 */
export function startChaos(
  o: ChaosOptions,
  roles: RoleSet,
  stack: PrivateStack,
  random: () => number,
  log: (line: string) => void,
): Chaos {
  const t0 = Date.now();
  const windowMs = o.durationSec * 1000;
  const since = () => Math.round((Date.now() - t0) / 100) / 10;
  const kills: ChaosEvent[] = [];
  const faults: ChaosEvent[] = [];
  const errors: string[] = [];
  const pending: Promise<void>[] = [];
  const sleepUntil = (ms: number) => sleep(Math.max(0, t0 + ms - Date.now()));
  let halted = false;

  async function killLoop(): Promise<void> {
    for (let k = 1; k * o.killIntervalSec * 1000 < windowMs; k++) {
      await sleepUntil(k * o.killIntervalSec * 1000);
      if (halted) return;
      const up = roles.up();
      const victim = up[Math.floor(random() * up.length)] as InstanceName | undefined;
      if (victim === undefined) continue;
      kills.push({ at: since(), what: victim });
      log(`kill ${kills.length}: SIGKILL ${victim}, restart in ${o.restartDelaySec} s`);
      pending.push(roles.kill(victim, o.restartDelaySec * 1000));
    }
  }

  async function fault(name: FaultName, atMs: number): Promise<void> {
    await sleepUntil(atMs);
    if (halted) return;
    faults.push({ at: since(), what: name });
    await stack.fault(name, log).catch((e: Error) => {
      errors.push(`${name}: ${e.message}`);
      log(`fault ${name} FAILED: ${e.message}`);
    });
  }

  const n = o.faults.length;
  const loops = [
    killLoop(),
    ...o.faults.map((name, i) => fault(name, Math.round((windowMs * (i + 1)) / (n + 1)))),
  ];
  return {
    kills,
    faults,
    errors,
    async finished() {
      await Promise.all(loops);
      await Promise.all(pending);
    },
    halt: () => void (halted = true),
  };
}

import { describe, expect, it } from 'vitest';
import { CliError } from '../../services/cli/cli-error.ts';
import { workerIndex, workerIndexEnv } from '../../services/cli/worker-channel.ts';
import {
  afterWorkerEnd,
  defaultRestartPolicy,
  noRestarts,
  stoppedCleanly,
  type RestartHistory,
} from '../../services/cli/worker-restarts.ts';
import { parseWorkersOption } from '../../services/cli/workers-option.ts';
import { ConfigError, loadConfig } from '../../services/config/index.ts';

describe('--workers and TANDEM_WORKERS', () => {
  it('accept a whole number from 1 to 64, 1 by default', () => {
    expect(parseWorkersOption('1')).toBe(1);
    expect(parseWorkersOption(' 64 ')).toBe(64);
    expect(loadConfig({ env: {} }).workers).toBe(1);
    expect(loadConfig({ env: { TANDEM_WORKERS: '3' } }).workers).toBe(3);
  });

  it.each(['0', '65', '-1', '2.5', 'two', '', '1e1', '0x2'])(
    "refuses '%s' with a usage error naming the flag, or the setting",
    (raw) => {
      let err: unknown;
      try {
        parseWorkersOption(raw);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
      expect((err as CliError).message).toMatch(
        /^--workers: '.*' is not a whole number from 1 to 64$/,
      );
      expect(() => loadConfig({ env: { TANDEM_WORKERS: raw } })).toThrow(ConfigError);
      expect(() => loadConfig({ env: { TANDEM_WORKERS: raw } })).toThrow(/^TANDEM_WORKERS: /);
    },
  );
});

describe('a worker knows its number', () => {
  it('only when its supervisor set it and an IPC channel is open', () => {
    expect(workerIndex({ [workerIndexEnv]: '2' }, true)).toBe(2);
    expect(workerIndex({ [workerIndexEnv]: '2' }, false)).toBeUndefined();
    expect(workerIndex({}, true)).toBeUndefined();
    for (const bad of ['0', '-1', 'x', '', '1.5']) {
      expect(workerIndex({ [workerIndexEnv]: bad }, true), bad).toBeUndefined();
    }
  });
});

describe('restarting a worker that ended on its own', () => {
  const policy = defaultRestartPolicy;
  /** Feeds ends one after another, as a supervisor does; returns the delays, or where it gave up. */
  function replay(ends: Array<{ wasReady: boolean; upMs: number }>) {
    let history: RestartHistory = noRestarts;
    const delays: number[] = [];
    for (const end of ends) {
      const d = afterWorkerEnd(history, end, policy);
      if (!d.restart) return { delays, gaveUpAfter: d.startFailuresInARow };
      delays.push(d.delayMs);
      history = d.history;
    }
    return { delays, gaveUpAfter: undefined };
  }
  const crashSoonAfterReady = { wasReady: true, upMs: 5_000 };
  const failAtStart = { wasReady: false, upMs: 300 };

  it('waits twice as long after each quick end, up to 30 s, and never gives up on a worker that got ready', () => {
    const { delays, gaveUpAfter } = replay(Array(8).fill(crashSoonAfterReady));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(gaveUpAfter).toBeUndefined();
  });

  it('starts over at 1 s after a worker stayed up a minute', () => {
    const { delays } = replay([
      crashSoonAfterReady,
      crashSoonAfterReady,
      crashSoonAfterReady,
      { wasReady: true, upMs: 60_000 },
      crashSoonAfterReady,
    ]);
    expect(delays).toEqual([1_000, 2_000, 4_000, 1_000, 2_000]);
  });

  it('gives up on the fifth end in a row before ready', () => {
    const { delays, gaveUpAfter } = replay(Array(10).fill(failAtStart));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(gaveUpAfter).toBe(5);
  });

  it('counts start failures afresh once a worker got ready in between', () => {
    const ends = [failAtStart, failAtStart, failAtStart, failAtStart, crashSoonAfterReady];
    const { gaveUpAfter, delays } = replay([...ends, failAtStart, failAtStart, failAtStart]);
    expect(gaveUpAfter).toBeUndefined();
    expect(delays).toHaveLength(8);
  });
});

describe('a worker asked to stop', () => {
  it('stopped cleanly when it exited 0', () => {
    expect(stoppedCleanly({ code: 0, signal: null, wasReady: true }, 'SIGTERM')).toBe(true);
  });
  it('stopped cleanly when the forwarded signal ended it while it was still starting', () => {
    expect(stoppedCleanly({ code: null, signal: 'SIGTERM', wasReady: false }, 'SIGTERM')).toBe(
      true,
    );
  });
  it('failed when it exited non-zero, was killed by another signal, or was ready and died of the signal', () => {
    expect(stoppedCleanly({ code: 1, signal: null, wasReady: true }, 'SIGTERM')).toBe(false);
    expect(stoppedCleanly({ code: null, signal: 'SIGKILL', wasReady: false }, 'SIGTERM')).toBe(
      false,
    );
    expect(stoppedCleanly({ code: null, signal: 'SIGTERM', wasReady: true }, 'SIGTERM')).toBe(
      false,
    );
  });
});

import { sleep, until } from '../chaos/net.ts';
import type { InstanceKill } from './lease-check.ts';
import type { LeaseSampler } from './lease-sampler.ts';
import type { ClusterOptions } from './options.ts';
import { clusterView, keysUnder, type ClusterNode } from './redis-nodes.ts';
import { connectInstances, type ClusterRoles, type InstanceName } from './roles.ts';
import { stackUp, stopPart } from './stack.ts';

/** When each fault comes, as a share of the load window. */
export const schedule = {
  brokerStop: 0.1,
  redisKill: 0.35,
  processorKill: 0.5,
  connectKill: 0.6,
  processorAdd: 0.75,
} as const;

export interface Faults {
  /** Faults that could not be injected or recovered (the run fails with them). */
  readonly errors: string[];
  /** The connect instances killed (the lease checks look at their connections). */
  readonly connectKills: InstanceKill[];
  /** Measured durations, in seconds, by name. */
  readonly figures: Record<string, number>;
  /** Resolves once every fault is injected and every broker and node is back. */
  finished(): Promise<void>;
  /** No further fault (the run is being cleaned up). */
  halt(): void;
}

export interface FaultDeps {
  readonly roles: ClusterRoles;
  readonly leases: LeaseSampler;
  /** Seed ports of the Redis Cluster (from cluster.env). */
  readonly redisPorts: readonly number[];
  /** The run's Redis key prefix (the master holding most of its keys is the one killed). */
  readonly redisPrefix: string;
  readonly stackLog: string;
  /** Notes an event in the run's timeline (and the log). */
  readonly note: (what: string) => void;
}

/** The master holding most of the run's keys, and its replicas' ports. */
async function busiestMaster(
  ports: readonly number[],
  prefix: string,
): Promise<{ master: ClusterNode; keys: number; all: ClusterNode[] }> {
  const { nodes } = await clusterView(ports);
  const masters = nodes.filter((n) => n.master && !n.failing && n.slots > 0);
  const counts = await Promise.all(masters.map((m) => keysUnder(m.port, prefix)));
  let best = 0;
  counts.forEach((c, i) => {
    if (c > (counts[best] ?? 0)) best = i;
  });
  const master = masters[best];
  if (!master) throw new Error('no Redis master serves slots');
  return { master, keys: counts[best] ?? 0, all: nodes };
}

/**
 * The faults of the run, each once at its share of the load window: Kafka broker 2 stopped and
 * brought back by `stack.sh up --cluster`; the Redis master holding most of the run's keys
 * SIGKILLed, its replica's promotion awaited, the node brought back later (it rejoins as a
 * replica); a processor SIGKILLed; the connect instance reading the most connections SIGKILLed
 * (neither started again); and a fourth processor started.
 */
export function startFaults(o: ClusterOptions, d: FaultDeps): Faults {
  const t0 = Date.now();
  const windowMs = o.durationSec * 1000;
  const errors: string[] = [];
  const connectKills: InstanceKill[] = [];
  const figures: Record<string, number> = {};
  let halted = false;
  const note = d.note;

  async function at(share: number, name: string, work: () => Promise<void>): Promise<void> {
    await sleep(Math.max(0, t0 + share * windowMs - Date.now()));
    if (halted) return;
    await work().catch((e: Error) => {
      errors.push(`${name}: ${e.message}`);
      note(`${name} FAILED: ${e.message}`);
    });
  }

  async function brokerOutage(): Promise<void> {
    note('kafka-c2: stopping (SIGTERM)');
    const t = Date.now();
    await stopPart('kafka-c2', 'SIGTERM');
    figures.brokerStopSec = (Date.now() - t) / 1000;
    note(`kafka-c2: stopped after ${figures.brokerStopSec.toFixed(1)} s`);
    await sleep(o.brokerDownSec * 1000);
    note('kafka-c2: restoring (stack.sh up --cluster)');
    const r = Date.now();
    await stackUp(d.stackLog);
    figures.brokerRestoreSec = (Date.now() - r) / 1000;
    note(`kafka-c2: back, all 3 brokers registered (${figures.brokerRestoreSec.toFixed(1)} s)`);
  }

  async function redisFailover(): Promise<void> {
    const { master, keys, all } = await busiestMaster(d.redisPorts, d.redisPrefix);
    const replica = all.find((n) => n.masterId === master.id);
    note(
      `redis-c${master.port}: SIGKILL of the master holding most keys (${keys} of the run's, ${master.slots} slots; replica ${replica?.port ?? 'none'})`,
    );
    const t = Date.now();
    await stopPart(`redis-c${master.port}`, 'SIGKILL');
    const others = all.filter((n) => n.port !== master.port).map((n) => n.port);
    await until(
      'a replica to take over the killed Redis master',
      async () => {
        const view = await clusterView(others);
        return view.ok && view.nodes.some((n) => n.master && !n.failing && n.id === replica?.id);
      },
      60_000,
      200,
    );
    figures.redisFailoverSec = (Date.now() - t) / 1000;
    note(
      `redis-c${replica?.port}: promoted to master, cluster_state ok ${figures.redisFailoverSec.toFixed(1)} s after the kill`,
    );
    await sleep(o.redisDownSec * 1000);
    if (halted) return;
    note(`redis-c${master.port}: restoring (stack.sh up --cluster)`);
    const r = Date.now();
    await stackUp(d.stackLog);
    figures.redisRestoreSec = (Date.now() - r) / 1000;
    const back = (await clusterView(others)).nodes.find((n) => n.port === master.port);
    note(
      `redis-c${master.port}: back as a ${back?.master ? 'master' : 'replica'} (${figures.redisRestoreSec.toFixed(1)} s)`,
    );
  }

  async function killProcessor(): Promise<void> {
    note('processor-2: SIGKILL (not restarted)');
    await d.roles.kill('processor-2');
  }

  async function killConnect(): Promise<void> {
    const latest = d.leases.latest();
    const reads = (n: InstanceName) => latest?.held[n]?.length ?? 0;
    const victim = [...connectInstances].sort((x, y) => reads(y) - reads(x))[0] as InstanceName;
    note(
      `${victim}: SIGKILL (not restarted); it read ${reads(victim)} connections: ${latest?.held[victim]?.join(', ') || 'none'}`,
    );
    const killAt = Date.now();
    await d.roles.kill(victim);
    connectKills.push({ instance: victim, at: killAt });
  }

  async function addProcessor(): Promise<void> {
    note('processor-4: started');
    d.roles.start('processor-4');
  }

  const loops = [
    at(schedule.brokerStop, 'kafka broker stop', brokerOutage),
    at(schedule.redisKill, 'redis master failover', redisFailover),
    at(schedule.processorKill, 'processor kill', killProcessor),
    at(schedule.connectKill, 'connect kill', killConnect),
    at(schedule.processorAdd, 'processor add', addProcessor),
  ];
  return {
    errors,
    connectKills,
    figures,
    finished: async () => void (await Promise.all(loops)),
    halt: () => void (halted = true),
  };
}

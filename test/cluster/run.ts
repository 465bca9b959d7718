import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { apiClient, type ApiCall } from '../support/api-client.ts';
import { endpoints } from '../support/endpoints.ts';
import { checkTables } from '../chaos/check.ts';
import { openMySide } from '../chaos/db/my-side.ts';
import { openPgSide } from '../chaos/db/pg-side.ts';
import { seedKeys } from '../chaos/db/seed.ts';
import type { SideDb, SideName } from '../chaos/db/side.ts';
import { createEditLog, seededRandom } from '../chaos/edit-log.ts';
import { checkHealth } from '../chaos/health.ts';
import { startLoad, type Load } from '../chaos/load.ts';
import { freePorts, sleep, until } from '../chaos/net.ts';
import { waitQuiet } from '../chaos/quiet.ts';
import { setUpSync } from '../chaos/sync-setup.ts';
import { createRedisClient } from '../../services/common/redis-client.ts';
import { databases, seedDatabases, type DatabaseUrls } from './databases.ts';
import { startFaults, type Faults } from './faults.ts';
import { metricTotal } from './exposition.ts';
import { checkLeaseSamples } from './lease-check.ts';
import { startLeaseSampler, type LeaseSampler } from './lease-sampler.ts';
import type { ClusterOptions } from './options.ts';
import { purgeRuns } from './purge.ts';
import type { ClusterFacts } from './report.ts';
import {
  createClusterRoles,
  firstInstances,
  instanceNames,
  metricsUrl,
  roleOf,
  type ClusterRoles,
  type InstanceName,
  type InstancePorts,
} from './roles.ts';
import { readClusterEnv, seedPorts, stackUp } from './stack.ts';

/** What a run started, for the cleanup (which runs on success, failure and Ctrl-C alike). */
export interface Started {
  roles?: ClusterRoles;
  load?: Load;
  faults?: Faults;
  leases?: LeaseSampler;
  sides?: Record<SideName, SideDb>;
  /** Set once `stack.sh up --cluster` has run: the cleanup runs it again to restore parts. */
  stackLog?: string;
  cluster?: { brokers: string[]; redisPorts: number[]; redisUrl: string };
  urls?: DatabaseUrls;
  /** The load's progress lines. */
  progress?: NodeJS.Timeout;
}

export interface RunContext {
  readonly runId: string;
  readonly runDir: string;
  readonly logDir: string;
  /** The run's topic and Redis key prefix. */
  readonly prefix: string;
  /** The caller's environment without its TANDEM_* settings. */
  readonly env: NodeJS.ProcessEnv;
  /** Notes an event in the timeline and the log. */
  readonly note: (what: string) => void;
  readonly log: (line: string) => void;
}

/** Records edited on both sides close together: every 25th shared person, 20 at most. */
const hotKeys = (shared: readonly string[]) => shared.filter((_, i) => i % 25 === 0).slice(0, 20);

/** Each instance's port: a block of free ports, in the order of `instanceNames`. */
async function instancePorts(): Promise<InstancePorts> {
  const ports = await freePorts(instanceNames.length);
  return Object.fromEntries(instanceNames.map((n, i) => [n, ports[i] as number])) as InstancePorts;
}

/** Whether an instance answers: /readyz on its metrics port, or the API's list of syncs. */
async function ready(call: Record<string, ApiCall>, ports: InstancePorts, name: InstanceName) {
  if (roleOf(name) === 'api') return (await call[name]?.('GET', '/v1/syncs'))?.status === 200;
  const res = await fetch(`http://127.0.0.1:${ports[name]}/readyz`, {
    signal: AbortSignal.timeout(2_000),
  });
  return res.ok;
}

async function startRoles(
  ctx: RunContext,
  env: NodeJS.ProcessEnv,
  token: string,
  started: Started,
  facts: ClusterFacts,
): Promise<{ roles: ClusterRoles; call: Record<string, ApiCall> }> {
  const ports = await instancePorts();
  const roles = createClusterRoles(env, ports, ctx.logDir, ctx.log);
  started.roles = roles;
  facts.crashes = roles.crashes;
  const call = Object.fromEntries(
    (['api-1', 'api-2'] as const).map((n) => [
      n,
      apiClient(() => `http://127.0.0.1:${ports[n]}`, token),
    ]),
  );
  const t = Date.now();
  for (const name of firstInstances) roles.start(name);
  ctx.log(`ports: ${JSON.stringify(ports)}`);
  for (const name of firstInstances) {
    await until(`${name} to be ready`, () => ready(call, ports, name), 300_000, 500);
  }
  facts.figures.rolesReadySec = (Date.now() - t) / 1000;
  ctx.note(
    `roles ready: ${firstInstances.join(', ')} (${facts.figures.rolesReadySec.toFixed(1)} s)`,
  );
  return { roles, call };
}

/** The run's connections by the names sync-setup gives them, through the API. */
async function connectionIds(call: ApiCall): Promise<Record<string, string>> {
  const res = await call<{ connections: { id: string; name: string }[] }>('GET', '/v1/connections');
  if (res.status !== 200) throw new Error(`GET /v1/connections answered ${res.status}`);
  return Object.fromEntries(res.body.connections.map((c) => [c.name, c.id]));
}

/** Messages each running processor's stages handled (its /metrics), by instance. */
async function processorWork(roles: ClusterRoles): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of roles.up().filter((n) => roleOf(n) === 'processor')) {
    const res = await fetch(metricsUrl(roles.ports, name), { signal: AbortSignal.timeout(5_000) });
    out[name] = metricTotal(await res.text(), 'tandem_stage_messages_in_total');
  }
  return out;
}

/** How many times each connection's reader lease was granted (its fencing counter). */
async function leaseGrants(
  redisUrl: string,
  prefix: string,
  ids: readonly string[],
): Promise<Record<string, number>> {
  const redis = createRedisClient(redisUrl, { maxRetriesPerRequest: 3, name: 'cluster-test' });
  try {
    const out: Record<string, number> = {};
    for (const id of ids) out[id] = Number(await redis.get(`${prefix}:fence:{source:${id}}`));
    return out;
  } finally {
    redis.disconnect();
  }
}

/** One cluster test run, start to check; fills `facts` as it goes. */
export async function run(
  o: ClusterOptions,
  ctx: RunContext,
  started: Started,
  facts: ClusterFacts,
): Promise<void> {
  const stackLog = join(ctx.logDir, 'stack.log');
  ctx.note('stack: bash deploy/local/stack.sh up --cluster');
  facts.figures.stackUpSec = await stackUp(stackLog);
  started.stackLog = stackLog;
  const clusterEnv = readClusterEnv();
  const brokers = (clusterEnv.TANDEM_KAFKA_BROKERS as string).split(',');
  const redisUrl = clusterEnv.TANDEM_REDIS_URL as string;
  const redisPorts = seedPorts(redisUrl);
  started.cluster = { brokers, redisPorts, redisUrl };
  const purged = await purgeRuns(brokers, redisPorts, ctx.prefix);
  ctx.log(`removed earlier runs' leftovers: ${JSON.stringify(purged)}`);

  const plain = endpoints(ctx.env);
  const urls: DatabaseUrls = {
    postgres: plain.postgresUrl,
    mariadb: plain.mysqlUrl,
    clickhouse: plain.clickhouseUrl,
  };
  started.urls = urls;
  await seedDatabases(urls, o.people);
  ctx.note(
    `seeded ${o.people} contacts in ${databases.postgres} (PostgreSQL) and ${databases.mariadb} (MariaDB)`,
  );

  const token = randomBytes(16).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...ctx.env,
    ...clusterEnv,
    TANDEM_CLICKHOUSE_URL: urls.clickhouse,
    TANDEM_CLICKHOUSE_DATABASE: databases.clickhouse,
    TANDEM_TOPIC_PREFIX: ctx.prefix,
    TANDEM_REDIS_PREFIX: ctx.prefix,
    TANDEM_API_TOKENS: token,
    TANDEM_SECRET_KEY: randomBytes(24).toString('hex'),
    TANDEM_LOG_LEVEL: o.logLevel,
    TANDEM_STATE_DIR: ctx.runDir,
  };
  const { roles, call } = await startRoles(ctx, env, token, started, facts);
  const leases = startLeaseSampler(roles);
  started.leases = leases;

  const t = Date.now();
  const pgPort = Number(new URL(urls.postgres).port || 5432);
  const myPort = Number(new URL(urls.mariadb).port || 3306);
  const sync = await setUpSync(
    call['api-1'] as ApiCall,
    {
      postgresPort: pgPort,
      mysqlPort: myPort,
      postgresDatabase: databases.postgres,
      mysqlDatabase: databases.mariadb,
    },
    ctx.log,
    600_000,
  );
  facts.figures.initialSyncSec = (Date.now() - t) / 1000;
  ctx.note(`sync ${sync.id} running after its initial sync (${facts.figures.initialSyncSec} s)`);
  const other = call['api-2'] as ApiCall;
  await until(
    'api-2 to show the sync running',
    async () => {
      const res = await other<{ state: string }>('GET', `/v1/syncs/${sync.id}`);
      return res.status === 200 && res.body.state === 'running';
    },
    60_000,
    500,
  );
  const ids = await connectionIds(call['api-1'] as ApiCall);
  facts.connections = ids;

  const sides = {
    pg: openPgSide(urls.postgres, databases.postgres),
    my: openMySide(urls.mariadb, databases.mariadb),
  };
  started.sides = sides;
  const random = seededRandom(o.seed);
  const keys = seedKeys(o.people);
  const editLog = createEditLog(join(ctx.runDir, 'edits.jsonl'));
  ctx.note(`load: ${o.durationSec} s at ${o.rate} writes/s`);
  const loadStart = Date.now();
  const load = startLoad(sides, editLog, {
    rate: o.rate,
    hotShare: 0.3,
    insertShare: 0.05,
    hotKeys: hotKeys(keys.shared),
    random,
    opPrefix: ctx.runId,
  });
  started.load = load;
  facts.stats = load.stats;
  const faults = startFaults(o, {
    roles,
    leases,
    redisPorts,
    redisPrefix: ctx.prefix,
    stackLog,
    note: ctx.note,
  });
  started.faults = faults;
  facts.faultErrors = faults.errors;
  facts.figures = Object.assign(faults.figures, facts.figures);
  started.progress = setInterval(() => {
    const s = load.stats;
    ctx.log(
      `+${Math.round((Date.now() - loadStart) / 1000)} s: ${s.ops} writes, ${s.failed} failed; up: ${roles.up().join(' ')}`,
    );
  }, 15_000);
  await sleep(o.durationSec * 1000);
  await load.stop();
  clearInterval(started.progress);
  await editLog.close();
  const loadEnd = Date.now();
  ctx.note(`load done: ${load.stats.ops} writes committed`);
  await faults.finished();
  const calm = Date.now();

  const quiet = await waitQuiet({
    sides,
    brokers: brokers[0] as string,
    prefix: ctx.prefix,
    quietMs: 20_000,
    timeoutMs: o.quietTimeoutSec * 1000,
    log: ctx.log,
  });
  facts.quiet = { quiet: quiet.quiet, last: quiet.last };
  facts.figures.settleSec = (quiet.since - calm) / 1000;
  facts.figures.settleAfterLoadSec = (quiet.since - loadEnd) / 1000;
  ctx.note(
    quiet.quiet ? `settled (${facts.figures.settleSec.toFixed(1)} s)` : 'did not settle in time',
  );
  facts.processed = await processorWork(roles);
  await leases.stop();
  facts.lease = checkLeaseSamples(
    leases.samples,
    Object.values(ids),
    faults.connectKills,
    o.leaseMoveLimitSec * 1000,
  );
  facts.grants = await leaseGrants(redisUrl, ctx.prefix, Object.values(ids));

  const rows = { pg: await sides.pg.scan(), my: await sides.my.scan() };
  facts.check = checkTables(
    rows,
    { expected: [...keys.all, ...load.inserted], optional: load.uncertainInserts },
    editLog.edits,
  );
  facts.health = (await checkHealth(other, sync.id, rows, 120_000)).differences;
  ctx.note('checked the tables, the edit log and the sync health (through api-2)');
}

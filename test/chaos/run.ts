import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { apiClient } from '../support/api-client.ts';
import { startChaos, type Chaos } from './chaos.ts';
import { checkTables } from './check.ts';
import { openMySide } from './db/my-side.ts';
import { openPgSide } from './db/pg-side.ts';
import { seedKeys, seedMariaDb, seedPostgres } from './db/seed.ts';
import type { SideDb, SideName } from './db/side.ts';
import type { ServiceContext } from './deps/service.ts';
import { createEditLog, seededRandom } from './edit-log.ts';
import { checkHealth } from './health.ts';
import { startLoad, type Load } from './load.ts';
import { sleep, until } from './net.ts';
import type { ChaosOptions } from './options.ts';
import { waitQuiet } from './quiet.ts';
import type { RunFacts } from './report.ts';
import { createRoleSet, instanceNames, type RoleSet } from './roles.ts';
import { setUpSync } from './sync-setup.ts';
import { createPrivateStack, type PrivateStack } from './stack.ts';

/** What a run started, for the cleanup (which runs on success, failure and Ctrl-C alike). */
export interface Started {
  stack?: PrivateStack;
  roles?: RoleSet;
  load?: Load;
  chaos?: Chaos;
  sides?: Record<SideName, SideDb>;
}

/** `n` distinct items of `list`, drawn with `random` (a partial Fisher–Yates shuffle). */
function sample<T>(list: readonly T[], n: number, random: () => number): T[] {
  const copy = [...list];
  for (let i = 0; i < Math.min(n, copy.length); i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}

type Facts = { -readonly [K in keyof RunFacts]: RunFacts[K] };

/** One chaos run, start to check; fills `facts` as it goes (a failure keeps what is known). */
export async function run(
  o: ChaosOptions,
  ctx: ServiceContext & { runDir: string },
  started: Started,
  facts: Facts,
  log: (line: string) => void,
): Promise<void> {
  const stack = await createPrivateStack(ctx);
  started.stack = stack;
  log(`private stack ports: ${JSON.stringify(stack.ports)}`);
  await stack.start(log);
  await Promise.all([
    seedPostgres(stack.postgresUrl, o.people),
    seedMariaDb(stack.mysqlUrl, o.people),
  ]);
  log(`seeded ${o.people} contacts on each side`);

  const token = randomBytes(16).toString('hex');
  const env = {
    ...ctx.env,
    ...stack.roleEnv,
    TANDEM_API_TOKENS: token,
    TANDEM_SECRET_KEY: randomBytes(24).toString('hex'),
    TANDEM_LOG_LEVEL: o.logLevel,
    TANDEM_STATE_DIR: ctx.runDir,
  };
  const roles = createRoleSet(env, ctx.logDir, log);
  started.roles = roles;
  facts.crashes = roles.crashes;
  const registry = `${stack.roleEnv.TANDEM_SCHEMA_REGISTRY_URL}/subjects`;
  await roles.startAll(() =>
    until('the registry', async () => (await fetch(registry)).ok, 120_000),
  );
  const call = apiClient(() => `http://127.0.0.1:${stack.ports.api}`, token);
  await until('the API', async () => (await call('GET', '/v1/syncs')).status === 200, 180_000, 500);
  log(`roles up: ${instanceNames.join(', ')}`);
  const sync = await setUpSync(
    call,
    { postgresPort: stack.ports.postgres as number, mysqlPort: stack.ports.mariadb as number },
    log,
    900_000,
  );

  const sides = { pg: openPgSide(stack.postgresUrl), my: openMySide(stack.mysqlUrl) };
  started.sides = sides;
  const random = seededRandom(o.seed);
  const keys = seedKeys(o.people);
  const hot = sample(keys.shared, o.hotSet, random);
  const editLog = createEditLog(join(ctx.runDir, 'edits.jsonl'));
  log(
    `load: ${o.durationSec} s at ${o.rate} writes/s; chaos: a kill every ${o.killIntervalSec} s, faults ${o.faults.join(', ') || 'none'}`,
  );
  const t0 = Date.now();
  const load = startLoad(sides, editLog, {
    rate: o.rate,
    hotShare: o.hotShare,
    insertShare: o.insertShare,
    hotKeys: hot,
    random,
    opPrefix: ctx.env.TANDEM_CHAOS_RUN ?? 'op',
  });
  started.load = load;
  facts.stats = load.stats;
  const chaos: Chaos = startChaos(o, roles, stack, random, log);
  started.chaos = chaos;
  facts.chaos = chaos;
  const progress = setInterval(() => {
    const s = load.stats;
    log(
      `+${Math.round((Date.now() - t0) / 1000)} s: ${s.ops} writes, ${s.failed} failed; ${chaos.kills.length} kills, ${chaos.faults.length} faults; roles up ${roles.up().length}/${instanceNames.length}`,
    );
  }, 15_000);
  await sleep(o.durationSec * 1000);
  await load.stop();
  clearInterval(progress);
  await editLog.close();
  await chaos.finished();
  await until('every role to run', () => roles.up().length === instanceNames.length, 120_000);
  const calm = Date.now();
  log(`load done (${load.stats.ops} writes); waiting for the pipeline to settle`);

  const quiet = await waitQuiet({
    sides,
    brokers: stack.roleEnv.TANDEM_KAFKA_BROKERS as string,
    prefix: 'tandem',
    quietMs: 20_000,
    timeoutMs: o.quietTimeoutSec * 1000,
    log,
  });
  facts.converged = { quiet: quiet.quiet, seconds: (quiet.since - calm) / 1000, last: quiet.last };
  const rows = { pg: await sides.pg.scan(), my: await sides.my.scan() };
  facts.check = checkTables(
    rows,
    {
      expected: [...keys.all, ...load.inserted],
      optional: load.uncertainInserts,
    },
    editLog.edits,
  );
  facts.health = (await checkHealth(call, sync.id, rows, 120_000)).differences;
}

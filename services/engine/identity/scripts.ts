import type { ChainableCommander } from 'ioredis';
import { isClusterClient as isCluster, type RedisClient } from '../../common/redis-client.ts';
import { redisRoundSeconds } from '../../metrics/registry.ts';

/**
 * The identity map's Lua scripts. Each touches exactly one key (KEYS[1]), so each is atomic on
 * one Redis Cluster slot. They run by EVALSHA through ioredis `defineCommand` (which falls back
 * to EVAL once per connection when the script cache is cold), on a client or in a pipeline.
 */

export type { RedisClient };
type Target = RedisClient | ChainableCommander;

const lua = {
  /** Link hash: the fast path when linked, keys claimed and nothing pending; else mark pending. */
  peek: `
local v = redis.call('HMGET', KEYS[1], 'e', 'k', 'p')
if v[1] and v[2] == ARGV[1] and not v[3] then return {'fast', v[1]} end
redis.call('HSET', KEYS[1], 'p', ARGV[2])
return {'slow', v[1] or ''}
`,
  /** String: the holder, setting it to ARGV[1] when there is none (match-or-claim). */
  getOrSet: `
local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`,
  /** String: replace ARGV[1] by ARGV[2]; the value after (nil when absent). */
  compareAndSet: `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return ARGV[2]
end
return cur
`,
  /**
   * Link hash: link to entity ARGV[1] unless linked already, note the digest ARGV[2] of the keys
   * claimed; the entity linked.
   */
  linkRecord: `
redis.call('HSETNX', KEYS[1], 'e', ARGV[1])
redis.call('HSET', KEYS[1], 'k', ARGV[2])
return redis.call('HGET', KEYS[1], 'e')
`,
  /** Hash field ARGV[1]: replace ARGV[2] by ARGV[3]; the value after. */
  hashCompareAndSet: `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return ARGV[3]
end
return cur
`,
  /** Hash field ARGV[1]: delete it when it still holds ARGV[2]; 1 when deleted. */
  hashCompareAndDelete: `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
`,
  /**
   * Entity hash: register record ARGV[2] as the connection's primary (field ARGV[1]) unless the
   * entity was retired. {'ok', primary record id} or {'retired', entity it was folded into}.
   */
  register: `
local retired = redis.call('HGET', KEYS[1], 'retired')
if retired then return {'retired', retired} end
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
return {'ok', redis.call('HGET', KEYS[1], ARGV[1])}
`,
  /**
   * Entity hash of an unlinked candidate: fold it into ARGV[1] unless a record registered under
   * it meanwhile. {'retired', target} (the first target wins) or {'alive', ''}.
   */
  retire: `
local retired = redis.call('HGET', KEYS[1], 'retired')
if retired then return {'retired', retired} end
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, 5) == 'conn:' then return {'alive', ''} end
end
redis.call('HSET', KEYS[1], 'retired', ARGV[1])
return {'retired', ARGV[1]}
`,
  /** Link hash: point it at ARGV[1] whatever it held, mark pending ARGV[2]; the previous entity. */
  forceLink: `
local previous = redis.call('HGET', KEYS[1], 'e')
redis.call('HSET', KEYS[1], 'e', ARGV[1], 'p', ARGV[2])
redis.call('HDEL', KEYS[1], 'k')
return previous
`,
  /**
   * Entity hash: remove record ARGV[2] as primary of connection field ARGV[1]; when no record is
   * left, fold the entity into ARGV[3]. {removed 0|1, entity it is folded into or ''}.
   */
  detach: `
local removed = 0
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  removed = redis.call('HDEL', KEYS[1], ARGV[1])
end
local retired = redis.call('HGET', KEYS[1], 'retired')
if retired then return {removed, retired} end
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, 5) == 'conn:' then return {removed, ''} end
end
redis.call('HSET', KEYS[1], 'retired', ARGV[3])
return {removed, ARGV[3]}
`,
  /**
   * Entity hash: compare-and-set of a merge state. ARGV: state field, dirty field, expected
   * version, JSON. The field holds '<version> <json>'. {1, new version} or {0, current version}.
   */
  saveState: `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local version = 0
if current then version = tonumber(string.match(current, '^(%d+) ')) or 0 end
if version ~= tonumber(ARGV[3]) then return {0, version} end
local next = string.format('%d', version + 1)
redis.call('HSET', KEYS[1], ARGV[1], next .. ' ' .. ARGV[4], ARGV[2], next)
return {1, version + 1}
`,
} as const;

type ScriptName = keyof typeof lua;
const commandName = (name: ScriptName) => `tandemIdentity_${name}`;

/**
 * The batch form of a script: the script's body as a function of (KEYS, ARGV), run once per key
 * in KEYS, each with its share of ARGV (ARGV[1] says how many arguments each key takes); the
 * replies in key order. One call does a round's work for many records with one command, where
 * one command per record costs the client most of its time. A batch is atomic as a whole, which
 * is stronger than each record's own script being atomic, and never changes the order of the
 * calls it groups. Only on a single Redis: on a Cluster the keys of a batch would span slots.
 */
function batchLua(body: string): string {
  return `
local function one(KEYS, ARGV)
${body}
end
local n = tonumber(ARGV[1])
local replies = {}
for i = 1, #KEYS do
  local argv = {}
  local base = 1 + (i - 1) * n
  for j = 1, n do argv[j] = ARGV[base + j] end
  local reply = one({KEYS[i]}, argv)
  if reply == nil then reply = false end
  replies[i] = reply
end
return replies
`;
}

/** Plain commands that also have a batch form (a script calling the command once per key). */
const batchedPlain = {
  hmget: `return redis.call('HMGET', KEYS[1], unpack(ARGV))`,
} as const;

type Batchable = ScriptName | keyof typeof batchedPlain;
const batchName = (name: Batchable) => `tandemIdentity_${name}_batch`;
const isBatchable = (name: string): name is Batchable => name in lua || name in batchedPlain;

/** Defines every script on the client (idempotent; pipelines of the client inherit them). */
export function defineScripts(redis: RedisClient): void {
  for (const [name, body] of Object.entries(lua)) {
    redis.defineCommand(commandName(name as ScriptName), { numberOfKeys: 1, lua: body });
  }
  // Batch forms take the number of keys as their first argument.
  for (const [name, body] of Object.entries({ ...lua, ...batchedPlain })) {
    redis.defineCommand(batchName(name as Batchable), { lua: batchLua(body) });
  }
}

type Invoke = (key: string, ...args: string[]) => unknown;

function invoke(target: Target, name: ScriptName, key: string, args: string[]): unknown {
  const fn = (target as unknown as Record<string, Invoke | undefined>)[commandName(name)];
  if (fn === undefined) throw new TypeError(`identity script ${name} is not defined on client`);
  return fn.call(target, key, ...args);
}

type Pair = [string, string];

/**
 * Typed calls on a client (promises). On a single Redis, the calls made in one tick (e.g. one
 * step of every record of a chunk, made concurrently) go out as one pipeline in which each run
 * of consecutive calls of one script is one batch call (`batchLua`); on a Cluster each call is
 * its own command, which ioredis routes and auto-pipelines per node.
 */
export function scriptsOn(redis: RedisClient) {
  const call = isCluster(redis) ? undefined : createTickBatcher(redis);
  const run = <T>(name: ScriptName, key: string, ...args: string[]) =>
    (call ? call(name, key, args) : invoke(redis, name, key, args)) as Promise<T>;
  return {
    peek: (key: string, digest: string, token: string) => run<Pair>('peek', key, digest, token),
    getOrSet: (key: string, value: string) => run<string>('getOrSet', key, value),
    compareAndSet: (key: string, expected: string, value: string) =>
      run<string | null>('compareAndSet', key, expected, value),
    linkRecord: (key: string, entityId: string, digest: string) =>
      run<string>('linkRecord', key, entityId, digest),
    hashCompareAndSet: (key: string, field: string, expected: string, value: string) =>
      run<string | null>('hashCompareAndSet', key, field, expected, value),
    hashCompareAndDelete: (key: string, field: string, expected: string) =>
      run<number>('hashCompareAndDelete', key, field, expected),
    register: (key: string, connField: string, recordId: string) =>
      run<Pair>('register', key, connField, recordId),
    retire: (key: string, target: string) => run<Pair>('retire', key, target),
    forceLink: (key: string, entityId: string, token: string) =>
      run<string | null>('forceLink', key, entityId, token),
    detach: (key: string, connField: string, recordId: string, target: string) =>
      run<[number, string]>('detach', key, connField, recordId, target),
    saveState: (
      key: string,
      stateField: string,
      dirtyField: string,
      expected: number,
      json: string,
    ) => run<[number, number]>('saveState', key, stateField, dirtyField, String(expected), json),
  };
}

export type IdentityScripts = ReturnType<typeof scriptsOn>;

type PlainCommand = 'set' | 'del' | 'hset' | 'hdel' | 'hmget';

/** One command of a round: a plain Redis command or one of the scripts above, on one key. */
export interface RoundOp {
  readonly command: PlainCommand | ScriptName;
  readonly key: string;
  readonly args: readonly string[];
}

/**
 * Runs independent commands as one round trip: one pipeline on a single Redis; on a Cluster
 * concurrent commands that ioredis routes per node. Replies in op order; the first command error
 * rejects the round.
 */
export async function runRound(redis: RedisClient, ops: readonly RoundOp[]): Promise<unknown[]> {
  const settled = await settleRound(redis, ops);
  return settled.map((s) => {
    if (s.failed) throw s.error;
    return s.reply;
  });
}

type Settled = { failed: false; reply: unknown } | { failed: true; error: unknown };

/**
 * `runRound`, each op's reply or error apart (a batch's error is each of its ops'); its round
 * trip timed in `tandem_redis_round_seconds` (README "Metrics").
 */
async function settleRound(redis: RedisClient, ops: readonly RoundOp[]): Promise<Settled[]> {
  if (ops.length === 0) return [];
  const started = performance.now();
  try {
    return await sendRound(redis, ops);
  } finally {
    redisRoundSeconds.observe((performance.now() - started) / 1000);
  }
}

/** Sends one round's ops: plain calls, or one pipeline (see `runRound`). */
async function sendRound(redis: RedisClient, ops: readonly RoundOp[]): Promise<Settled[]> {
  const call = (target: Target, op: RoundOp) =>
    op.command in lua
      ? invoke(target, op.command as ScriptName, op.key, [...op.args])
      : callPlain(target, op.command as PlainCommand, op.key, op.args);
  // One command, or a Cluster (where a pipeline must stay within one slot group): plain calls,
  // which ioredis routes per node and, with `enableAutoPipelining`, writes together with the
  // other calls of the same tick (so single-item calls made concurrently still share writes).
  if (ops.length === 1 || isCluster(redis)) {
    return Promise.all(
      ops.map((op) =>
        Promise.resolve(call(redis, op)).then(
          (reply): Settled => ({ failed: false, reply }),
          (error: unknown): Settled => ({ failed: true, error }),
        ),
      ),
    );
  }
  const batched = hasBatchForms(redis);
  const pipeline = redis.pipeline();
  // Ops without a batch form are runs of one; a run of several is one batch call.
  const groups = runsOf(ops, (op) => (batched && isBatchable(op.command) ? op.command : null));
  const inBatch = (group: readonly RoundOp[]) => group.length > 1;
  for (const group of groups) {
    if (inBatch(group)) callBatch(pipeline, group[0]!.command as Batchable, group);
    else for (const op of group) call(pipeline, op);
  }
  const replies = await pipeline.exec();
  if (replies === null) throw new Error('the Redis pipeline was discarded');
  const out: Settled[] = [];
  let next = 0;
  for (const group of groups) {
    if (inBatch(group)) {
      const [error, reply] = replies[next++] ?? [new Error('no reply for a batch')];
      for (let i = 0; i < group.length; i += 1) {
        out.push(
          error ? { failed: true, error } : { failed: false, reply: (reply as unknown[])[i] },
        );
      }
    } else {
      for (let i = 0; i < group.length; i += 1) {
        const [error, reply] = replies[next++] ?? [new Error('no reply for a command')];
        out.push(error ? { failed: true, error } : { failed: false, reply });
      }
    }
  }
  return out;
}

/** Whether the batch forms are defined on the client (`defineScripts` ran on it). */
function hasBatchForms(redis: RedisClient): boolean {
  return typeof (redis as unknown as Record<string, unknown>)[batchName('peek')] === 'function';
}

/** Most calls one batch takes: bounds how long one script holds Redis (about a millisecond). */
const maxBatch = 1000;

/**
 * Splits `items` into runs of consecutive items with the same non-null group (null: alone), each
 * at most `maxBatch` long; concatenated, the runs are `items` in order.
 */
function runsOf<T>(items: readonly T[], groupOf: (item: T) => string | null): T[][] {
  const runs: T[][] = [];
  let current: T[] = [];
  let currentGroup: string | null = null;
  for (const item of items) {
    const group = groupOf(item);
    if (
      current.length > 0 &&
      (group === null || group !== currentGroup || current.length >= maxBatch)
    ) {
      runs.push(current);
      current = [];
    }
    current.push(item);
    currentGroup = group;
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** One batch call of `name` for `ops` (same command, same number of arguments each). */
function callBatch(target: Target, name: Batchable, ops: readonly RoundOp[]): unknown {
  const width = ops[0]?.args.length ?? 0;
  const args: string[] = [String(ops.length)];
  for (const op of ops) args.push(op.key);
  args.push(String(width));
  for (const op of ops) {
    if (op.args.length !== width) throw new TypeError(`a batch of ${name} with uneven arguments`);
    args.push(...op.args);
  }
  const fn = (target as unknown as Record<string, ((...a: string[]) => unknown) | undefined>)[
    batchName(name)
  ];
  if (fn === undefined) throw new TypeError(`identity script ${name} has no batch form on client`);
  return fn.apply(target, args);
}

interface QueuedCall {
  readonly op: RoundOp;
  readonly resolve: (reply: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Script calls gathered over one tick and sent as one `runRound` (see `scriptsOn`): the calls
 * made by every record's continuation after one round's replies land in the next round.
 */
function createTickBatcher(redis: RedisClient) {
  let queue: QueuedCall[] = [];
  const flush = () => {
    const calls = queue;
    queue = [];
    // A lone call goes as its own command: `settleRound` sends one op without a pipeline.
    settleRound(
      redis,
      calls.map((c) => c.op),
    ).then(
      // A failed batch fails each of its calls, and only those.
      (settled) =>
        calls.forEach((c, i) => {
          const s = settled[i];
          if (s === undefined) c.reject(new Error('no reply for a call'));
          else if (s.failed) c.reject(s.error);
          else c.resolve(s.reply);
        }),
      (err: unknown) => calls.forEach((c) => c.reject(err)),
    );
  };
  return (name: ScriptName, key: string, args: readonly string[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) process.nextTick(flush);
      queue.push({ op: { command: name, key, args }, resolve, reject });
    });
}

function callPlain(target: Target, command: PlainCommand, key: string, args: readonly string[]) {
  const fn = (target as unknown as Record<string, Invoke | undefined>)[command];
  if (fn === undefined) throw new TypeError(`Redis client has no ${command} command`);
  return fn.call(target, key, ...args);
}

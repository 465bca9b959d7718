import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  createRedisClient,
  isClusterClient,
  parseRedisUrl,
  redactRedisUrl,
  RedisUrlError,
  redisTarget,
  type RedisEndpoint,
} from '../../services/common/redis-client.ts';

const good: Array<[string, string, RedisEndpoint]> = [
  ['one server', 'redis://127.0.0.1:6379', { kind: 'single', url: 'redis://127.0.0.1:6379' }],
  [
    'one server over TLS with a password and a database',
    ' rediss://:s3cret@cache.example:6380/2 ',
    { kind: 'single', url: 'rediss://:s3cret@cache.example:6380/2' },
  ],
  [
    'a cluster without auth',
    'redis-cluster://127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003',
    {
      kind: 'cluster',
      tls: false,
      seeds: [
        { host: '127.0.0.1', port: 17001 },
        { host: '127.0.0.1', port: 17002 },
        { host: '127.0.0.1', port: 17003 },
      ],
    },
  ],
  [
    'a cluster with user and percent-encoded password',
    'redis-cluster://app:p%40ss%2Cword@a.example:7000, b.example:7001/',
    {
      kind: 'cluster',
      tls: false,
      username: 'app',
      password: 'p@ss,word',
      seeds: [
        { host: 'a.example', port: 7000 },
        { host: 'b.example', port: 7001 },
      ],
    },
  ],
  [
    'a TLS cluster with only a password, a default port and an IPv6 seed',
    'rediss-cluster://:pw@node-a,[::1]:7002/0',
    {
      kind: 'cluster',
      tls: true,
      password: 'pw',
      seeds: [
        { host: 'node-a', port: 6379 },
        { host: '::1', port: 7002 },
      ],
    },
  ],
  [
    'a list of redis:// URLs',
    'redis://u:pw@10.0.0.1:7000,redis://u:pw@10.0.0.2:7000',
    {
      kind: 'cluster',
      tls: false,
      username: 'u',
      password: 'pw',
      seeds: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7000 },
      ],
    },
  ],
  [
    'a list of rediss:// URLs, one without port',
    'rediss://a.example,rediss://b.example:6390',
    {
      kind: 'cluster',
      tls: true,
      seeds: [
        { host: 'a.example', port: 6379 },
        { host: 'b.example', port: 6390 },
      ],
    },
  ],
];

describe('parseRedisUrl', () => {
  it.each(good)('reads %s', (_name, url, endpoint) => {
    expect(parseRedisUrl(url)).toEqual(endpoint);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['an empty value', '  ', /empty/],
    ['an http URL', 'http://x:1', /redis:\/\/ or rediss:\/\//],
    ['no scheme', '127.0.0.1:6379', /is not a Redis URL/],
    ['a path that is not a database', 'redis://h:1/foo', /only path is a database number/],
    ['a cluster database other than 0', 'redis-cluster://h:1/3', /database 3; .* only 0/],
    ['a cluster with options', 'redis-cluster://h:1?tls=true', /takes none/],
    ['a cluster without seeds', 'redis-cluster://u:pw@', /names no seed node/],
    ['a bad seed port', 'redis-cluster://h:99999', /'h:99999' .* is not host:port/],
    ['a seed with a scheme inside', 'redis-cluster://h:1,redis://h:2', /seeds, not URLs/],
    ['a list with a bare host:port', 'redis://h:1,h:2', /'h:2' in a list .* redis-cluster:\/\//],
    ['a list mixing TLS and not', 'redis://h:1,rediss://h:2', /differ in scheme/],
    ['a list with differing passwords', 'redis://:a@h:1,redis://:b@h:2', /differ in user/],
    ['a list naming a database', 'redis://h:1/0,redis://h:2/1', /database 1/],
    ['a broken percent-encoding', 'redis-cluster://u:%zz@h:1', /badly percent-encoded/],
  ];
  it.each(bad)('rejects %s with a clear message', (_name, url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it('never puts a password in its messages', () => {
    const urls = [
      'redis://:hunter2secret@h:1/foo',
      'redis-cluster://u:hunter2secret@h:99999',
      'redis://u:hunter2secret@h:1,h:2',
      'redis-cluster://u:hunter2secret@h:1/3',
    ];
    for (const url of urls) {
      expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
      try {
        parseRedisUrl(url);
      } catch (err) {
        expect((err as Error).message).not.toContain('hunter2');
      }
    }
  });
});

describe('redisTarget', () => {
  const cases: Array<[string, string]> = [
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['rediss://:hunter2@cache.example:6380/2', 'rediss://cache.example:6380/2'],
    ['redis://app:hunter2@h:1', 'redis://app@h:1'],
    [
      'redis-cluster://app:hunter2@127.0.0.1:17001,127.0.0.1:17002',
      'redis-cluster://app@127.0.0.1:17001,127.0.0.1:17002',
    ],
    ['rediss-cluster://:hunter2@[::1]:7000', 'rediss-cluster://[::1]:7000'],
    ['redis://:hunter2@a:1,redis://:hunter2@b:2', 'redis-cluster://a:1,b:2'],
    ['nonsense :hunter2@', 'an unusable Redis URL'],
  ];
  it.each(cases)('describes %s without its password', (url, target) => {
    expect(redisTarget(url)).toBe(target);
    expect(redisTarget(url)).not.toContain('hunter2');
  });
});

describe('redactRedisUrl', () => {
  it('hides every password of every form', () => {
    expect(redactRedisUrl('redis://u:p@h:1')).toBe('redis://u:***@h:1');
    expect(redactRedisUrl('redis-cluster://u:p@ss@a:1,b:2')).toBe('redis-cluster://u:***@a:1,b:2');
    expect(redactRedisUrl('redis://:x@a:1, redis://:y@b:2')).toBe(
      'redis://:***@a:1, redis://:***@b:2',
    );
    expect(redactRedisUrl('redis-cluster://a:1,b:2')).toBe('redis-cluster://a:1,b:2');
  });
});

describe('createRedisClient', () => {
  it('opens one server with ioredis Redis and the options given', () => {
    const client = createRedisClient('redis://:pw@127.0.0.1:6399/1', {
      lazyConnect: true,
      maxRetriesPerRequest: 3,
      enableAutoPipelining: true,
      name: 'tandem-test',
    });
    try {
      expect(client).toBeInstanceOf(Redis);
      expect(isClusterClient(client)).toBe(false);
      const o = (client as Redis).options;
      expect(o).toMatchObject({
        port: 6399,
        db: 1,
        password: 'pw',
        maxRetriesPerRequest: 3,
        enableAutoPipelining: true,
        connectionName: 'tandem-test',
      });
    } finally {
      client.disconnect();
    }
  });

  it('keeps ioredis defaults for options not given', () => {
    const client = createRedisClient('redis://127.0.0.1:6399', { lazyConnect: true });
    try {
      expect((client as Redis).options.maxRetriesPerRequest).toBe(20);
    } finally {
      client.disconnect();
    }
  });

  it('opens a cluster with ioredis Cluster: seeds, auth and TLS per node, master reads, failover retries', () => {
    const client = createRedisClient('rediss-cluster://app:pw@127.0.0.1:17001,127.0.0.1:17002', {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      enableAutoPipelining: true,
      name: 'tandem-test',
    });
    try {
      expect(client).toBeInstanceOf(Cluster);
      expect(isClusterClient(client)).toBe(true);
      const cluster = client as Cluster;
      expect((cluster as unknown as { startupNodes: unknown }).startupNodes).toEqual([
        { host: '127.0.0.1', port: 17001 },
        { host: '127.0.0.1', port: 17002 },
      ]);
      expect(cluster.options).toMatchObject({
        scaleReads: 'master',
        lazyConnect: true,
        enableAutoPipelining: true,
        redisOptions: {
          username: 'app',
          password: 'pw',
          tls: {},
          maxRetriesPerRequest: null,
          connectionName: 'tandem-test',
        },
      });
      // A failover (node timeout 2 s, promotion within ~5 s) is retried, not reported.
      const o = cluster.options;
      const budgetMs = (o.maxRedirections ?? 0) * (o.retryDelayOnFailover ?? 0);
      expect(budgetMs).toBeGreaterThanOrEqual(15_000);
      expect(o.retryDelayOnClusterDown).toBeGreaterThan(0);
      expect(o.retryDelayOnTryAgain).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  });

  it('refuses a URL it cannot use before opening anything', () => {
    expect(() => createRedisClient('memcached://h:1')).toThrow(RedisUrlError);
  });
});

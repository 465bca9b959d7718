import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { portOpen } from '../net.ts';
import { processService, type Service, type ServiceContext } from './service.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const template = join(repo, 'deploy/local/kafka/server.properties');
const log4j = join(repo, 'deploy/local/kafka/log4j.properties');

/**
 * The jars of the local stack (deploy/local/stack.sh fetches them into
 * $TANDEM_STATE_DIR/kafka/libs-<version>); fetched the same way when absent.
 */
/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64, never starting with '-' (as Kafka's
 * own `random-uuid` ensures): the storage tool would read such an id as an option and fail.
 */
export function kraftClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function kafkaLibs(env = process.env): string {
  const version = env.TANDEM_KAFKA_VERSION ?? '3.9.1';
  const state = env.TANDEM_STATE_DIR ?? join(repo, '.tandem');
  const libs = join(state, 'kafka', `libs-${version}`);
  if (!existsSync(join(libs, '.complete'))) {
    rmSync(libs, { recursive: true, force: true });
    mkdirSync(libs, { recursive: true });
    execFileSync(
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        join(repo, 'deploy/local/kafka/pom.xml'),
        `-Dkafka.version=${version}`,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${libs}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    writeFileSync(join(libs, '.complete'), '');
  }
  return libs;
}

async function answers(port: number): Promise<boolean> {
  if (!(await portOpen(port))) return false;
  const admin = new Kafka({
    clientId: 'chaos-probe',
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** A single-node KRaft broker from the stack's jars, on the run's ports, with a small heap. */
export function kafkaService(ctx: ServiceContext, port: number, controllerPort: number): Service {
  const dir = join(ctx.dataDir, 'kafka');
  const props = join(dir, 'server.properties');
  const libs = kafkaLibs();
  const java = (main: string, ...args: string[]) => [
    '-Xms128m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    `-Dlog4j.configuration=file:${log4j}`,
    '-cp',
    `${libs}/*`,
    main,
    ...args,
  ];
  return processService(ctx, 'kafka', {
    init() {
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        props,
        readFileSync(template, 'utf8')
          .replaceAll('@DATA@', join(dir, 'data'))
          .replaceAll('@CONTROLLER_PORT@', String(controllerPort))
          .replaceAll('@PORT@', String(port)),
      );
      execFileSync(
        'java',
        java('kafka.tools.StorageTool', 'format', '-t', kraftClusterId(), '-c', props),
        // stderr is kept: a failed format says why in the run's error.
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    },
    spec: () => ({ command: 'java', args: java('kafka.Kafka', props) }),
    ready: () => answers(port),
    readyTimeoutMs: 180_000,
    graceMs: 60_000,
  });
}

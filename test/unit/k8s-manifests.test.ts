import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildApp } from '../../services/api/app.ts';
import type { ApiDeps } from '../../services/api/deps.ts';
import { settings, type Setting } from '../../services/config/settings.ts';
import { serveMetrics, type MetricsServer } from '../../services/metrics/server.ts';

/**
 * deploy/k8s rendered by `kubectl kustomize` (base and overlays/external), checked against the
 * code: every variable a container gets is a setting of services/config/settings.ts with a value
 * its parser accepts, secret settings come from the Secret only, every container port is the
 * value of the port setting the role listens on, probes ask paths the role serves, autoscalers
 * and disruption budgets aim at Deployments that exist.
 */

const repo = fileURLToPath(new URL('../..', import.meta.url));
const secretName = 'tandem-secrets';
const roles = ['api', 'processor', 'connect', 'outcomes', 'registry'] as const;
type RoleName = (typeof roles)[number];

/** The port settings each role listens on (the api serves its metrics on TANDEM_API_PORT). */
const listensOn: Record<RoleName, readonly string[]> = {
  api: ['TANDEM_API_PORT'],
  processor: ['TANDEM_METRICS_PORT'],
  connect: ['TANDEM_METRICS_PORT'],
  outcomes: ['TANDEM_METRICS_PORT'],
  registry: ['TANDEM_REGISTRY_PORT', 'TANDEM_METRICS_PORT'],
};

// The shapes of the rendered objects this test reads (Kubernetes' own, narrowed).
interface Meta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
}
interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: Meta;
  readonly data?: Record<string, string>;
  readonly spec?: unknown;
}
interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
  };
}
interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: string | number };
}
interface Container {
  readonly name: string;
  readonly image: string;
  readonly args?: readonly string[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly {
    readonly configMapRef?: { readonly name: string };
    readonly secretRef?: { readonly name: string };
  }[];
  readonly startupProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly resources?: {
    readonly requests?: Record<string, string>;
    readonly limits?: Record<string, string>;
  };
  readonly securityContext?: {
    readonly readOnlyRootFilesystem?: boolean;
    readonly allowPrivilegeEscalation?: boolean;
  };
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}
interface PodSpec {
  readonly enableServiceLinks?: boolean;
  readonly securityContext?: { readonly runAsNonRoot?: boolean; readonly runAsUser?: number };
  readonly containers: readonly Container[];
  readonly volumes?: readonly { readonly name: string; readonly emptyDir?: object }[];
}
interface DeploymentSpec {
  readonly replicas?: number;
  readonly selector: { readonly matchLabels: Record<string, string> };
  readonly template: { readonly metadata: { readonly labels: Record<string, string> } };
}
interface Deployment extends K8sObject {
  readonly spec: DeploymentSpec & { readonly template: { readonly spec: PodSpec } };
}

/** Where a container's variable comes from, and its value when the manifests hold it. */
interface Source {
  readonly from: 'literal' | 'secret' | 'other';
  readonly value?: string;
  readonly secret?: { readonly name: string; readonly key: string };
}

/** `kubectl kustomize <dir>`, or a failure that says how to get kubectl. */
function render(dir: string): K8sObject[] {
  const run = spawnSync('kubectl', ['kustomize', `${repo}/${dir}`], { encoding: 'utf8' });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      'kubectl is not installed: run `bash deploy/local/kubectl.sh` (Debian package kubernetes-client)',
    );
  }
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${run.stderr}`);
  return parseAllDocuments(run.stdout).flatMap((doc) => {
    const value = doc.toJS() as K8sObject | null;
    return value ? [value] : [];
  });
}

const byEnv = new Map<string, Setting<unknown>>(
  Object.values(settings).map((s) => [s.env, s as Setting<unknown>]),
);

function ofKind<T extends K8sObject>(objects: readonly K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

function containerOf(d: Deployment): Container {
  const containers = d.spec.template.spec.containers;
  expect(containers, d.metadata.name).toHaveLength(1);
  return containers[0] as Container;
}

function roleOf(d: Deployment): RoleName {
  const role = containerOf(d).args?.[0];
  expect(roles, `${d.metadata.name} runs ${role}`).toContain(role);
  return role as RoleName;
}

/** A container's variables as the kubelet sets them: envFrom first, `env` on top. */
function environment(c: Container, objects: readonly K8sObject[]): Map<string, Source> {
  const env = new Map<string, Source>();
  for (const from of c.envFrom ?? []) {
    // A whole Secret's keys would escape the checks below: secrets come key by key.
    expect(from.secretRef, `${c.name}: envFrom secretRef`).toBeUndefined();
    const name = from.configMapRef?.name;
    const map = ofKind(objects, 'ConfigMap').find((m) => m.metadata.name === name);
    expect(map, `${c.name}: ConfigMap ${name} in the rendering`).toBeDefined();
    for (const [key, value] of Object.entries(map?.data ?? {})) {
      env.set(key, { from: 'literal', value });
    }
  }
  for (const v of c.env ?? []) {
    const secret = v.valueFrom?.secretKeyRef;
    const source: Source =
      v.value !== undefined
        ? { from: 'literal', value: v.value }
        : secret
          ? { from: 'secret', secret }
          : { from: 'other' };
    env.set(v.name, source);
  }
  return env;
}

/** The value of a literal setting, parsed by its own parser (throws as the role would). */
function parsed(env: Map<string, Source>, name: string): unknown {
  const source = env.get(name);
  const setting = byEnv.get(name);
  if (!source?.value || !setting) throw new Error(`${name} has no literal value`);
  return setting.parse(source.value, name);
}

function portOf(c: Container, port: string | number): number | undefined {
  const match = (c.ports ?? []).find((p) => p.name === port || p.containerPort === port);
  return match?.containerPort;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The Deployment whose pods a selector picks: exactly one. */
function selected(deployments: readonly Deployment[], selector: Record<string, string>) {
  const picked = deployments.filter((d) => selects(selector, d.spec.template.metadata.labels));
  expect(picked.map((d) => d.metadata.name)).toHaveLength(1);
  return picked[0] as Deployment;
}

/** The paths the probes ask for, per port setting, collected for the check against the code. */
const probed = new Map<string, Set<string>>();

function checkRendering(objects: readonly K8sObject[]) {
  const deployments = ofKind<Deployment>(objects, 'Deployment');
  const partitions = parsed(
    environment(containerOf(deployments[0] as Deployment), objects),
    'TANDEM_TOPIC_PARTITIONS',
  ) as number;

  it('runs one Deployment per role', () => {
    expect(deployments.map(roleOf).sort()).toEqual([...roles].sort());
  });

  it.each(roles)('gives %s only declared settings, with values their parsers accept', (role) => {
    const d = deployments.find((x) => roleOf(x) === role) as Deployment;
    const env = environment(containerOf(d), objects);
    const undeclared = [...env.keys()].filter((name) => !byEnv.has(name));
    expect(undeclared, `${role}: variables that are not settings`).toEqual([]);
    for (const [name, source] of env) {
      const setting = byEnv.get(name) as Setting<unknown>;
      if (setting.secret) {
        expect(source.from, `${role}: ${name} is secret`).toBe('secret');
      } else {
        expect(source.from, `${role}: ${name}`).toBe('literal');
        expect(() => setting.parse(source.value ?? '', name)).not.toThrow();
      }
      if (source.secret) expect(source.secret).toEqual({ name: secretName, key: name });
    }
    // A supervisor of workers serves no probes nor metrics on the port: one process per pod.
    expect(env.get('TANDEM_WORKERS')?.value ?? '1').toBe('1');
  });

  it.each(roles)('opens for %s exactly the ports its settings say', (role) => {
    const d = deployments.find((x) => roleOf(x) === role) as Deployment;
    const c = containerOf(d);
    const env = environment(c, objects);
    const wanted = listensOn[role].map((name) => parsed(env, name));
    const open = (c.ports ?? []).map((p) => p.containerPort);
    expect(open.sort()).toEqual([...wanted].sort());
  });

  it.each(roles)('probes %s on its own ports, where it answers', (role) => {
    const d = deployments.find((x) => roleOf(x) === role) as Deployment;
    const c = containerOf(d);
    const env = environment(c, objects);
    for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
      const get = c[kind]?.httpGet;
      expect(get, `${role}: ${kind}`).toBeDefined();
      const port = portOf(c, get?.port ?? '');
      expect(port, `${role}: ${kind} port ${get?.port}`).toBeDefined();
      const setting = listensOn[role].find((name) => parsed(env, name) === port) as string;
      const paths = probed.get(setting) ?? new Set<string>();
      paths.add(get?.path ?? '');
      probed.set(setting, paths);
      if (setting === 'TANDEM_METRICS_PORT') {
        expect(get?.path).toBe(kind === 'readinessProbe' ? '/readyz' : '/healthz');
      }
    }
  });

  it.each(roles)('runs %s as non-root on a read-only root with a writable /tmp', (role) => {
    const d = deployments.find((x) => roleOf(x) === role) as Deployment;
    const pod = d.spec.template.spec;
    const c = containerOf(d);
    // Service links would set TANDEM_API_PORT=tcp://… from the Service tandem-api.
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
    expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    for (const part of ['requests', 'limits'] as const) {
      expect(Object.keys(c.resources?.[part] ?? {}).sort(), `${role} ${part}`).toEqual([
        'cpu',
        'memory',
      ]);
    }
  });

  it('points each Service at one Deployment’s named ports', () => {
    const services = ofKind(objects, 'Service');
    const targets = services.map((s) => {
      const spec = s.spec as {
        selector: Record<string, string>;
        ports: { port: number; targetPort: string | number }[];
      };
      const d = selected(deployments, spec.selector);
      for (const p of spec.ports) expect(portOf(containerOf(d), p.targetPort)).toBeDefined();
      return roleOf(d);
    });
    expect(targets.sort()).toEqual(['api', 'registry']);
  });

  it('scales processor and connect with autoscalers aimed at their Deployments', () => {
    const scaled = ofKind(objects, 'HorizontalPodAutoscaler').map((h) => {
      const spec = h.spec as {
        scaleTargetRef: { apiVersion: string; kind: string; name: string };
        minReplicas: number;
        maxReplicas: number;
      };
      const d = deployments.find((x) => x.metadata.name === spec.scaleTargetRef.name);
      expect(d, `${h.metadata.name} targets ${spec.scaleTargetRef.name}`).toBeDefined();
      expect(spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      // The autoscaler owns the count; more replicas than partitions would sit idle.
      expect(d?.spec.replicas).toBeUndefined();
      expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(spec.maxReplicas).toBeLessThanOrEqual(partitions);
      return roleOf(d as Deployment);
    });
    expect(scaled.sort()).toEqual(['connect', 'processor']);
  });

  it('budgets disruptions of api, processor, connect and outcomes, never below one pod', () => {
    const budgeted = ofKind(objects, 'PodDisruptionBudget').map((p) => {
      const spec = p.spec as {
        selector: { matchLabels: Record<string, string> };
        maxUnavailable?: number;
      };
      expect(spec.maxUnavailable, p.metadata.name).toBe(1);
      const d = selected(deployments, spec.selector.matchLabels);
      // A budget over a single replica would only block node drains.
      expect(d.spec.replicas ?? 2).toBeGreaterThanOrEqual(2);
      return roleOf(d);
    });
    expect(budgeted.sort()).toEqual(['api', 'connect', 'outcomes', 'processor']);
  });

  it('runs one registry, replaced rather than rolled (see registry.yaml)', () => {
    const d = deployments.find((x) => roleOf(x) === 'registry') as Deployment;
    expect(d.spec.replicas).toBe(1);
    expect((d.spec as { strategy?: { type?: string } }).strategy?.type).toBe('Recreate');
  });

  it('selects each Deployment’s own pods', () => {
    for (const d of deployments) {
      expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
      const others = deployments.filter(
        (x) => x !== d && selects(d.spec.selector.matchLabels, x.spec.template.metadata.labels),
      );
      expect(
        others.map((x) => x.metadata.name),
        d.metadata.name,
      ).toEqual([]);
    }
  });
}

describe('deploy/k8s/base', () => {
  checkRendering(render('deploy/k8s/base'));
});

describe('deploy/k8s/overlays/external', () => {
  const objects = render('deploy/k8s/overlays/external');
  checkRendering(objects);

  it('uses three brokers, replication factor 3 and two in-sync replicas, in its namespace', () => {
    const deployment = ofKind<Deployment>(objects, 'Deployment')[0] as Deployment;
    const env = environment(containerOf(deployment), objects);
    expect(parsed(env, 'TANDEM_KAFKA_BROKERS')).toHaveLength(3);
    expect(parsed(env, 'TANDEM_TOPIC_REPLICATION_FACTOR')).toBe(3);
    expect(env.get('TANDEM_TOPIC_MIN_INSYNC_REPLICAS')?.value).toBe('2');
    for (const o of objects) expect(o.metadata.namespace, o.metadata.name).toBe('tandem');
    expect(containerOf(deployment).image).not.toBe('tandem');
  });

  it('lists in tandem-secrets.env.example every key the roles read, with parsable values', () => {
    const text = readFileSync(
      `${repo}/deploy/k8s/overlays/external/tandem-secrets.env.example`,
      'utf8',
    );
    const example = new Map(
      text
        .split('\n')
        .filter((line) => line.length > 0 && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const read = new Set<string>();
    for (const d of ofKind<Deployment>(objects, 'Deployment')) {
      for (const source of environment(containerOf(d), objects).values()) {
        if (source.secret) read.add(source.secret.key);
      }
    }
    expect([...example.keys()].sort()).toEqual([...read].sort());
    for (const [key, value] of example) {
      expect(() => byEnv.get(key)?.parse(value, key)).not.toThrow();
    }
  });

  it('has its Secret and every key of it named in docs/kubernetes.md', () => {
    const docs = readFileSync(`${repo}/docs/kubernetes.md`, 'utf8');
    expect(docs).toContain(secretName);
    for (const s of Object.values(settings)) {
      if (s.secret) expect(docs, s.env).toContain(s.env);
    }
  });
});

describe('the paths the probes ask for', () => {
  let metrics: MetricsServer | undefined;
  beforeAll(async () => {
    metrics = await serveMetrics(0, '127.0.0.1');
  });
  afterAll(() => metrics?.close());

  it('are served on the metrics port (ready or not) and by the API', async () => {
    const metricsPaths = [...(probed.get('TANDEM_METRICS_PORT') ?? [])];
    expect(metricsPaths.sort()).toEqual(['/healthz', '/readyz']);
    for (const path of metricsPaths) {
      const res = await fetch(`http://127.0.0.1:${metrics?.port}${path}`);
      expect([200, 503], path).toContain(res.status);
    }
    const apiPaths = [...(probed.get('TANDEM_API_PORT') ?? [])];
    expect(apiPaths.length).toBeGreaterThan(0);
    const app = buildApp({ tokens: ['a-token-of-twenty-chars'] } as unknown as ApiDeps);
    try {
      for (const path of apiPaths) {
        expect((await app.inject({ url: path })).statusCode, path).toBe(200);
      }
    } finally {
      await app.close();
    }
  });
});

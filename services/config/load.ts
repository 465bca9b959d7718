import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './errors.ts';
import { settings, type SettingKey, type TandemConfig } from './settings.ts';

export interface LoadOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** A JSON or YAML file whose keys are the settings' keys; the environment overrides it. */
  readonly file?: string | undefined;
}

/**
 * Reads every setting once, at start-up: the config file (if any), then the environment on top.
 * Returns a frozen, typed value or throws the first ConfigError, which names the setting.
 */
export function loadConfig(options: LoadOptions = {}): TandemConfig {
  const env = options.env ?? process.env;
  const fileName = options.file ?? env.TANDEM_CONFIG;
  const fromFile = fileName ? readConfigFile(fileName) : {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(settings) as SettingKey[]) {
    const s = settings[key];
    const raw = env[s.env] ?? fromFile[key] ?? s.default;
    const where = env[s.env] !== undefined ? s.env : fromFile[key] !== undefined ? key : s.env;
    out[key] = s.parse(raw ?? '', where);
  }
  const config = out as TandemConfig;
  checkTopicReplicas(config);
  return Object.freeze(config);
}

/**
 * A topic whose min.insync.replicas exceeds its replication factor refuses every acks=all write:
 * refused at start-up rather than at the first write.
 */
function checkTopicReplicas(config: TandemConfig): void {
  const min = config.topicMinInsyncReplicas;
  if (min !== undefined && min > config.replicationFactor) {
    throw new ConfigError(
      settings.topicMinInsyncReplicas.env,
      `${min} is more than TANDEM_TOPIC_REPLICATION_FACTOR (${config.replicationFactor}): every write to Tandem's topics would fail`,
    );
  }
}

function readConfigFile(fileName: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(fileName, 'utf8');
  } catch (cause) {
    throw new ConfigError('TANDEM_CONFIG', `cannot read config file '${fileName}'`, { cause });
  }
  let data: unknown;
  try {
    data = parseYaml(text); // YAML is a superset of JSON: one parser reads both.
  } catch (cause) {
    throw new ConfigError('TANDEM_CONFIG', `'${fileName}' is neither valid YAML nor JSON`, {
      cause,
    });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError('TANDEM_CONFIG', `'${fileName}' must hold a mapping of settings`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(key in settings)) {
      throw new ConfigError(
        key,
        `unknown setting in '${fileName}' (known: ${Object.keys(settings).join(', ')})`,
      );
    }
    out[key] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return out;
}

import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.ts';
import { CliError } from './cli-error.ts';
import { renderHelp } from './help.ts';
import type { Role } from './role.ts';
import { roles, type RoleName } from './roles.ts';
import { parseWorkersOption } from './workers-option.ts';

/**
 * `tandem <role> [args]`: one entry point for every process. Configuration is read and validated
 * once here; any bad value ends the process with one line that names it, and a non-zero code.
 */
async function main(argv: readonly string[]): Promise<number> {
  // A role that reads its own flags (stack: those of stack.sh) gets the rest of the line as is.
  const [first = '', ...afterFirst] = argv;
  const direct: Role | undefined = Object.hasOwn(roles, first)
    ? roles[first as RoleName]
    : undefined;
  if (direct?.ownArgs === true) return direct.run({ args: afterFirst, config: undefined });
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      help: { type: 'boolean', short: 'h' },
      config: { type: 'string', short: 'c' },
      workers: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [roleName, ...rest] = positionals;
  if (values.help || roleName === undefined || roleName === 'help') {
    process.stdout.write(renderHelp());
    return roleName === undefined && !values.help ? 2 : 0;
  }
  if (!Object.hasOwn(roles, roleName)) {
    throw new CliError(
      `unknown role '${roleName}' (roles: ${Object.keys(roles).join(', ')}; see tandem --help)`,
      2,
    );
  }
  const role: Role = roles[roleName as RoleName];
  const workersFlag = values.workers === undefined ? undefined : parseWorkersOption(values.workers);
  if (workersFlag !== undefined && role.workers !== true) {
    const several = Object.entries(roles as Record<string, Role>).filter(([, r]) => r.workers);
    throw new CliError(
      `--workers: the ${roleName} role runs as one process (--workers applies to ${several.map(([name]) => name).join(' and ')})`,
      2,
    );
  }
  const config = role.needsConfig ? loadConfig({ file: values.config }) : undefined;
  // TANDEM_WORKERS concerns only the roles that run as workers; the others ignore it.
  const workers = role.workers === true ? (workersFlag ?? config?.workers ?? 1) : 1;
  return role.run({ args: rest, config, workers });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tandem: ${describe(err)}\n`);
    // A role that failed half-way through its start may hold open clients (Kafka, Redis) that
    // would keep the process alive, neither serving nor exiting: a supervisor must see it end.
    process.exit(err instanceof CliError ? err.exitCode : 1);
  },
);

function describe(err: unknown): string {
  if (err instanceof ConfigError) return `configuration error: ${err.message}`;
  if (err instanceof CliError) return err.message;
  const usage = ['ERR_PARSE_ARGS_UNKNOWN_OPTION', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'];
  if (err instanceof Error && 'code' in err && usage.includes(String(err.code))) {
    return `${err.message} (see tandem --help)`;
  }
  return err instanceof Error ? err.message : String(err);
}

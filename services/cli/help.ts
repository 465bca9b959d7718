import { settings } from '../config/index.ts';
import type { Role } from './role.ts';
import { roles } from './roles.ts';

export function renderHelp(): string {
  const roleLines = Object.entries(roles as Record<string, Role>).map(
    ([name, r]) => `  ${name.padEnd(12)} ${r.summary}${r.workers ? ' [--workers N]' : ''}`,
  );
  const settingLines = Object.values(settings).map(
    (s) => `  ${s.env.padEnd(32)} ${s.description}${s.default ? ` (default ${s.default})` : ''}`,
  );
  return [
    'Usage: tandem <role> [arguments] [--config file.yaml] [--workers N]',
    '',
    'Roles:',
    ...roleLines,
    '',
    'Options:',
    '  -c, --config FILE   a YAML or JSON file of settings (default TANDEM_CONFIG)',
    '  --workers N         processor and connect: run N worker processes, 1 to 64 (default',
    '                      TANDEM_WORKERS, 1). Over 1, this process supervises them: it restarts',
    '                      one that ends (1 s, 2 s … 30 s apart), gives up on one that fails',
    '                      five times in a row before it is ready, logs "<role> ready" once all',
    '                      are, and forwards SIGINT/SIGTERM, exiting when they have (0 if all',
    '                      closed cleanly). They share the work as members of the same consumer',
    '                      groups; in connect, each connection is read by the one holding its lease.',
    '  -h, --help          this text',
    '',
    'Configuration (environment variables override the --config / TANDEM_CONFIG file,',
    'whose keys are the camelCase names of these settings):',
    ...settingLines,
    '',
  ].join('\n');
}

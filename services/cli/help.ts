import { settings } from '../config/index.ts';
import { roles } from './roles.ts';

export function renderHelp(): string {
  const roleLines = Object.entries(roles).map(([name, r]) => `  ${name.padEnd(12)} ${r.summary}`);
  const settingLines = Object.values(settings).map(
    (s) => `  ${s.env.padEnd(32)} ${s.description}${s.default ? ` (default ${s.default})` : ''}`,
  );
  return [
    'Usage: tandem <role> [arguments] [--config file.yaml]',
    '',
    'Roles:',
    ...roleLines,
    '',
    'Configuration (environment variables override the --config / TANDEM_CONFIG file,',
    'whose keys are the camelCase names of these settings):',
    ...settingLines,
    '',
  ].join('\n');
}

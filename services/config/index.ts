export { ConfigError } from './errors.ts';
export { loadConfig, type LoadOptions } from './load.ts';
export { redactUrl } from './parse.ts';
export { settings, type Setting, type SettingKey, type TandemConfig } from './settings.ts';

import path from 'node:path';

/**
 * Every setting is an environment variable (LABFORGE_*, DATABASE_URL) and a CLI flag of the same
 * name (--port, --data-dir, …). Flags win over the environment. The table in README.md lists them.
 */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  externalUrl: string;
  databaseUrl: string | null;
  rootPassword: string | null;
  rootToken: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  workers: number;
  /** The GitLab version this server reports from /version: clients gate features on it. */
  gitlabVersion: string;
  /** Largest request body accepted, in bytes; larger bodies answer 413. */
  maxBodyBytes: number;
}

interface Setting {
  key: keyof Config;
  env: string;
  flag: string;
  description: string;
}

export const SETTINGS: readonly Setting[] = [
  {
    key: 'host',
    env: 'LABFORGE_HOST',
    flag: '--host',
    description: 'Address to listen on (default 127.0.0.1)',
  },
  {
    key: 'port',
    env: 'LABFORGE_PORT',
    flag: '--port',
    description: 'Port to listen on (default 8080; 0 picks a free one)',
  },
  {
    key: 'dataDir',
    env: 'LABFORGE_DATA_DIR',
    flag: '--data-dir',
    description: 'Folder for the SQLite database and repositories (default ./data)',
  },
  {
    key: 'externalUrl',
    env: 'LABFORGE_EXTERNAL_URL',
    flag: '--external-url',
    description: 'Public base URL used in web_url fields and Link headers (default http://HOST:PORT)',
  },
  {
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    flag: '--database-url',
    description: 'postgres://… to use PostgreSQL instead of the embedded SQLite',
  },
  {
    key: 'rootPassword',
    env: 'LABFORGE_ROOT_PASSWORD',
    flag: '--root-password',
    description: "On first start, the root user's password (default: random, unusable until set)",
  },
  {
    key: 'rootToken',
    env: 'LABFORGE_ROOT_TOKEN',
    flag: '--root-token',
    description:
      "On first start, root's personal access token (scopes api, sudo); generated and printed once if absent",
  },
  {
    key: 'logLevel',
    env: 'LABFORGE_LOG_LEVEL',
    flag: '--log-level',
    description: 'fatal, error, warn, info (default), debug, trace or silent',
  },
  {
    key: 'workers',
    env: 'LABFORGE_WORKERS',
    flag: '--workers',
    description: 'Number of server processes sharing the port (default 1)',
  },
  {
    key: 'gitlabVersion',
    env: 'LABFORGE_GITLAB_VERSION',
    flag: '--gitlab-version',
    description: 'Version reported by GET /version (default 17.11.0)',
  },
  {
    key: 'maxBodyBytes',
    env: 'LABFORGE_MAX_BODY_BYTES',
    flag: '--max-body-bytes',
    description: 'Largest accepted request body in bytes (default 104857600)',
  },
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {}

/** Reads flags (`--port 9000` or `--port=9000`) over environment variables over defaults. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const raw = new Map<keyof Config, string>();
  for (const s of SETTINGS) {
    const v = env[s.env];
    if (v !== undefined && v !== '') raw.set(s.key, v);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const setting = SETTINGS.find((s) => s.flag === flag);
    if (!setting) throw new ConfigError(`unknown option ${flag}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    raw.set(setting.key, value);
  }

  const host = raw.get('host') ?? '127.0.0.1';
  const port = integer(raw.get('port') ?? '8080', 'port', 0, 65535);
  const logLevel = raw.get('logLevel') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}`);
  const externalUrl = (
    raw.get('externalUrl') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  ).replace(/\/+$/, '');
  try {
    new URL(externalUrl);
  } catch {
    throw new ConfigError(`external URL is not a URL: ${externalUrl}`);
  }
  return {
    host,
    port,
    dataDir: path.resolve(raw.get('dataDir') ?? './data'),
    externalUrl,
    databaseUrl: raw.get('databaseUrl') ?? null,
    rootPassword: raw.get('rootPassword') ?? null,
    rootToken: raw.get('rootToken') ?? null,
    logLevel: logLevel as Config['logLevel'],
    workers: integer(raw.get('workers') ?? '1', 'workers', 1, 64),
    gitlabVersion: raw.get('gitlabVersion') ?? '17.11.0',
    maxBodyBytes: integer(
      raw.get('maxBodyBytes') ?? String(100 * 1024 * 1024),
      'max body bytes',
      1024,
      2 ** 31,
    ),
  };
}

function integer(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

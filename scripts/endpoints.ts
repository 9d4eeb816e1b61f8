// Writes docs/ENDPOINTS.md from the live route table and the one-line comment above each endpoint
// (`// GET /users/:id — doc/api/users.md`). `npm run endpoints` regenerates it; a test fails when it is stale.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ENDPOINTS_FILE = path.join(root, 'docs/ENDPOINTS.md');

function docComments(): Map<string, string> {
  const docs = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        for (const m of fs
          .readFileSync(full, 'utf8')
          .matchAll(
            /\/\/ ((?:GET|POST|PUT|PATCH|DELETE|HEAD)(?:\|(?:GET|POST|PUT|PATCH|DELETE|HEAD))*) (\S+) — (\S+)/g,
          )) {
          for (const method of m[1]!.split('|')) docs.set(`${method} ${m[2]}`, m[3]!);
        }
      }
    }
  };
  walk(path.join(root, 'src'));
  return docs;
}

export async function renderEndpoints(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'labforge-endpoints-'));
  const server = await startServer(
    { ...loadConfig([], {}), dataDir, logLevel: 'silent', port: 0 },
    { listen: false },
  );
  try {
    const docs = docComments();
    const rows = server.app.routeTable
      .filter((r) => r.url.startsWith('/api/v4/'))
      .map((r) => ({ ...r, path: r.url.slice('/api/v4'.length) }))
      .sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path)));
    const lines = [
      '# Endpoint coverage',
      '',
      'Every endpoint labforge serves under `/api/v4`, generated from the route table by `npm run endpoints`',
      '(a test fails when this file is stale). The last column is the GitLab documentation page it follows.',
      `Health checks \`/-/health\`, \`/-/liveness\`, \`/-/readiness\` are served outside the API as on GitLab.`,
      '',
      `${rows.length} endpoints.`,
      '',
      '| method | path | GitLab doc |',
      '|---|---|---|',
      ...rows.map((r) => `| ${r.method} | \`${r.path}\` | ${docs.get(`${r.method} ${r.path}`) ?? ''} |`),
      '',
    ];
    return lines.join('\n');
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  fs.writeFileSync(ENDPOINTS_FILE, await renderEndpoints());
  console.log(`wrote ${path.relative(root, ENDPOINTS_FILE)}`);
}

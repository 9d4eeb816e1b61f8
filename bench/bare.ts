// The yardstick: a bare Fastify handler returning a JSON body like labforge's, with no auth, no
// database, no conventions. Benchmarks report labforge's throughput as a ratio of this one's.
import cluster from 'node:cluster';
import Fastify from 'fastify';

const user = {
  id: 1,
  username: 'root',
  name: 'Administrator',
  state: 'active',
  locked: false,
  avatar_url: 'https://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=80&d=identicon',
  web_url: 'http://127.0.0.1/root',
  created_at: '2026-11-22T04:00:00.000Z',
  bio: '',
  location: '',
  public_email: null,
  linkedin: '',
  twitter: '',
  discord: '',
  website_url: '',
  organization: '',
  job_title: '',
  pronouns: null,
  bot: false,
  work_information: null,
  local_time: null,
  last_sign_in_at: null,
  confirmed_at: '2026-11-22T04:00:00.000Z',
  last_activity_on: null,
  email: 'admin@example.com',
  theme_id: 3,
  color_scheme_id: 1,
  projects_limit: 100000,
  current_sign_in_at: null,
  identities: [],
  can_create_group: true,
  can_create_project: true,
  two_factor_enabled: false,
  external: false,
  private_profile: false,
  commit_email: 'admin@example.com',
  is_admin: true,
  note: null,
};
const list = Array.from({ length: 100 }, (_, i) => ({ ...user, id: i + 1, username: `user${i}` }));

const port = Number(process.env.PORT ?? 0);
const workers = Number(process.env.WORKERS ?? 1);

async function serve() {
  const app = Fastify();
  app.get('/api/v4/user', async () => user);
  app.get('/api/v4/users', async () => list);
  const address = await app.listen({ host: '127.0.0.1', port });
  if (!cluster.isWorker) console.log(address);
}

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  console.log(`http://127.0.0.1:${port}`);
} else {
  void serve();
}

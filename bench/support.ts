// Helpers shared by the benchmarks: ports, waiting for a server, stopping it.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls until `url` answers 200 (connection errors count as not yet). */
export async function waitFor200(
  url: string,
  headers: Record<string, string>,
  timeoutMs = 30000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { headers })).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`no 200 from ${url}`);
}

/** SIGTERM, then resolves when the process has exited. */
export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

// Starts `wasmtime serve` (wasmtime-cli, installed by `cargo xtask test`) on 127.0.0.1 at a
// free port with a wasi:http component, waits until it answers, and stops it: shared by the
// service test and the load benchmark.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A port nothing listens on now. */
const freePort = () => new Promise((resolve, reject) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  }).on('error', reject);
});

/**
 * Serves `component`, with `options` (more `wasmtime serve` options) if given; resolves to
 * `{ url, stop }` once it answers (it compiles first).
 */
export async function serveComponent(component, { timeoutMs = 60_000, options = [] } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.env.WASMTIME ?? 'wasmtime', ['serve', '-Scli', ...options, '--addr', `127.0.0.1:${port}`, component], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  server.stderr.on('data', (chunk) => (log += chunk));
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`wasmtime serve exited: ${log}`);
    try {
      await fetch(`${url}/`);
      return { url, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`wasmtime serve did not answer in ${timeoutMs} ms: ${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

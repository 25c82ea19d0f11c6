// Load on the composed record-service under `wasmtime serve` on 127.0.0.1: a fixed number of
// requests at a fixed concurrency, bounded in count and in time; requests per second,
// latency percentiles and errors, as a markdown table.
//   node serve.mjs [requests] [in flight]     (after cargo xtask compose)
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { records } from 'memkit';
import { serveComponent } from '../../js/scripts/wasmtime-serve.mjs';

const total = Number(process.argv[2] ?? 20_000);
const inFlight = Number(process.argv[3] ?? 8);
const TIME_LIMIT_MS = 120_000;
const component = fileURLToPath(new URL('../../target/composed/record-service.wasm', import.meta.url));

// The body of every request: three CRC-32C records, 1 KiB in all.
const frames = [300, 400, 252].map((size) => {
  const record = new records.BinaryRecord('crc32c');
  record.setPayload(new Uint8Array(size).fill(7));
  const frame = record.serialize();
  record[Symbol.dispose]();
  return frame;
});
const body = Buffer.concat(frames);

const served = await serveComponent(component);
const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
const post = () => new Promise((resolve) => {
  const started = performance.now();
  const request = http.request(`${served.url}/records?checksum=crc32c`, {
    method: 'POST', agent, headers: { 'content-length': body.length },
  }, (response) => {
    response.resume();
    response.on('end', () => resolve({ ok: response.statusCode === 200, ms: performance.now() - started }));
  });
  request.on('error', () => resolve({ ok: false, ms: performance.now() - started }));
  request.end(body);
});

// Warm-up, then the measured run: `inFlight` workers share the `total` requests.
for (let i = 0; i < 200; i++) await post();
const latencies = [];
let errors = 0;
let sent = 0;
const deadline = performance.now() + TIME_LIMIT_MS;
const started = performance.now();
await Promise.all(Array.from({ length: inFlight }, async () => {
  while (sent < total && performance.now() < deadline) {
    sent++;
    const { ok, ms } = await post();
    latencies.push(ms);
    if (!ok) errors++;
  }
}));
const seconds = (performance.now() - started) / 1000;
agent.destroy();
await served.stop();

latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
console.log(`${latencies.length} requests, ${inFlight} in flight, 1 KiB bodies (3 records), Node ${process.version} client\n`);
console.log('| requests | in flight | requests/s | p50 | p99 | errors |');
console.log('|---|---|---|---|---|---|');
console.log(`| ${latencies.length} | ${inFlight} | ${(latencies.length / seconds).toFixed(0)} | ${at(0.5).toFixed(2)} ms | ${at(0.99).toFixed(2)} ms | ${errors} |`);

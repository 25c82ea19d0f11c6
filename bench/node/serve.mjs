// Load on the composed record-service under `wasmtime serve` on 127.0.0.1, its wasi:http 0.3
// build (target/composed/record-service.wasm, memkit's streams) against its 0.2 build
// (record-service-p2.wasm, a read loop feeding memkit): for each, 1 KiB and then 1 MiB bodies,
// a fixed number of requests at a fixed concurrency, bounded in count and in time; requests
// per second, latency percentiles and errors (any answer but 200), as a markdown table.
//   node serve.mjs [1 KiB requests] [in flight] [1 MiB requests]     (after cargo xtask compose)
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { records } from 'memkit';
import { serveComponent } from '../../js/scripts/wasmtime-serve.mjs';

const smallRequests = Number(process.argv[2] ?? 20_000);
const inFlight = Number(process.argv[3] ?? 8);
const largeRequests = Number(process.argv[4] ?? 500);
const TIME_LIMIT_MS = 120_000;

const composed = (name) => fileURLToPath(new URL(`../../target/composed/${name}.wasm`, import.meta.url));
// wasmtime serve runs up to 16 requests at once in one instance of a 0.3 service (a store, one
// thread at a time), where a 0.2 service gets an instance of its own per request; the third
// row gives the 0.3 service that too.
const builds = [
  { name: 'wasi:http 0.3', component: composed('record-service'), options: [] },
  { name: 'wasi:http 0.3, one request per instance at a time', component: composed('record-service'), options: ['--max-instance-concurrent-reuse-count', '1'] },
  { name: 'wasi:http 0.2', component: composed('record-service-p2'), options: [] },
];

/** A body of CRC-32C records with these payload sizes. */
function recordsOf(sizes) {
  return Buffer.concat(sizes.map((size) => {
    const record = new records.BinaryRecord('crc32c');
    record.setPayload(new Uint8Array(size).fill(7));
    const frame = record.serialize();
    record[Symbol.dispose]();
    return frame;
  }));
}

const bodies = [
  // Three records, 1 KiB in all (the body of the runs before issue 19).
  { name: '1 KiB (3 records)', bytes: 1 << 10, body: recordsOf([300, 400, 252]), requests: smallRequests, warmUp: 200 },
  // Sixteen records of 64 KiB each.
  { name: '1 MiB (16 records)', bytes: 1 << 20, body: recordsOf(Array(16).fill((64 << 10) - 24)), requests: largeRequests, warmUp: 20 },
];
for (const { name, bytes, body } of bodies) {
  if (body.length !== bytes) throw new Error(`${name}: ${body.length} bytes, not ${bytes}`);
}

/** `requests` posts of `body` to `url`, `inFlight` at a time, after `warmUp` one at a time. */
async function load(url, { body, requests, warmUp }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const post = () => new Promise((resolve) => {
    const started = performance.now();
    const request = http.request(`${url}/records?checksum=crc32c`, {
      method: 'POST', agent, headers: { 'content-length': body.length },
    }, (response) => {
      response.resume();
      response.on('end', () => resolve({ ok: response.statusCode === 200, ms: performance.now() - started }));
    });
    request.on('error', () => resolve({ ok: false, ms: performance.now() - started }));
    request.end(body);
  });
  for (let i = 0; i < warmUp; i++) await post();
  const latencies = [];
  let errors = 0;
  let sent = 0;
  const deadline = performance.now() + TIME_LIMIT_MS;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (sent < requests && performance.now() < deadline) {
      sent++;
      const { ok, ms } = await post();
      latencies.push(ms);
      if (!ok) errors++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { requests: latencies.length, perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors };
}

const rows = [];
for (const build of builds) {
  const served = await serveComponent(build.component, { options: build.options });
  try {
    for (const body of bodies) {
      const r = await load(served.url, body);
      rows.push(`| ${build.name} | ${body.name} | ${r.requests} | ${inFlight} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.errors} |`);
      console.error(rows.at(-1));
    }
  } finally {
    await served.stop();
  }
}
console.log(`${inFlight} requests in flight; warm-up, one at a time: ${bodies.map((b) => `${b.warmUp} of ${b.name}`).join(', ')}; Node ${process.version} client\n`);
console.log('| service | body | requests | in flight | requests/s | p50 | p99 | errors |');
console.log('|---|---|---|---|---|---|---|---|');
console.log(rows.join('\n'));

// The benchmark scenarios: memkit next to the same job in plain JavaScript. Shared by the
// page's benchmark panel and `node js/bench/run.mjs`, so both measure the same thing.

/** Median time of one call of `fn`, in milliseconds: batches of calls sized to ~`sampleMs`. */
export function measure(fn, { samples = 7, sampleMs = 15 } = {}) {
  fn(); // warm up (JIT, first allocation)
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    if (performance.now() - start >= sampleMs || batch >= 1 << 20) break;
    batch *= 2;
  }
  const times = [];
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    times.push((performance.now() - start) / batch);
  }
  times.sort((a, b) => a - b);
  return times[samples >> 1];
}

/** Builds the scenarios over an imported memkit module. Each returns { name, memkit, js }. */
export function scenarios(memkit) {
  const { bytes, floats, records, people, pools, text } = memkit;
  const MIB = 1 << 20;
  const data = new Uint8Array(MIB).map((_, i) => (i * 31) & 0xff);
  const floatsIn = Float32Array.from({ length: 1_000_000 }, (_, i) => i * 1e-3);
  const floatBuffer = new floats.FloatBuffer(floatsIn.length);
  const payload = new Uint8Array(64 * 1024).map((_, i) => i & 0xff);
  const header = new Uint8Array(16).fill(7);
  const record = new records.BinaryRecord('sum32');
  record.setHeader(header);
  const company = {
    name: 'Analytical Engines Ltd',
    foundedYear: 1843,
    employees: Array.from({ length: 1000 }, (_, i) => ({ name: `Employee ${i}`, age: 20 + (i % 45), email: `e${i}@example.com` })),
  };
  const jsCompany = { name: company.name, employees: company.employees, founded_year: 1843 };
  const pool = new pools.BufferPool();
  const points = Array.from({ length: 1000 }, (_, i) => ({ x: Math.cos(i / 100), y: Math.sin(i / 100), z: i / 100 }));
  const megabyteText = 'The Quick Brown Fox jumps over the lazy dog. '.repeat(22_000).slice(0, 1_000_000);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const smallBuffer = new bytes.ByteBuffer(0);
  const jsObject = { items: [1, 2, 3], len() { return this.items.length; } };

  const sum32 = (arrays) => {
    let sum = 0;
    for (const a of arrays) for (let i = 0; i < a.length; i++) sum = (sum + a[i]) >>> 0;
    return sum;
  };

  return [
    {
      name: '1 MiB byte buffer in and out',
      memkit() {
        const b = bytes.ByteBuffer.fromList(data);
        b.toList();
        b[Symbol.dispose]();
      },
      js() {
        data.slice().slice();
      },
    },
    {
      name: '1 M floats: process, read out, sum',
      memkit() {
        floatBuffer.set(floatsIn);
        floatBuffer.process();
        floatBuffer.toList();
        floatBuffer.sum();
      },
      js() {
        const out = new Float32Array(floatsIn.length);
        let sum = 0;
        for (let i = 0; i < floatsIn.length; i++) {
          out[i] = Math.tan(Math.cos(Math.sin(floatsIn[i])));
          sum += out[i];
        }
        return sum;
      },
    },
    {
      name: '64 KiB binary record serialize + deserialize',
      memkit() {
        record.setPayload(payload);
        const frame = record.serialize();
        records.BinaryRecord.deserialize(frame, 'sum32')[Symbol.dispose]();
      },
      js() {
        const frame = new Uint8Array(24 + payload.length);
        const view = new DataView(frame.buffer);
        frame.set(header, 0);
        view.setUint32(16, payload.length, true);
        frame.set(payload, 20);
        view.setUint32(20 + payload.length, sum32([header, payload]), true);
        const length = view.getUint32(16, true);
        if (frame.length !== 24 + length) throw new Error('length');
        const body = frame.subarray(20, 20 + length);
        if (sum32([frame.subarray(0, 16), body]) !== view.getUint32(20 + length, true)) throw new Error('checksum');
        return body.slice();
      },
    },
    {
      name: 'company of 1000 people to JSON and back',
      memkit() {
        people.companyFromJson(people.companyToJson(company));
      },
      js() {
        JSON.parse(JSON.stringify(jsCompany));
      },
    },
    {
      name: '1000 pool acquire + release',
      memkit() {
        for (let i = 0; i < 1000; i++) pool.release(pool.acquire(1000));
      },
      js() {
        let keep;
        for (let i = 0; i < 1000; i++) keep = new Uint8Array(1024);
        return keep;
      },
    },
    {
      name: 'path length of 1000 points',
      memkit() {
        pools.pathLength(points);
      },
      js() {
        let total = 0;
        for (let i = 1; i < points.length; i++) {
          const a = points[i - 1], b = points[i];
          total += Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
        }
        return total;
      },
    },
    {
      name: 'swap-case of 1 MB',
      memkit() {
        text.swapCase(megabyteText);
      },
      js() {
        // The fast way in plain JS: to UTF-8 bytes, flip ASCII letters, back to a string.
        const utf8 = encoder.encode(megabyteText);
        for (let i = 0; i < utf8.length; i++) {
          const b = utf8[i];
          if (((b | 0x20) - 0x61) >>> 0 < 26) utf8[i] = b ^ 0x20;
        }
        return decoder.decode(utf8);
      },
    },
    {
      name: 'one method call',
      memkit() {
        smallBuffer.len();
      },
      js() {
        return jsObject.len();
      },
    },
  ];
}

/** Runs every scenario, calling `onResult({ name, memkitMs, jsMs, ratio })` as each finishes. */
export async function runAll(memkit, onResult, options) {
  const results = [];
  for (const scenario of scenarios(memkit)) {
    const memkitMs = measure(scenario.memkit, options);
    const jsMs = measure(scenario.js, options);
    const result = { name: scenario.name, memkitMs, jsMs, ratio: memkitMs / jsMs };
    results.push(result);
    onResult?.(result);
    await new Promise((resolve) => setTimeout(resolve, 0)); // let the page paint
  }
  return results;
}

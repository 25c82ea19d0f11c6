// The benchmark: the same eight jobs through memkit, through the article's wasm-bindgen module
// written its way (the baseline, bench/baseline) and in plain JavaScript where JavaScript can
// do the job. Shared by the Node harnesses here and the demo page's benchmark panel (`cargo
// xtask js` copies this file to web/bench/jobs.js), so both measure the same thing. It imports
// nothing: the caller hands it the memkit it measures. Not part of the package: users do not
// import a benchmark. Times are in milliseconds.

/** A duration in milliseconds, in the unit that reads best (ns, µs or ms). */
export function formatTime(ms) {
  if (ms < 0.001) return `${(ms * 1e6).toFixed(1)} ns`;
  if (ms < 1) return `${(ms * 1e3).toFixed(1)} µs`;
  return `${ms.toFixed(2)} ms`;
}

/** The median of `values` (not modified). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The median time of one call of `fn`: a warm-up call, then a batch size doubled until a batch
 * takes `sampleMs`, then `samples` batches of that size.
 */
export function measure(fn, { samples = 7, sampleMs = 15 } = {}) {
  fn();
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
  return median(times);
}

/** The contestants, in the order tables show them. */
export const CONTESTANTS = ['memkit', 'baseline', 'js'];

/**
 * The eight jobs over the imported memkit and memkit-article packages (`memkit`,
 * `memkitArticle`) and, when given, the initialised baseline module. Each job has `name`, `target` (the ratio memkit / baseline to reach, see
 * PERFORMANCE.md) and one function per contestant that can do it (plain JS has no pool and no
 * method calls to measure against the module's). `dispose()` frees what the jobs hold; when
 * setting them up fails, what was held by then is freed before the error is thrown.
 */
export function scenarios(modules) {
  const held = [];
  const dispose = () => {
    for (const free of held.splice(0).reverse()) free();
  };
  try {
    return { jobs: jobsHolding(modules, held), dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** The jobs of `scenarios`; what they keep between calls goes into `held`, as functions that free it. */
function jobsHolding({ memkit, memkitArticle, baseline }, held) {
  const { bytes, records, pools } = memkit;
  const { floats, people, text } = memkitArticle;
  const pathOf = memkitArticle.points;
  const MIB = 1 << 20;
  const data = new Uint8Array(MIB).map((_, i) => (i * 31) & 0xff);
  const floatsIn = Float32Array.from({ length: 1_000_000 }, (_, i) => i * 1e-3);
  const payload = new Uint8Array(64 * 1024).map((_, i) => i & 0xff);
  const header = new Uint8Array(16).fill(7);
  const employees = Array.from({ length: 1000 }, (_, i) => ({ name: `Employee ${i}`, age: 20 + (i % 45), email: `e${i}@example.com` }));
  const companyName = 'Analytical Engines Ltd';
  const points = Array.from({ length: 1000 }, (_, i) => ({ x: Math.cos(i / 100), y: Math.sin(i / 100), z: i / 100 }));
  const coords = Float64Array.from(points.flatMap((p) => [p.x, p.y, p.z]));
  const megabyteText = 'The Quick Brown Fox jumps over the lazy dog. '.repeat(22_000).slice(0, 1_000_000);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const jsObject = { items: [1, 2, 3], len() { return this.items.length; } };
  const sum32 = (arrays) => {
    let sum = 0;
    for (const a of arrays) for (let i = 0; i < a.length; i++) sum = (sum + a[i]) >>> 0;
    return sum;
  };

  const hold = (resource, free) => {
    held.push(() => free(resource));
    return resource;
  };
  const disposeOf = (resource) => resource[Symbol.dispose]();
  const freeOf = (object) => object.free();

  const record = hold(new records.BinaryRecord('sum32'), disposeOf);
  record.setHeader(header);
  const pool = hold(new pools.BufferPool(), disposeOf);
  const smallBuffer = hold(new bytes.ByteBuffer(0), disposeOf);
  const article = baseline && {
    floatBuffer: hold(new baseline.FloatBuffer(floatsIn.length), freeOf),
    record: hold(new baseline.BinaryData(), freeOf),
    pool: hold(new baseline.MemoryPool(), freeOf),
    pointPool: hold(new baseline.Point3DPool(100), freeOf),
    smallBuffer: hold(new baseline.ByteBuffer(0), freeOf),
  };
  article?.record.set_header(header);

  const jobs = [
    {
      name: '1 MiB byte buffer in and out',
      target: 1.0,
      memkit() {
        // In with one copy, out with one copy: `take` moves the bytes out of the buffer.
        return bytes.ByteBuffer.take(bytes.ByteBuffer.fromList(data));
      },
      baseline() {
        const b = new baseline.ByteBuffer(data.length);
        b.from_js_array(data);
        b.to_js_array().slice();
        b.free();
      },
      js() {
        data.slice().slice();
      },
    },
    {
      name: '1 M floats: process, read out, sum',
      target: 0.3,
      memkit() {
        const f = floats.FloatBuffer.fromList(floatsIn);
        f.process();
        const sum = f.sum();
        floats.FloatBuffer.take(f);
        return sum;
      },
      baseline() {
        const f = article.floatBuffer;
        f.from_js_array(floatsIn);
        f.process_data();
        f.to_js_array().slice();
        return f.sum();
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
      name: '64 KiB record serialize + deserialize',
      target: 0.05,
      memkit() {
        record.setPayload(payload);
        const frame = record.serialize();
        records.BinaryRecord.deserialize(frame, 'sum32')[Symbol.dispose]();
      },
      baseline() {
        article.record.set_payload(payload);
        const frame = article.record.serialize();
        baseline.BinaryData.deserialize(frame).free();
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
      name: 'company of 1000: build, to JSON, back',
      target: 0.4,
      memkit() {
        const company = { name: companyName, foundedYear: 1843, employees: employees.map((e) => ({ ...e })) };
        return people.companyFromJson(people.companyToJson(company));
      },
      baseline() {
        const company = new baseline.Company(companyName, 1843);
        for (const e of employees) company.add_employee(new baseline.Person(e.name, e.age, e.email));
        const json = company.to_json();
        company.free();
        baseline.Company.from_json(json).free();
      },
      js() {
        const company = { name: companyName, founded_year: 1843, employees: employees.map((e) => ({ ...e })) };
        return JSON.parse(JSON.stringify(company));
      },
    },
    {
      name: '1000 pool acquire + release',
      target: 1.0,
      memkit() {
        for (let i = 0; i < 1000; i++) pool.release(pool.acquire(1000));
      },
      baseline() {
        for (let i = 0; i < 1000; i++) article.pool.return_buffer(article.pool.get_buffer(1024));
      },
      js() {
        let keep;
        for (let i = 0; i < 1000; i++) keep = new Uint8Array(1024);
        return keep;
      },
    },
    {
      name: 'path of 1000 points',
      target: 0.05,
      memkit() {
        // The points as they would be kept for memkit: interleaved in one Float64Array.
        return pathOf.pathLengthXyz(coords);
      },
      baseline() {
        // The article's way: a pooled point per coordinate triple, a distance call per pair.
        const pointPool = article.pointPool;
        let total = 0;
        let previous = pointPool.get_point(points[0].x, points[0].y, points[0].z);
        for (let i = 1; i < points.length; i++) {
          const point = pointPool.get_point(points[i].x, points[i].y, points[i].z);
          total += point.distance_to(previous);
          pointPool.return_point(previous);
          previous = point;
        }
        pointPool.return_point(previous);
        return total;
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
      target: 0.2,
      memkit() {
        return text.swapCase(megabyteText);
      },
      baseline() {
        return baseline.process_string_zero_copy(megabyteText);
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
      target: 2.0,
      memkit() {
        return smallBuffer.len();
      },
      baseline() {
        return article.smallBuffer.len();
      },
      js() {
        return jsObject.len();
      },
    },
  ];
  for (const job of jobs) if (!baseline) delete job.baseline;
  return jobs;
}

/**
 * Runs every job for every contestant it has, in `rounds` interleaved rounds (the order of
 * contestants rotates from round to round, so none always runs on a warmer machine).
 * `onRound(round)` is called after each round; `onJob(row)` as each job's last round ends.
 * Resolves to rows `{ name, target, times: { contestant: { median, min, max } } }`, each time
 * the median, fastest and slowest of the per-round medians.
 */
export async function runRounds(jobs, { rounds = 5, samples = 7, sampleMs = 15, onRound, onJob } = {}) {
  const runs = jobs.map(() => ({}));
  for (let round = 0; round < rounds; round++) {
    for (const [j, job] of jobs.entries()) {
      const present = CONTESTANTS.filter((who) => job[who]);
      const order = present.map((_, k) => present[(k + round + j) % present.length]);
      for (const who of order) (runs[j][who] ??= []).push(measure(job[who], { samples, sampleMs }));
      await new Promise((resolve) => setTimeout(resolve, 0)); // let a page paint
      if (round === rounds - 1) onJob?.(summarize(job, runs[j]));
    }
    onRound?.(round + 1);
  }
  return jobs.map((job, j) => summarize(job, runs[j]));
}

function summarize(job, runs) {
  const times = {};
  for (const [who, values] of Object.entries(runs)) {
    times[who] = { median: median(values), min: Math.min(...values), max: Math.max(...values) };
  }
  return { name: job.name, target: job.target, times };
}

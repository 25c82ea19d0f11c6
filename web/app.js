// The demo page: one function per section, each calling memkit and rendering what came back.
import * as memkit from './memkit/memkit.js';
import * as article from './memkit-article/memkit-article.js';
import { describeError } from './memkit/errors.js';
import { toBase64 } from './memkit/base64.js';
import { recordLayout } from './memkit/record-layout.js';
import { formatTime, runRounds, scenarios } from './bench/jobs.js';
import { floatInput, floatJob } from './float-job.js';

// memkit's data plane, and the article's examples from their own component.
const { memory, bytes, records, pools, chunks } = memkit;
const { floats, text, people } = article;
const $ = (id) => document.getElementById(id);
const MIB = 1 << 20;

/**
 * What went wrong: a memkit error's WIT value (jco's ComponentError carries it as `payload`,
 * and the worker posts it as such) in the package's words, any other error as it says.
 */
function errorText(error) {
  return error?.payload === undefined ? String(error) : describeError(error.payload);
}

const hex = (n) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/**
 * Runs `action(own)` and, however it ends (it returns or throws), releases every memkit handle
 * it passed to `own`, the last first; `own(handle)` returns the handle. A handle that a call
 * consumed on the way (`take`, a pool's `release` or `put`) has nothing left to release.
 * `action` is synchronous. This is what `using` does; the page does not use `using` because
 * Safari cannot parse it yet, and a syntax error would stop the whole page.
 */
function withHandles(action) {
  const owned = [];
  try {
    return action((handle) => {
      owned.push(handle);
      return handle;
    });
  } finally {
    for (const handle of owned.reverse()) handle[Symbol.dispose]();
  }
}

/** Wires a button to an action; errors are shown in `output`, never thrown away. */
function onClick(buttonId, output, action) {
  $(buttonId).addEventListener('click', async () => {
    $(buttonId).disabled = true;
    try {
      await action();
    } catch (error) {
      output.textContent = `error: ${errorText(error)}`;
      output.classList.add('error');
    } finally {
      $(buttonId).disabled = false;
      sampleMemory();
    }
  });
}

// ── Memory info, with a live chart of used bytes ──────────────────────────────────────────
const usedSamples = [];

/** Samples memory.info(): the chart gets a point and the table shows the latest values. */
function sampleMemory() {
  const info = memory.info();
  usedSamples.push(Number(info.usedBytes));
  if (usedSamples.length > 200) usedSamples.shift();
  drawMemoryChart();
  renderMemoryTable(info);
}

function drawMemoryChart() {
  const canvas = $('memory-chart');
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  const max = Math.max(1, ...usedSamples);
  g.strokeStyle = '#4f66c9';
  g.lineWidth = 2;
  g.beginPath();
  usedSamples.forEach((used, i) => {
    const x = (i / 199) * canvas.width;
    const y = canvas.height - 6 - (used / max) * (canvas.height - 24);
    i === 0 ? g.moveTo(x, y) : g.lineTo(x, y);
  });
  g.stroke();
  g.fillStyle = '#1d2330';
  g.font = '12px system-ui';
  g.fillText(`used bytes (max shown ${max.toLocaleString()})`, 8, 14);
}

function renderMemoryTable(info = memory.info()) {
  $('memory-table').innerHTML = Object.entries(info)
    .map(([key, value]) => `<tr><th>${key}</th><td>${value.toLocaleString()}</td></tr>`)
    .join('');
}

onClick('memory-refresh', $('memory-table'), () => renderMemoryTable());

// ── Byte buffer ──────────────────────────────────────────────────────────────────────────
onClick('bytes-run', $('bytes-result'), () => withHandles((own) => {
  const data = new Uint8Array(MIB).map((_, i) => i % 251);
  const start = performance.now();
  const buffer = own(bytes.ByteBuffer.fromList(data));
  const lines = [`fromList(1 MiB): len ${buffer.len().toLocaleString()}, capacity ${buffer.capacity().toLocaleString()}`];
  buffer.fill(0, 16, 0xab);
  const head = [...buffer.read(0, 20)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  lines.push(`fill(0, 16, 0xab), read(0, 20): ${head}`);
  const out = buffer.toList();
  lines.push(`toList: ${out.length.toLocaleString()} bytes, tail unchanged: ${out.subarray(16).every((b, i) => b === data[i + 16])}`);
  lines.push(`round trip took ${formatTime(performance.now() - start)}`);
  try {
    buffer.read(0xffffffff, 2);
  } catch (error) {
    lines.push(`read(4294967295, 2) → ${errorText(error)} (no trap; the buffer still answers: len ${buffer.len()})`);
  }
  const taken = bytes.ByteBuffer.take(buffer); // moves the bytes out and ends the handle
  lines.push(`take: ${taken.length.toLocaleString()} bytes moved out, the handle is gone`);
  $('bytes-result').textContent = lines.join('\n');
}));

// ── A module Web Worker with its own memkit, for the float and upload work ───────────────
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const workerReady = new Promise((resolve) => {
  worker.addEventListener('message', function ready({ data }) {
    if (!data.ready) return;
    worker.removeEventListener('message', ready);
    resolve();
  });
});
let lastJob = 0;

/** Runs `job` in the worker: `transfer` lists ArrayBuffers handed over (not copied). */
async function inWorker(job, args, { transfer = [], onProgress } = {}) {
  await workerReady;
  const id = ++lastJob;
  return new Promise((resolve, reject) => {
    const listen = ({ data }) => {
      if (data.id !== id) return;
      if ('progress' in data) {
        onProgress?.(data.progress);
        return;
      }
      worker.removeEventListener('message', listen);
      if ('error' in data) reject(Object.assign(new Error(data.error.message), { payload: data.error.payload }));
      else resolve(data.result);
    };
    worker.addEventListener('message', listen);
    worker.postMessage({ id, job, ...args }, transfer);
  });
}

/** Runs `work` while a 5 ms heartbeat measures the page's longest stall; [result, stall ms]. */
async function measuringStalls(work) {
  let last = performance.now();
  let longest = 0;
  const beat = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  };
  const timer = setInterval(beat, 5);
  try {
    const result = await work();
    beat();
    return [result, longest];
  } finally {
    clearInterval(timer);
  }
}

// ── Float buffer ─────────────────────────────────────────────────────────────────────────
onClick('floats-run', $('floats-result'), async () => {
  const rounds = Math.max(1, Number($('floats-rounds').value) || 1);
  const useWorker = $('floats-worker').checked;
  const input = floatInput();
  const [{ took, first, stats }, stall] = await measuringStalls(() => (useWorker
    ? inWorker('floats', { input, rounds }, { transfer: [input.buffer] })
    : floatJob(article, input, rounds)));
  $('floats-result').textContent = [
    `process (tan∘cos∘sin) of 1,000,000 floats${rounds > 1 ? `, ${rounds} rounds` : ''}: ${formatTime(took)}, ` +
      (useWorker ? 'in a Web Worker' : 'on the main thread'),
    `first values: ${first.map((x) => x.toFixed(6)).join(', ')}`,
    `sum ${stats.sum.toFixed(4)} · min ${stats.min.toFixed(6)} · max ${stats.max.toFixed(6)} · mean ${stats.mean.toFixed(6)}`,
    `the page's longest stall meanwhile: ${formatTime(stall)}`,
  ].join('\n');
});

// ── Swap case ────────────────────────────────────────────────────────────────────────────
onClick('swap-run', $('swap-output'), () => {
  $('swap-output').textContent = text.swapCase($('swap-input').value);
});

// ── JSON ─────────────────────────────────────────────────────────────────────────────────
function parsePerson(json) {
  try {
    const person = people.personFromJson(json);
    return `person → name ${JSON.stringify(person.name)}, age ${person.age}, email ${JSON.stringify(person.email)}\n` +
      `and back → ${people.personToJson(person)}`;
  } catch (error) {
    return `json-error: ${errorText(error)}`;
  }
}

onClick('json-parse', $('json-result'), () => {
  $('json-result').textContent = parsePerson($('json-input').value);
});

onClick('json-break', $('json-result'), () => {
  $('json-input').value = '{"name": "Ada Lovelace", "age": 4294967296, "email": "ada@example.com"}';
  $('json-result').textContent = parsePerson($('json-input').value);
});

onClick('json-company', $('json-result'), () => {
  const company = {
    name: 'Analytical Engines Ltd',
    foundedYear: 1843,
    employees: Array.from({ length: 1000 }, (_, i) => ({ name: `Employee ${i}`, age: 20 + (i % 45), email: `e${i}@example.com` })),
  };
  const start = performance.now();
  const json = people.companyToJson(company);
  const back = people.companyFromJson(json);
  const took = performance.now() - start;
  $('json-result').textContent = [
    `company of ${back.employees.length} employees → ${json.length.toLocaleString()} bytes of JSON and back in ${formatTime(took)} (two calls)`,
    `starts: ${json.slice(0, 90)}…`,
    `last employee back: ${JSON.stringify(back.employees.at(-1))}`,
  ].join('\n');
});

// ── Binary records ───────────────────────────────────────────────────────────────────────
let lastFrame;

function renderFrame(frame) {
  const { headerBytes, payloadOffset, checksumBytes } = recordLayout;
  const payloadEnd = frame.length - checksumBytes;
  const part = (i) => (i < headerBytes ? 'hdr' : i < payloadOffset ? 'len' : i < payloadEnd ? 'pay' : 'sum');
  $('record-hex').innerHTML = [...frame]
    .map((b, i) => `<span class="${part(i)}">${b.toString(16).padStart(2, '0')}</span>`)
    .join('');
}

onClick('record-serialize', $('record-status'), () => withHandles((own) => {
  const kind = $('record-kind').value;
  const record = own(new records.BinaryRecord(kind));
  record.setHeader(new TextEncoder().encode($('record-header').value));
  record.setPayload(new TextEncoder().encode($('record-payload').value));
  lastFrame = record.serialize();
  renderFrame(lastFrame);
  const back = own(records.BinaryRecord.deserialize(lastFrame, kind));
  $('record-status').textContent =
    `${lastFrame.length} bytes, ${kind} checksum ${hex(record.checksum())}; deserialize → payload ` +
    `${JSON.stringify(new TextDecoder().decode(back.payload()))}`;
  $('record-status').classList.remove('error');
}));

onClick('record-corrupt', $('record-status'), () => {
  if (!lastFrame) $('record-serialize').click();
  const corrupt = lastFrame.slice();
  corrupt[recordLayout.payloadOffset] ^= 0x20; // the first payload byte
  renderFrame(corrupt);
  try {
    records.BinaryRecord.deserialize(corrupt, $('record-kind').value)[Symbol.dispose]();
    $('record-status').textContent = 'the corrupted record was accepted (this should not happen)';
  } catch (error) {
    $('record-status').textContent = `byte ${recordLayout.payloadOffset} flipped → ${errorText(error)}`;
    $('record-status').classList.add('error');
  }
});

// ── Pools ────────────────────────────────────────────────────────────────────────────────
onClick('pool-run', $('pool-result'), () => withHandles((own) => {
  const pool = own(new pools.BufferPool());
  const start = performance.now();
  for (let i = 0; i < 1000; i++) {
    const buffer = own(pool.acquire(100 + (i % 4) * 1000));
    buffer.append(new Uint8Array(64).fill(i));
    pool.release(buffer);
  }
  const took = performance.now() - start;
  const stats = pool.stats();
  $('pool-table').innerHTML =
    `<tr><th>class</th>${[...stats.classes].map((c) => `<td>${c}</td>`).join('')}</tr>` +
    `<tr><th>waiting</th>${[...stats.free].map((n) => `<td>${n}</td>`).join('')}</tr>`;
  const points = Array.from({ length: 1000 }, (_, i) => ({ x: Math.cos(i / 100), y: Math.sin(i / 100), z: i / 100 }));
  const pointPool = own(new article.points.PointPool(100));
  let total = 0;
  let previous = own(pointPool.get(points[0].x, points[0].y, points[0].z));
  for (const p of points.slice(1)) {
    const next = own(pointPool.get(p.x, p.y, p.z));
    total += previous.distanceTo(next);
    pointPool.put(previous);
    previous = next;
  }
  pointPool.put(previous);
  const waiting = pointPool.size();
  $('pool-result').textContent = [
    `1000 acquire + append + release in ${formatTime(took)}`,
    `hits ${stats.hits} · misses ${stats.misses} · released ${stats.released} · discarded ${stats.discarded} · retained ${stats.retainedBytes} bytes`,
    `point pool: path of 1000 points ${total.toFixed(6)} (${waiting} points waiting for reuse)`,
    `pathLength, one call: ${article.points.pathLength(points).toFixed(6)}`,
    `pathLengthXyz over one Float64Array: ${article.points.pathLengthXyz(Float64Array.from(points.flatMap((p) => [p.x, p.y, p.z]))).toFixed(6)}`,
  ].join('\n');
}));

// ── Chunked upload ───────────────────────────────────────────────────────────────────────
// In the worker: the file is read once (`File.stream()`), through memkit hashers
// (`hashStream` from the package's Web Streams adapters) into memkit's chunk assembler
// (`assemble`); the page shows the progress, the digests as S3's headers carry them, and
// the worker's live allocations before and after.
$('upload-file').addEventListener('change', async () => {
  const file = $('upload-file').files[0];
  if (!file) return;
  const status = $('upload-status');
  status.classList.remove('error');
  status.textContent = `${file.name}: ${file.size.toLocaleString()} bytes`;
  $('upload-digests').innerHTML = '';
  const choice = $('upload-expected-algorithm').selectedOptions[0];
  const expected = choice.value ? { algorithm: choice.value, base64: $('upload-expected').value.trim() } : undefined;
  let painted = 0;
  const onProgress = ({ received, totalSize, progress }) => {
    if (progress < 1 && performance.now() - painted < 50) return;
    painted = performance.now();
    $('upload-progress').value = progress;
    $('upload-percent').textContent = `${Math.floor(progress * 100)} %`;
    $('upload-missing').textContent = `${(totalSize - received).toLocaleString()} bytes to go`;
  };
  const liveBefore = await inWorker('liveAllocations');
  try {
    const { received, pieces, took, digests } = await inWorker('upload', { file, expected }, { onProgress });
    const mibPerSecond = received / MIB / (took / 1000);
    status.textContent += `\nmemkit assembled ${received.toLocaleString()} bytes read once in ${pieces} pieces, ` +
      `hashed on the way, in ${formatTime(took)} (${mibPerSecond.toFixed(0)} MiB/s)`;
    if (expected) status.textContent += `\nthe assembler checked the whole against the expected ${choice.text}: match`;
    $('upload-digests').innerHTML = digests.map(([header, value]) => `<tr><th>${header}</th><td>${value}</td></tr>`).join('');
  } catch (error) {
    status.textContent += `\nerror: ${errorText(error)}`;
    status.classList.add('error');
  }
  status.textContent += `\nlive allocations in the worker's memkit: ${liveBefore} before, ${await inWorker('liveAllocations')} after`;
});

// ── Streams (the async world, over JSPI) ─────────────────────────────────────────────────
// `web/memkit-async` is the `memkit-async` world as jco 1.35 transpiles it: its glue needs
// JSPI (`WebAssembly.Suspending`) even to load, so it is imported on first use, and only where
// the browser has JSPI. The file's `File.stream()` goes to `streams.digest` as it is; memkit
// reads the stream itself and gives the digest when it ends.
const hasJspi = typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';
let memkitAsync;
if (!hasJspi) {
  $('streams-file').disabled = true;
  $('streams-status').textContent = 'this browser has no JSPI (WebAssembly.Suspending): the section needs Chromium 137 or later';
}
$('streams-file').addEventListener('change', async () => {
  const file = $('streams-file').files[0];
  if (!file) return;
  const status = $('streams-status');
  status.classList.remove('error');
  const algorithm = $('streams-algorithm').value;
  status.textContent = `${file.name}: ${file.size.toLocaleString()} bytes`;
  try {
    memkitAsync ??= await import('./memkit-async/memkit-async.js');
    const live = () => Number(memkitAsync.memory.info().liveAllocations);
    const liveBefore = live();
    const started = performance.now();
    const digest = await memkitAsync.streams.digest(file.stream(), algorithm);
    const took = performance.now() - started;
    const rate = file.size >= MIB && took ? ` (${(file.size / MIB / (took / 1000)).toFixed(0)} MiB/s)` : '';
    status.textContent += `\nstreams.digest (${algorithm}) read the stream in one call, in ${formatTime(took)}${rate}` +
      `\nhex ${[...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('')}` +
      `\nbase64 ${toBase64(digest)}` +
      `\nlive allocations in memkit-async: ${liveBefore} before, ${live()} after`;
  } catch (error) {
    status.textContent += `\nerror: ${errorText(error)}`;
    status.classList.add('error');
  }
});

// ── Benchmarks ───────────────────────────────────────────────────────────────────────────
/** The article's wasm-bindgen module, when `cargo xtask baseline` has built it into the page. */
async function loadBaseline() {
  try {
    const baseline = await import('./baseline/memkit_baseline.js');
    await baseline.default();
    return baseline;
  } catch {
    return undefined;
  }
}

const LABELS = { memkit: 'memkit', baseline: "the article's module", js: 'plain JS' };

onClick('bench-run', $('bench-table'), async () => {
  const chart = $('bench-chart');
  const table = $('bench-table');
  chart.innerHTML = '';
  const baseline = await loadBaseline();
  const contestants = baseline ? ['memkit', 'baseline', 'js'] : ['memkit', 'js'];
  table.innerHTML = `<tr><th>job</th>${contestants.map((who) => `<th>${LABELS[who]}</th>`).join('')}` +
    (baseline ? '<th>memkit / module</th><th>target</th>' : '') + '</tr>';
  $('bench-status').textContent = baseline ? '' : "the article's module is not built here (cargo xtask baseline)";
  const { jobs, dispose } = scenarios({ memkit, memkitArticle: article, baseline });
  try {
    await runRounds(jobs, {
      rounds: 3,
      onJob({ name, target, times }) {
        const present = contestants.filter((who) => times[who]);
        const longest = Math.max(...present.map((who) => times[who].median));
        chart.insertAdjacentHTML('beforeend', `<div class="row"><span>${name}</span><div class="bars">` +
          present.map((who) => `<div class="${who}" style="width:${(times[who].median / longest) * 100}%" ` +
            `title="${LABELS[who]} ${formatTime(times[who].median)}"></div>`).join('') + '</div></div>');
        const cell = (who) => `<td>${times[who] ? formatTime(times[who].median) : '—'}</td>`;
        const ratio = baseline ? times.memkit.median / times.baseline.median : undefined;
        table.insertAdjacentHTML('beforeend', `<tr><td>${name}</td>${contestants.map(cell).join('')}` +
          (baseline ? `<td>${ratio.toFixed(2)}</td><td>≤ ${target}</td>` : '') + '</tr>');
        sampleMemory();
      },
    });
  } finally {
    dispose();
  }
  chart.insertAdjacentHTML('beforeend', '<p class="legend">' +
    contestants.map((who) => `<span class="${who}">${LABELS[who]}</span>`).join(' ') + '</p>');
});

sampleMemory();
setInterval(sampleMemory, 500);
$('status').textContent = `memkit loaded: ${memory.info().pages} pages of linear memory, the article's component ${article.memory.info().pages}; no imports`;

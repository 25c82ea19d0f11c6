// The demo page in real headless Chromium (Debian's, driven by playwright-core): every
// section's button is clicked and what it renders is checked.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';
import { recordLayout } from 'memkit/record-layout';
import { references } from './references.mjs';

const webRoot = fileURLToPath(new URL('../../web/', import.meta.url));
const screenshotPath = fileURLToPath(new URL('../../target/web-demo.png', import.meta.url));
const benchPath = fileURLToPath(new URL('../../target/browser-bench.md', import.meta.url));
const uploadBenchPath = fileURLToPath(new URL('../../target/browser-upload.md', import.meta.url));
const streamsBenchPath = fileURLToPath(new URL('../../target/browser-streams.md', import.meta.url));
const largeFilePath = fileURLToPath(new URL('../../target/upload-100mib.bin', import.meta.url));
let server, browser, page;
const pageErrors = [];

before(async () => {
  mkdirSync(fileURLToPath(new URL('../../target/', import.meta.url)), { recursive: true });
  const served = await serve(webRoot, 0);
  server = served.server;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  await page.goto(served.url);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('memkit loaded'));
});

after(async () => {
  if (page) {
    await page.screenshot({ path: screenshotPath, fullPage: true });
  }
  await browser?.close();
  server?.close();
});

const textOf = (id) => page.locator(`#${id}`).textContent();

/** Clicks `buttonId` and waits until `#resultId` shows text matching `pattern`. */
async function clickAndWait(buttonId, resultId, pattern) {
  await page.click(`#${buttonId}`);
  await page.waitForFunction(
    ([id, source]) => new RegExp(source).test(document.getElementById(id).textContent),
    [resultId, pattern.source],
    { timeout: 60_000 },
  );
  return textOf(resultId);
}

/**
 * Live allocations in the page's components (the module instances app.js imported): memkit's
 * and the article's, added.
 */
const liveAllocations = () => page.evaluate(async () =>
  Number((await import('./memkit/memkit.js')).memory.info().liveAllocations)
  + Number((await import('./memkit-article/memkit-article.js')).memory.info().liveAllocations));

test('the page loads memkit and the article with no errors', async () => {
  assert.match(await textOf('status'), /memkit loaded: \d+ pages of linear memory, the article's component \d+; no imports/);
});

test('memory info shows counted bytes', async () => {
  await page.click('#memory-refresh');
  const table = await textOf('memory-table');
  for (const key of ['pages', 'totalBytes', 'usedBytes', 'freeBytes', 'peakUsedBytes', 'liveAllocations']) {
    assert.ok(table.includes(key), `${key} in ${table}`);
  }
  const drawn = await page.evaluate(() => {
    const canvas = document.getElementById('memory-chart');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    return pixels.some((value, i) => i % 4 === 3 && value > 0);
  });
  assert.ok(drawn, 'the used-bytes chart has been drawn');
});

test('byte buffer: a mebibyte round trip and an out-of-bounds error', async () => {
  const result = await clickAndWait('bytes-run', 'bytes-result', /out-of-bounds/);
  assert.match(result, /len 1,048,576/);
  assert.match(result, /ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab 10 11 12 13/);
  assert.match(result, /tail unchanged: true/);
  assert.match(result, /read\(4294967295, 2\) → out-of-bounds: offset 4294967295, len 2, buffer size 1048576 \(no trap/);
  assert.match(result, /take: 1,048,576 bytes moved out/);
});

test('float buffer: process, sum and stats of a million floats', async () => {
  const result = await clickAndWait('floats-run', 'floats-result', /mean/);
  assert.match(result, /first values: 1\.557408, 1\.557406/);
  const sum = Number(/sum ([\d.]+)/.exec(result)[1]);
  assert.ok(Math.abs(sum - 1013219.04) < 1, `sum ${sum}`);
});

test('float work in the Web Worker leaves the page answering; on the main thread it stalls it', async () => {
  const clear = () => page.evaluate(() => {
    document.getElementById('floats-result').textContent = '';
    document.getElementById('swap-output').textContent = '';
  });
  const stallOf = (text) => {
    const [, value, unit] = /longest stall meanwhile: ([\d.]+) (ms|µs)/.exec(text);
    return unit === 'ms' ? Number(value) : Number(value) / 1000;
  };
  await page.fill('#floats-rounds', '40');
  await page.fill('#swap-input', 'Still Here');
  // In the worker: the page answers a click while the work runs.
  await page.setChecked('#floats-worker', true);
  await clear();
  await page.click('#floats-run');
  await page.click('#swap-run');
  await page.waitForFunction(() => document.getElementById('swap-output').textContent === 'sTILL hERE');
  assert.equal(await textOf('floats-result'), '', 'the swap answered before the float work ended');
  await page.waitForFunction(() => /longest stall/.test(document.getElementById('floats-result').textContent), null, { timeout: 60_000 });
  const inWorker = await textOf('floats-result');
  // On the main thread: the page stalls for as long as the work.
  await page.setChecked('#floats-worker', false);
  await clear();
  const onMain = await clickAndWait('floats-run', 'floats-result', /longest stall/);
  console.log(`# page's longest stall, 40 rounds of a million floats: in the worker ${stallOf(inWorker)} ms, on the main thread ${stallOf(onMain)} ms`);
  assert.match(inWorker, /in a Web Worker/);
  assert.match(onMain, /on the main thread/);
  assert.ok(stallOf(onMain) > 3 * stallOf(inWorker), `${stallOf(onMain)} ms vs ${stallOf(inWorker)} ms`);
  await page.fill('#floats-rounds', '1');
  await page.setChecked('#floats-worker', true);
});

test('swap case', async () => {
  await page.fill('#swap-input', 'Hello, WebAssembly! Grüße');
  const out = await clickAndWait('swap-run', 'swap-output', /\S/);
  assert.equal(out, 'hELLO, wEBaSSEMBLY! gRüßE');
});

test('JSON: a person, an age above u32, a company of 1000', async () => {
  assert.match(await clickAndWait('json-parse', 'json-result', /person/), /name "Ada Lovelace", age 36/);
  const error = await clickAndWait('json-break', 'json-result', /json-error/);
  assert.match(error, /json-error: invalid: invalid value: integer `4294967296`, expected u32 at line 1 column \d+/);
  const company = await clickAndWait('json-company', 'json-result', /company of/);
  assert.match(company, /company of 1000 employees → [\d,]+ bytes of JSON and back/);
  assert.match(company, /"name":"Employee 999"/);
});

test('binary records: hex view of every part, and the corrupted-byte error', async () => {
  const status = await clickAndWait('record-serialize', 'record-status', /deserialize/);
  assert.match(status, /39 bytes, sum32 checksum 0x00000994; deserialize → payload "Hello, records!"/);
  const parts = await page.evaluate(() =>
    ['hdr', 'len', 'pay', 'sum'].map((c) => document.querySelectorAll(`#record-hex .${c}`).length));
  const { headerBytes, lengthBytes, checksumBytes } = recordLayout;
  assert.deepEqual(parts, [headerBytes, lengthBytes, 'Hello, records!'.length, checksumBytes]);
  const corrupt = await clickAndWait('record-corrupt', 'record-status', /checksum-mismatch/);
  assert.match(corrupt, new RegExp(`byte ${recordLayout.payloadOffset} flipped → checksum-mismatch: stored 0x00000994, computed 0x000009b4`));
  await page.selectOption('#record-kind', 'crc32c');
  await clickAndWait('record-serialize', 'record-status', /crc32c/);
  assert.match(await clickAndWait('record-corrupt', 'record-status', /flipped/), /checksum-mismatch/);
});

test('pools: reuse shows in the stats', async () => {
  const result = await clickAndWait('pool-run', 'pool-result', /pathLengthXyz/);
  assert.match(result, /hits 998 · misses 2 · released 1000 · discarded 0/);
  assert.match(result, /path of 1000 points 14\.127964/);
  assert.match(result, /pathLength, one call: 14\.127964/);
  assert.match(result, /pathLengthXyz over one Float64Array: 14\.127964/);
  assert.match(await textOf('pool-table'), /class64256102440961638465536/);
});

test('every section releases its handles, on an error path too', async () => {
  // A handle the page forgets shows as allocations still live after its action. The float
  // work runs on the main thread here, in the page's own memkit.
  await page.setChecked('#floats-worker', false);
  const header = await page.inputValue('#record-header');
  const found = [];
  const check = async (label, buttonId, resultId, pattern) => {
    await page.evaluate((id) => { document.getElementById(id).textContent = ''; }, resultId);
    const before = await liveAllocations();
    await clickAndWait(buttonId, resultId, pattern);
    const after = await liveAllocations();
    found.push(`${label}: ${before} → ${after}`);
    assert.equal(after, before, `${label} left allocations live: ${found.join('; ')}`);
  };
  for (const [buttonId, resultId, pattern] of [
    ['bytes-run', 'bytes-result', /take:/],
    ['floats-run', 'floats-result', /mean/],
    ['json-company', 'json-result', /company of/],
    ['record-serialize', 'record-status', /deserialize/],
    ['record-corrupt', 'record-status', /flipped/],
    ['pool-run', 'pool-result', /pathLengthXyz/],
  ]) {
    await check(buttonId, buttonId, resultId, pattern);
  }
  // One byte too many: setHeader fails with the record already created.
  await page.fill('#record-header', `${header}!`);
  await check('record-serialize of a header one byte too long', 'record-serialize', 'record-status', /^error: /);
  console.log(`# live allocations before and after each section: ${found.join('; ')}`);
  await page.fill('#record-header', header);
  await page.setChecked('#floats-worker', true);
});

/** `length` bytes of a fixed pattern, the same on every run. */
function generatedBytes(length) {
  const data = Buffer.alloc(length);
  for (let i = 0; i < length; i++) data[i] = (i * 2654435761) >>> 13 & 0xff;
  return data;
}

/** The upload section's digests as S3 would carry them, computed in Node by the references. */
const s3Digests = (data) => [
  ['x-amz-checksum-crc32c', 'crc32c'],
  ['x-amz-checksum-crc64nvme', 'crc64-nvme'],
  ['x-amz-checksum-sha256', 'sha256'],
].map(([header, algorithm]) => [header, Buffer.from(references[algorithm](data)).toString('base64')]);

/**
 * Gives the upload section `file` (`{ name, mimeType, buffer }` or a path), with `expected`
 * (`{ algorithm, base64 }`) or none, and resolves to its status once the upload has ended
 * (the status's last line: the worker's live allocations), and the digests it shows.
 */
async function upload(file, expected) {
  await page.selectOption('#upload-expected-algorithm', expected?.algorithm ?? '');
  await page.fill('#upload-expected', expected?.base64 ?? '');
  await page.evaluate(() => { document.getElementById('upload-status').textContent = ''; });
  await page.setInputFiles('#upload-file', file);
  await page.waitForFunction(() => /live allocations in the worker's memkit: \d+ before, \d+ after$/
    .test(document.getElementById('upload-status').textContent), null, { timeout: 120_000 });
  const status = await textOf('upload-status');
  const [, before, after] = /(\d+) before, (\d+) after$/.exec(status);
  assert.equal(after, before, `the worker released what the upload held: ${status}`);
  const digests = await page.locator('#upload-digests tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((cell) => cell.textContent)));
  return { status, digests };
}

test('a file read once shows its CRC-32C, CRC-64/NVME and SHA-256 in base64, equal to the references', async () => {
  const data = generatedBytes(3 * 1024 * 1024 + 12345);
  const { status, digests } = await upload({ name: 'generated.bin', mimeType: 'application/octet-stream', buffer: data });
  assert.match(status, /^generated\.bin: 3,158,073 bytes\nmemkit assembled 3,158,073 bytes read once in \d+ pieces, hashed on the way, in [\d.]+ ms \(\d+ MiB\/s\)\n/);
  assert.deepEqual(digests, s3Digests(data));
  assert.equal(await textOf('upload-percent'), '100 %');
  assert.equal(await page.locator('#upload-progress').evaluate((p) => p.value), 1);
  assert.equal(await textOf('upload-missing'), '0 bytes to go');
});

test('a digest known before the read is checked by the assembler: a match, and a mismatch with both values', async () => {
  const data = generatedBytes(1024 * 1024 + 7);
  const file = { name: 'known.bin', mimeType: 'application/octet-stream', buffer: data };
  for (const [algorithm, label] of [['sha256', 'SHA-256'], ['crc32c', 'CRC-32C'], ['crc64-nvme', 'CRC-64/NVME']]) {
    const digest = references[algorithm](data);
    const { status } = await upload(file, { algorithm, base64: Buffer.from(digest).toString('base64') });
    assert.match(status, new RegExp(`\nthe assembler checked the whole against the expected ${label}: match\n`));
    const wrong = digest.map((byte, i) => (i === digest.length - 1 ? byte ^ 0x80 : byte));
    const refused = await upload(file, { algorithm, base64: Buffer.from(wrong).toString('base64') });
    const hex = (bytes) => Buffer.from(bytes).toString('hex');
    assert.match(refused.status, new RegExp(`\nerror: invalid: ${algorithm} mismatch: expected 0x${hex(wrong)}, computed 0x${hex(digest)}\n`));
    assert.deepEqual(refused.digests, []);
  }
  await upload(file); // the section as it was: nothing expected
});

test('the worker reads and hashes a 100 MiB file (time written to target/browser-upload.md)', async () => {
  const data = generatedBytes(100 * 1024 * 1024);
  writeFileSync(largeFilePath, data);
  try {
    const { status, digests } = await upload(largeFilePath);
    const [, pieces, ms, rate] = /read once in (\d+) pieces, hashed on the way, in ([\d.]+) ms \((\d+) MiB\/s\)/.exec(status);
    assert.deepEqual(digests, s3Digests(data));
    const version = await browser.version();
    const line = `Chromium ${version} (headless): a 100 MiB file read once in the page's worker, ` +
      `${pieces} pieces through memkit's CRC-32C, CRC-64/NVME and SHA-256 hashers into its chunk assembler: ` +
      `${ms} ms (${rate} MiB/s)`;
    writeFileSync(uploadBenchPath, `${line}\n`);
    console.log(`# ${line}`);
  } finally {
    rmSync(largeFilePath, { force: true });
  }
});

/**
 * Gives the streams section (the `memkit-async` world, over JSPI) `file` with `algorithm`
 * chosen, and resolves to its status once `streams.digest` has answered (the status's last
 * line: memkit-async's live allocations, the same after as before).
 */
async function streamDigest(file, algorithm) {
  await page.selectOption('#streams-algorithm', algorithm);
  await page.evaluate(() => { document.getElementById('streams-status').textContent = ''; });
  await page.setInputFiles('#streams-file', file);
  await page.waitForFunction(() => /live allocations in memkit-async: \d+ before, \d+ after$|\nerror: /
    .test(document.getElementById('streams-status').textContent), null, { timeout: 120_000 });
  const status = await textOf('streams-status');
  const [, before, after] = /(\d+) before, (\d+) after$/.exec(status) ?? [];
  assert.ok(before !== undefined, `streams.digest answered: ${status}`);
  assert.equal(after, before, `memkit-async released what the digest held: ${status}`);
  return status;
}

/** What the streams section shows for `data`'s `algorithm` digest, after its timing line. */
const streamDigestLines = (data, algorithm) => {
  const digest = references[algorithm](data);
  return `\nhex ${Buffer.from(digest).toString('hex')}\nbase64 ${Buffer.from(digest).toString('base64')}\n`;
};

test('streams section: streams.digest reads a File.stream() in one call, each algorithm equal to its reference', async () => {
  assert.equal(await page.evaluate(() => typeof WebAssembly.Suspending), 'function', 'this Chromium has JSPI');
  const data = generatedBytes(3 * 1024 * 1024 + 12345);
  const file = { name: 'generated.bin', mimeType: 'application/octet-stream', buffer: data };
  for (const algorithm of ['crc32', 'crc32c', 'crc64-nvme', 'sha256', 'md5']) {
    const status = await streamDigest(file, algorithm);
    assert.ok(status.startsWith(`generated.bin: 3,158,073 bytes\nstreams.digest (${algorithm}) read the stream in one call, in `), status);
    assert.match(status, / ms \(\d+ MiB\/s\)\n/);
    assert.ok(status.includes(streamDigestLines(data, algorithm)), `${algorithm}: ${status}`);
  }
  const empty = Buffer.alloc(0);
  const status = await streamDigest({ name: 'empty.bin', mimeType: 'application/octet-stream', buffer: empty }, 'sha256');
  assert.ok(status.includes(streamDigestLines(empty, 'sha256')), status);
});

test('streams section: a 100 MiB file through streams.digest (time written to target/browser-streams.md)', async () => {
  const data = generatedBytes(100 * 1024 * 1024);
  writeFileSync(largeFilePath, data);
  try {
    const status = await streamDigest(largeFilePath, 'sha256');
    assert.ok(status.includes(streamDigestLines(data, 'sha256')), status);
    const [, ms, rate] = /in one call, in ([\d.]+) ms \((\d+) MiB\/s\)/.exec(status);
    const version = await browser.version();
    const line = `Chromium ${version} (headless): a 100 MiB file's File.stream() into streams.digest (SHA-256) ` +
      `of memkit-async, transpiled by jco 1.35 (JSPI), on the main thread: ${ms} ms (${rate} MiB/s)`;
    writeFileSync(streamsBenchPath, `${line}\n`);
    console.log(`# ${line}`);
  } finally {
    rmSync(largeFilePath, { force: true });
  }
});

test("benchmark panel draws memkit against the article's module and plain JS", async () => {
  const live = await liveAllocations();
  await page.click('#bench-run');
  await page.waitForFunction(() => document.querySelectorAll('#bench-table tr').length === 9, null, { timeout: 180_000 });
  const rows = await page.locator('#bench-table tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((cell) => cell.textContent)));
  assert.deepEqual(rows[0], ['job', 'memkit', "the article's module", 'plain JS', 'memkit / module', 'target']);
  assert.match(rows[1][0], /^1 MiB byte buffer in and out/);
  const version = await browser.version();
  const table = rows.map((cells) => `| ${cells.join(' | ')} |`);
  table.splice(1, 0, '|---|---|---|---|---|---|');
  writeFileSync(benchPath, `Chromium ${version} (headless), 3 interleaved rounds:\n\n${table.join('\n')}\n`);
  const bars = await page.locator('#bench-chart .bars > div').count();
  assert.equal(bars, 24, 'three bars per job');
  assert.equal(await textOf('bench-status'), '', "the article's module loaded");
  await page.waitForFunction(() => !document.getElementById('bench-run').disabled);
  assert.equal(await liveAllocations(), live, 'the jobs released what they held');
});

test('`using` releases a handle at the end of its block', async () => {
  // Node 20 cannot parse `using` yet; this Chromium can, so the page checks it.
  const [before, during, after] = await page.evaluate(async () => {
    const { bytes, memory } = await import('./memkit/memkit.js');
    const scoped = new Function('bytes', 'memory', `
      const before = memory.info().usedBytes;
      let during;
      {
        using buffer = new bytes.ByteBuffer(1 << 20);
        during = memory.info().usedBytes;
      }
      return [before, during, memory.info().usedBytes].map(String);
    `);
    return scoped(bytes, memory);
  });
  assert.ok(BigInt(during) >= BigInt(before) + (1n << 20n), `${before} → ${during}`);
  assert.equal(after, before);
});

test('errors read with their values in Chromium too', async () => {
  const [message, tag] = await page.evaluate(async () => {
    const { bytes } = await import('./memkit/memkit.js');
    const buffer = bytes.ByteBuffer.fromList(new Uint8Array(4));
    try {
      buffer.read(3, 2);
    } catch (error) {
      return [error.message, error.payload.tag];
    } finally {
      buffer[Symbol.dispose]();
    }
    return ['no error', ''];
  });
  assert.equal(message, 'out-of-bounds: offset 3, len 2, buffer size 4');
  assert.equal(tag, 'out-of-bounds');
});

test('no errors were reported by the page', () => {
  assert.deepEqual(pageErrors, []);
});

// The packages as a bundler user gets them: `npm pack` of js/ (memkit) and of article/js/
// (memkit-article), installed into a fresh project in a temporary directory, imported by one
// small app that webpack 5, Vite (its dev server and `vite build`) and esbuild each build with
// no configuration file; each page runs in Chromium and shows what both components answered. The bundlers are the ones pinned in
// test/bundlers/package.json (`cargo xtask js` installs them). The commands are README's.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';
import { run } from './helpers.mjs';

const jsDir = fileURLToPath(new URL('..', import.meta.url));
const articleDir = fileURLToPath(new URL('../../article/js', import.meta.url));
const bin = (name) => fileURLToPath(new URL(`./bundlers/node_modules/.bin/${name}`, import.meta.url));
let project, browser, devServer;
const servers = [];

// One app for every bundler: memkit's buffers, a checksum, and the streams module (which
// imports the glue too, so a second copy of memkit would show as a second instance); and the
// article's swap-case and path length, from its own package.
const app = `
import { bytes, checksums, memory } from 'memkit';
import { digest } from 'memkit/streams';
import { toBase64 } from 'memkit/base64';
import { points, text } from 'memkit-article';

async function main() {
  const buffer = bytes.ByteBuffer.fromList(new Uint8Array([1, 2, 3]));
  buffer.append(new Uint8Array([4]));
  const hasher = new checksums.Hasher('crc32c');
  hasher.update(new TextEncoder().encode('123456789'));
  const answers = [Array.from(buffer.toList()), toBase64(hasher.digest())];
  const streamed = await digest(new Blob(['123456789']).stream(), 'sha256');
  const live = Number(memory.info().liveAllocations);
  buffer[Symbol.dispose]();
  hasher[Symbol.dispose]();
  const article = [text.swapCase('Ok'), points.pathLengthXyz(new Float64Array([0, 0, 0, 3, 4, 0]))];
  return [...answers, toBase64(streamed), Number(memory.info().liveAllocations) < live, ...article];
}
main().then(
  (result) => { document.body.dataset.result = JSON.stringify(result); },
  (error) => { document.body.dataset.result = JSON.stringify({ error: String(error) }); },
);
`;

/** Writes `files` (path relative to `dir` → text) under `dir`. */
function write(dir, files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

const page = (script) => `<!doctype html><html><body>${script}</body></html>\n`;

before(() => {
  project = mkdtempSync(join(tmpdir(), 'memkit-bundlers-'));
  for (const dir of [jsDir, articleDir]) run('npm', ['pack', '--silent', '--pack-destination', project], dir);
  const tarballs = readdirSync(project).filter((name) => name.endsWith('.tgz')).map((name) => `./${name}`);
  assert.equal(tarballs.length, 2);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', ...tarballs], project);
});

after(async () => {
  await browser?.close();
  devServer?.kill();
  for (const server of servers) server.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Opens `url` in Chromium and returns what the app put in `body[data-result]`. */
async function resultOf(url) {
  browser ??= await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (error) => errors.push(String(error)));
  await tab.goto(url);
  await tab.waitForFunction(() => document.body.dataset.result, null, { timeout: 30_000 });
  const result = JSON.parse(await tab.evaluate(() => document.body.dataset.result));
  await tab.close();
  assert.deepEqual(errors, []);
  return result;
}

/** Serves the built `dir` as static files and returns the result of its page. */
async function runBuilt(dir) {
  const built = await serve(dir, 0);
  servers.push(built.server);
  return resultOf(built.url);
}

/**
 * What every page shows: the buffer's bytes, the CRC-32C of "123456789" (its check value
 * 0xE3069283) and the streamed SHA-256 in base64, and that disposing freed memkit's memory;
 * then the article's swap-case and path length.
 */
function assertMemkitAnswered(result) {
  const sha256 = createHash('sha256').update('123456789').digest('base64');
  assert.deepEqual(result, [[1, 2, 3, 4], '4waSgw==', sha256, true, 'oK', 5]);
}

/**
 * The glue a bundler took is the browser's: no file it wrote has jco's Node branch, neither
 * its import (which Vite replaces by an empty module) nor its `process.versions.node` test.
 */
function assertNoNodeBranch(dir) {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.(js|mjs)$/.test(entry.name)) {
      const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      assert.doesNotMatch(text, /node:fs|versions\.node/, `${entry.name} has jco's Node branch`);
    }
  }
}

test('webpack 5 builds the app with no configuration and it runs in Chromium', async () => {
  const dir = join(project, 'webpack');
  write(dir, { 'src/index.js': app, 'dist/index.html': page('<script src="main.js"></script>') });
  run(bin('webpack'), ['--mode', 'production'], dir);
  assertNoNodeBranch(join(dir, 'dist'));
  assertMemkitAnswered(await runBuilt(join(dir, 'dist')));
});

test('vite build builds the app with no configuration and it runs in Chromium', async () => {
  const dir = join(project, 'vite-build');
  write(dir, { 'index.html': page('<script type="module" src="/src/index.js"></script>'), 'src/index.js': app });
  run(bin('vite'), ['build'], dir);
  assertNoNodeBranch(join(dir, 'dist'));
  assertMemkitAnswered(await runBuilt(join(dir, 'dist')));
});

test("Vite's dev server serves the app with no configuration and it runs in Chromium", async () => {
  const dir = join(project, 'vite-dev');
  write(dir, { 'index.html': page('<script type="module" src="/src/index.js"></script>'), 'src/index.js': app });
  const port = await freePort();
  devServer = spawn(bin('vite'), ['--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}/`;
  await waitUntilServed(url, devServer);
  assertMemkitAnswered(await resultOf(url));
});

test('esbuild bundles the app and, with the .wasm copied beside the bundle, it runs in Chromium', async () => {
  const dir = join(project, 'esbuild');
  write(dir, { 'src/index.js': app, 'dist/index.html': page('<script type="module" src="index.js"></script>') });
  run(bin('esbuild'), ['src/index.js', '--bundle', '--format=esm', '--outdir=dist'], dir);
  for (const name of ['memkit', 'memkit-article']) {
    copyFileSync(join(project, `node_modules/${name}/dist/browser/${name}.core.wasm`), join(dir, `dist/${name}.core.wasm`));
  }
  assertNoNodeBranch(join(dir, 'dist'));
  assertMemkitAnswered(await runBuilt(join(dir, 'dist')));
});

/** A TCP port nothing listens on, for the dev server's `--strictPort`. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** Waits until `url` answers, failing with the server's output if it exits first. */
async function waitUntilServed(url, server) {
  let output = '';
  server.stdout.on('data', (data) => { output += data; });
  server.stderr.on('data', (data) => { output += data; });
  const exited = new Promise((_, reject) => server.on('exit', (code) => reject(new Error(`vite exited (${code}):\n${output}`))));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const answered = await Promise.race([fetch(url).then((r) => r.ok, () => false), exited]);
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`vite did not serve ${url} in 30 s:\n${output}`);
}

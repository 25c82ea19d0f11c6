// The packages a user gets: `npm pack` of js/ (memkit) and of article/js/ (memkit-article),
// each installed alone into a fresh project in a temporary directory (outside the repository,
// so nothing resolves from here), imported from ESM, and a small TypeScript user file
// type-checked against its types with `tsc --noEmit`.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './helpers.mjs';

const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

/** A package, packed and installed alone into a fresh project. */
function installed(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const project = mkdtempSync(join(tmpdir(), `${manifest.name}-user-`));
  const [{ files }] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', project], dir));
  const [tarball] = readdirSync(project).filter((name) => name.endsWith('.tgz'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', `./${tarball}`], project);
  return { dir, manifest, project, packedFiles: files.map((file) => file.path) };
}

const packages = {};
before(() => {
  packages.memkit = installed(fileURLToPath(new URL('..', import.meta.url)));
  packages.article = installed(fileURLToPath(new URL('../../article/js', import.meta.url)));
});

after(() => {
  for (const { project } of Object.values(packages)) rmSync(project, { recursive: true, force: true });
});

/**
 * The files a user's import can reach: those package.json's `main`, `types` and `exports`
 * name, and every file they name in turn by a relative specifier (`from './…'`, the glue's
 * `new URL('./memkit.core.wasm', import.meta.url)`); in a `.d.ts`, `./x.js` means `./x.d.ts`,
 * as TypeScript resolves it. Paths relative to js/.
 */
function reachableFiles({ dir: jsDir, manifest }) {
  const entries = [manifest.main, manifest.types, ...Object.values(manifest.exports).flatMap(Object.values)];
  const pending = entries.map((entry) => posix.normalize(entry));
  const reached = new Set();
  while (pending.length) {
    const file = pending.pop();
    if (reached.has(file)) continue;
    reached.add(file);
    if (!/\.(js|ts)$/.test(file) || !existsSync(join(jsDir, file))) continue;
    const text = readFileSync(join(jsDir, file), 'utf8');
    for (const [, specifier] of text.matchAll(/(?:\bfrom|\bnew URL\()\s*'(\.\.?\/[^']+)'/g)) {
      const target = posix.join(posix.dirname(file), specifier);
      pending.push(file.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target);
    }
  }
  return reached;
}

for (const [key, directory] of [['memkit', 'js'], ['article', 'article/js']]) {
  test(`${key}: the tarball carries exactly what an import can reach, package.json and the README`, () => {
    const pkg = packages[key];
    const expected = [...reachableFiles(pkg), 'package.json', 'README.md'].sort();
    const wasm = `dist/${pkg.manifest.name}.core.wasm`;
    assert.ok(expected.includes(wasm), `the glue's component is found: ${expected.join(', ')}`);
    assert.deepEqual(pkg.packedFiles.sort(), expected);
  });

  test(`${key}: package.json says where its source is and that importing it has no side effects`, () => {
    // npm's page links the repository; bundlers drop a module whose exports go unused only when
    // `sideEffects` is false (the glue instantiates the component when loaded, for its exports alone).
    const { manifest } = packages[key];
    assert.deepEqual(manifest.repository, { type: 'git', url: 'git+https://github.com/memkit/memkit.git', directory });
    assert.equal(manifest.sideEffects, false);
  });

  test(`${key}: every entry point has a browser build, the same modules beside a glue without the Node branch`, () => {
    const { manifest, project } = packages[key];
    for (const [subpath, conditions] of Object.entries(manifest.exports)) {
      assert.deepEqual(Object.keys(conditions), ['types', 'browser', 'default'], subpath);
      assert.equal(conditions.browser, conditions.default.replace('./dist/', './dist/browser/'), subpath);
    }
    const glue = (dir) => readFileSync(join(project, 'node_modules', manifest.name, dir, `${manifest.name}.js`), 'utf8');
    assert.match(glue('dist'), /import\('node:fs\/promises'\)/);
    assert.doesNotMatch(glue('dist/browser'), /node:|process\.versions/);
  });

  test(`${key}: every entry point of \`exports\` loads in a fresh project`, () => {
    const { manifest, project } = packages[key];
    const specifiers = Object.keys(manifest.exports).map((subpath) => posix.join(manifest.name, subpath));
    writeFileSync(join(project, 'entries.mjs'), `
      const specifiers = ${JSON.stringify(specifiers)};
      const loaded = await Promise.all(specifiers.map(async (s) => [s, Object.keys(await import(s)).length]));
      console.log(JSON.stringify(loaded));
    `);
    for (const [specifier, names] of JSON.parse(run('node', ['entries.mjs'], project))) {
      assert.ok(names > 0, `${specifier} exports nothing`);
    }
  });
}

test('memkit-article alone: a fresh project imports it from ESM and calls it', () => {
  const { project } = packages.article;
  writeFileSync(join(project, 'user.mjs'), `
    import { floats, people, points, text, memory } from 'memkit-article';
    import { describeError } from 'memkit-article/errors';
    const person = people.personFromJson('{"name":"Ada","age":36,"email":"a@b"}');
    const f = floats.FloatBuffer.fromList(new Float32Array([1, 2, 3]));
    let error = '';
    try { people.personFromJson('{}'); } catch (e) { error = describeError(e.payload).split(' at ')[0]; }
    console.log(JSON.stringify([text.swapCase('Ok'), person.name, f.sum(), points.pathLengthXyz(new Float64Array([0, 0, 0, 3, 4, 0])), error, memory.info().pages > 0]));
  `);
  const output = JSON.parse(run('node', ['user.mjs'], project));
  assert.deepEqual(output, ['oK', 'Ada', 6, 5, 'invalid: missing field `name`', true]);
});

test('a fresh project imports memkit from ESM and calls it', () => {
  const { project } = packages.memkit;
  writeFileSync(join(project, 'user.mjs'), `
    import { bytes, records } from 'memkit';
    import { assemble, digest } from 'memkit/streams';
    import { toBase64 } from 'memkit/base64';
    import { describeError } from 'memkit/errors';
    import { recordLayout } from 'memkit/record-layout';
    const streamed = await assemble(ReadableStream.from([new Uint8Array([7, 8])]), { totalSize: 2 });
    const digits = new TextEncoder().encode('123456789');
    const crc = toBase64(await digest(ReadableStream.from([digits.subarray(0, 4), digits.subarray(4)]), 'crc32c'));
    const buffer = bytes.ByteBuffer.fromList(new Uint8Array([1, 2, 3]));
    buffer.append(new Uint8Array([4]));
    const record = new records.BinaryRecord('crc32c');
    record.setPayload(buffer.toList());
    let error = '';
    try { buffer.read(9, 1); } catch (e) { error = [e.message, describeError(e.payload)]; }
    console.log(JSON.stringify([Array.from(buffer.toList()), record.serialize().length - recordLayout.overheadBytes, error, Array.from(streamed), crc, Array.from(bytes.ByteBuffer.take(buffer))]));
  `);
  const output = JSON.parse(run('node', ['user.mjs'], project));
  const outOfBounds = 'out-of-bounds: offset 9, len 1, buffer size 4';
  assert.deepEqual(output, [[1, 2, 3, 4], 4, [outOfBounds, outOfBounds], [7, 8], '4waSgw==', [1, 2, 3, 4]]);
});

test('a TypeScript user file type-checks against the types of both packages', () => {
  // Installed side by side, as an app that uses both would have them.
  const { project } = packages.memkit;
  const article = readdirSync(packages.article.project).find((name) => name.endsWith('.tgz'));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', join(packages.article.project, article)], project);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, lib: ['es2022', 'dom'] },
    files: ['user.ts'],
  }));
  writeFileSync(join(project, 'user.ts'), `
    import { bytes, checksums, chunks } from 'memkit';
    import { people, points } from 'memkit-article';
    import { assemble, digest, hashStream, recordStream, type Frame, type HashStream } from 'memkit/streams';
    import { fromBase64, toBase64 } from 'memkit/base64';
    import { describeError } from 'memkit/errors';
    import { recordLayout } from 'memkit/record-layout';
    const frames: TransformStream<Uint8Array, Frame> = recordStream({ checksum: 'sum32' });
    const assembled: Promise<Uint8Array> = assemble(new ReadableStream<Uint8Array>(), { totalSize: 0 });
    const held: Promise<bytes.ByteBuffer> = assemble(new ReadableStream<Uint8Array>(), { totalSize: 0, as: 'buffer' });
    const buffer: bytes.ByteBuffer = bytes.ByteBuffer.fromList(new Uint8Array([1]));
    const length: number = buffer.len();
    const assembler = chunks.ChunkAssembler.create(4, undefined);
    assembler.writeAt(0, new Uint8Array(4));
    const person: people.Person = people.personFromJson('{"name":"A","age":1,"email":""}');
    const json: string = people.personToJson(person);
    const back: Uint8Array = bytes.ByteBuffer.take(buffer);
    const xyz: number = points.pathLengthXyz(new Float64Array(6));
    const hasher = new checksums.Hasher('crc64-nvme');
    hasher.update(back);
    const header: string = toBase64(hasher.digest());
    const hashed: HashStream = hashStream('sha256');
    const piped: ReadableStream<Uint8Array> = new ReadableStream<Uint8Array>().pipeThrough(hashed);
    const sha256: Promise<Uint8Array> = digest(piped, 'sha256', { onProgress: ({ received }) => received, signal: AbortSignal.timeout(1000) });
    const checked: Promise<Uint8Array> = assemble(new ReadableStream<Uint8Array>(), { totalSize: 0, expected: { algorithm: 'md5', digest: fromBase64('1B2M2Y8AsgTpgAmY7PhCfg==') } });
    const message: string = describeError({ tag: 'out-of-memory', val: 1 });
    const overhead: number = recordLayout.overheadBytes;
    export { length, json, frames, assembled, held, xyz, header, sha256, checked, message, overhead };
  `);
  run('node', [tsc, '-p', 'tsconfig.json'], project);
  // A wrong use is refused: the types are real, not \`any\`.
  writeFileSync(join(project, 'user.ts'), `
    import { bytes } from 'memkit';
    const wrong: string = bytes.ByteBuffer.fromList(new Uint8Array([1])).len();
    export { wrong };
  `);
  assert.throws(() => run('node', [tsc, '-p', 'tsconfig.json'], project), /TS2322/);
});

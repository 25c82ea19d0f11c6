// The package a user gets: `npm pack` of js/, installed into a fresh project in a temporary
// directory (outside the repository, so nothing resolves from here), imported from ESM, and
// a small TypeScript user file type-checked against its types with `tsc --noEmit`.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const jsDir = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(jsDir, 'node_modules/typescript/bin/tsc');
let project;

/** Runs a command in `cwd`; a failure's message carries what it printed. */
function run(command, args, cwd) {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    error.message += `\n${error.stdout}${error.stderr}`;
    throw error;
  }
}

before(() => {
  project = mkdtempSync(join(tmpdir(), 'memkit-user-'));
  run('npm', ['pack', '--silent', '--pack-destination', project], jsDir);
  const [tarball] = readdirSync(project).filter((name) => name.endsWith('.tgz'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', `./${tarball}`], project);
});

after(() => project && rmSync(project, { recursive: true, force: true }));

test('the tarball carries the glue, the component, the types and the README', () => {
  const files = readdirSync(join(project, 'node_modules/memkit'), { recursive: true });
  for (const file of ['package.json', 'README.md', 'dist/memkit.js', 'dist/memkit.d.ts', 'dist/memkit.core.wasm', 'dist/streams.js', 'dist/streams.d.ts', 'dist/crc32c.js', 'dist/crc32c.d.ts', 'dist/bench.js', 'dist/bench.d.ts']) {
    assert.ok(files.includes(file), `${file} is missing from ${files.join(', ')}`);
  }
});

test('a fresh project imports it from ESM and calls it', () => {
  writeFileSync(join(project, 'user.mjs'), `
    import { bytes, text, records } from 'memkit';
    import { assemble } from 'memkit/streams';
    import { crc32c } from 'memkit/crc32c';
    const streamed = await assemble(ReadableStream.from([new Uint8Array([7, 8])]), { totalSize: 2 });
    const buffer = bytes.ByteBuffer.fromList(new Uint8Array([1, 2, 3]));
    buffer.append(new Uint8Array([4]));
    const record = new records.BinaryRecord('crc32c');
    record.setPayload(buffer.toList());
    let error = '';
    try { buffer.read(9, 1); } catch (e) { error = e.message; }
    console.log(JSON.stringify([text.swapCase('Ok'), Array.from(buffer.toList()), record.serialize().length, error, Array.from(streamed), crc32c(new TextEncoder().encode('123456789')), Array.from(bytes.ByteBuffer.take(buffer))]));
  `);
  const output = JSON.parse(run('node', ['user.mjs'], project));
  assert.deepEqual(output, ['oK', [1, 2, 3, 4], 28, 'out-of-bounds: offset 9, len 1, buffer size 4', [7, 8], 0xe3069283, [1, 2, 3, 4]]);
});

test('a TypeScript user file type-checks against the types', () => {
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, lib: ['es2022', 'dom'] },
    files: ['user.ts'],
  }));
  writeFileSync(join(project, 'user.ts'), `
    import * as memkit from 'memkit';
    import { bytes, chunks, people, pools } from 'memkit';
    import { assemble, recordStream, type Frame } from 'memkit/streams';
    import { crc32c } from 'memkit/crc32c';
    import { formatTime, measure, scenarios } from 'memkit/bench';
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
    const xyz: number = pools.pathLengthXyz(new Float64Array(6));
    const checksum: number = crc32c(back);
    const { jobs, dispose } = scenarios({ memkit });
    const label: string = formatTime(measure(jobs[0].memkit, { samples: 1 }));
    dispose();
    export { length, json, frames, assembled, held, xyz, checksum, label };
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

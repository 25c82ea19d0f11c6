// The README's Node snippets, run as written at the top level of this module (an xtask test
// checks that each README block is a block of this file), then checked against the reference digests.
import assert from 'node:assert/strict';
import { references } from './references.mjs';
import { chunks } from 'memkit'; // npm i <path to memkit/js>

const assembler = chunks.ChunkAssembler.create(6);
assembler.writeAt(3, new Uint8Array([4, 5, 6]));
assembler.writeAt(0, new Uint8Array([1, 2, 3])); // any order
const buffer = assembler.finish();
assert.deepEqual(buffer.toList(), new Uint8Array([1, 2, 3, 4, 5, 6]));
buffer[Symbol.dispose]();
assembler[Symbol.dispose]();

import { assemble, digest, hashStream } from 'memkit/streams';

const file = new Blob([new Uint8Array(300_000).map((_, i) => i % 251)]); // a File, say
const progress = [];
const bytes = await assemble(file.stream(), { totalSize: file.size, onProgress: (p) => progress.push(p.progress) });
const sha256 = await digest(file.stream(), 'sha256');
const crc = hashStream('crc32c'); // a pass-through: pipe it on to where the bytes go
await file.stream().pipeThrough(crc).pipeTo(new WritableStream());
const crc32c = await crc.digest;

const expected = new Uint8Array(await file.arrayBuffer());
assert.deepEqual(bytes, expected);
assert.equal(progress.at(-1), 1);
assert.deepEqual(sha256, references.sha256(expected));
assert.deepEqual(crc32c, references.crc32c(expected));

// The Node harness: the eight jobs of jobs.js through the shipped `memkit` package, the
// article's wasm-bindgen module (bench/baseline) and plain JavaScript, in one process, in
// interleaved rounds; prints a markdown table of medians, min–max and ratios of the same run.
//   node run.mjs [--rounds N] [--smoke]     (cargo xtask bench builds everything first;
//   MEMKIT_BASELINE_PKG names the baseline's bindings, default target/baseline/pkg)
// --smoke runs each job once per contestant and checks that they agree, and that memkit's live
// allocations are back where they were once the jobs are disposed: seconds, no timing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as memkit from 'memkit';
import * as memkitArticle from 'memkit-article';
import { formatTime, runRounds, scenarios } from './jobs.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 7;

const pkg = process.env.MEMKIT_BASELINE_PKG
  ? pathToFileURL(`${process.env.MEMKIT_BASELINE_PKG}/`)
  : new URL('../../target/baseline/pkg/', import.meta.url);
const baseline = await import(new URL('memkit_baseline.js', pkg).href);
baseline.initSync({ module: readFileSync(new URL('memkit_baseline_bg.wasm', pkg)) });

const liveBefore = [memkit.memory.info().liveAllocations, memkitArticle.memory.info().liveAllocations];
const { jobs, dispose } = scenarios({ memkit, memkitArticle, baseline });

if (smoke) {
  // The contestants must do the same work: compare what each returns where it returns a value.
  for (const job of jobs) {
    const results = { memkit: job.memkit(), baseline: job.baseline?.(), js: job.js?.() };
    if (typeof results.memkit === 'number' && typeof results.js === 'number' && job.name.startsWith('path')) {
      assert.ok(Math.abs(results.memkit - results.js) < 1e-9 * results.js, `${job.name}: memkit ${results.memkit}, JS ${results.js}`);
      assert.ok(Math.abs(results.baseline - results.js) < 1e-9 * results.js, `${job.name}: module ${results.baseline}, JS ${results.js}`);
    }
    if (typeof results.memkit === 'string') {
      assert.equal(results.memkit, results.js, `${job.name}: memkit and JS differ`);
      assert.equal(results.baseline, results.js, `${job.name}: the module and JS differ`);
    }
    console.log(`ok - ${job.name}`);
  }
  dispose();
  assert.equal(memkit.memory.info().liveAllocations, liveBefore[0], 'the jobs left memkit allocations live');
  assert.equal(memkitArticle.memory.info().liveAllocations, liveBefore[1], 'the jobs left memkit-article allocations live');
  console.log('ok - the jobs released what they held');
  process.exit(0);
}

const rows = await runRounds(jobs, {
  rounds,
  onRound: (round) => console.error(`round ${round}/${rounds} done`),
});
dispose();

const range = (t) => (t ? `${formatTime(t.median)} (${formatTime(t.min)}–${formatTime(t.max)})` : '—');
console.log(`Node ${process.version}, ${rounds} interleaved rounds; each cell: median of the round medians (fastest–slowest round).`);
console.log('Ratio: memkit / the article\'s module, medians of the same run; lower is better.\n');
console.log("| job | memkit | the article's module | plain JS | memkit / module | target | |");
console.log('|---|---|---|---|---|---|---|');
for (const { name, target, times } of rows) {
  const ratio = times.memkit.median / times.baseline.median;
  const verdict = ratio <= target ? 'met' : 'missed';
  console.log(`| ${name} | ${range(times.memkit)} | ${range(times.baseline)} | ${range(times.js)} | ${ratio.toFixed(2)} | ≤ ${target} | ${verdict} |`);
}

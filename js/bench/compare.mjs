// Two builds of memkit side by side in one Node process: the scenarios of web/bench.js through
// this package and through another build's glue, in interleaved rounds; medians and ratios.
//   node bench/compare.mjs <path to the other build's dist/memkit.js> [rounds]
// BENCHMARKS.md shows how to build the other one (a git worktree of an earlier commit).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as current from 'memkit';
import { measure, scenarios } from '../../web/bench.js';

const [otherPath, roundsArg = '5'] = process.argv.slice(2);
if (!otherPath) {
  console.error('usage: node bench/compare.mjs <other dist/memkit.js> [rounds]');
  process.exit(2);
}
const rounds = Number(roundsArg);
const other = await import(pathToFileURL(path.resolve(otherPath)).href);
const format = (ms) => (ms < 0.001 ? `${(ms * 1e6).toFixed(1)} ns` : ms < 1 ? `${(ms * 1e3).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const mine = scenarios(current);
const theirs = scenarios(other);
const times = mine.map(() => ({ mine: [], theirs: [] }));
for (let round = 0; round < rounds; round++) {
  mine.forEach((scenario, i) => {
    // Alternate which build goes first, so neither always runs on a warmer machine.
    const order = (round + i) % 2 === 0 ? ['theirs', 'mine'] : ['mine', 'theirs'];
    for (const who of order) {
      const fn = who === 'mine' ? scenario.memkit : theirs[i].memkit;
      times[i][who].push(measure(fn, { samples: 7, sampleMs: 15 }));
    }
  });
  console.error(`round ${round + 1}/${rounds} done`);
}
console.log(`this build vs ${otherPath}, Node ${process.version}, ${rounds} interleaved rounds (median of round medians)\n`);
console.log('| scenario | other build | this build | this / other |');
console.log('|---|---|---|---|');
mine.forEach((scenario, i) => {
  const a = median(times[i].theirs);
  const b = median(times[i].mine);
  console.log(`| ${scenario.name} | ${format(a)} | ${format(b)} | ${(b / a).toFixed(2)} |`);
});

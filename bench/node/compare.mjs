// Two builds of memkit side by side in one Node process: the jobs of jobs.js through
// this package and through another build's glue, in interleaved rounds; medians and ratios.
//   node compare.mjs <path to the other build's dist/memkit.js> [rounds]
// BENCHMARKS.md shows how to build the other one (a git worktree of an earlier commit).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as current from 'memkit';
import { formatTime, runRounds, scenarios } from './jobs.js';

const [otherPath, roundsArg = '5'] = process.argv.slice(2);
if (!otherPath) {
  console.error('usage: node compare.mjs <other dist/memkit.js> [rounds]');
  process.exit(2);
}
const rounds = Number(roundsArg);
const other = await import(pathToFileURL(path.resolve(otherPath)).href);

const mine = scenarios({ memkit: current });
const theirs = scenarios({ memkit: other });
// The other build runs in the `baseline` slot of the interleaved rounds.
const jobs = mine.jobs.map((job, i) => ({ name: job.name, memkit: job.memkit, baseline: theirs.jobs[i].memkit }));
const rows = await runRounds(jobs, { rounds, onRound: (round) => console.error(`round ${round}/${rounds} done`) });
mine.dispose();
theirs.dispose();
console.log(`this build vs ${otherPath}, Node ${process.version}, ${rounds} interleaved rounds (median of round medians)\n`);
console.log('| scenario | other build | this build | this / other |');
console.log('|---|---|---|---|');
for (const { name, times } of rows) {
  const [a, b] = [times.baseline.median, times.memkit.median];
  console.log(`| ${name} | ${formatTime(a)} | ${formatTime(b)} | ${(b / a).toFixed(2)} |`);
}

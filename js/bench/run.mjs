// The benchmark table in Node: every scenario of web/bench.js (the page's benchmark panel),
// memkit next to plain JavaScript, medians and ratios from one run.
//   node bench/run.mjs            (cargo xtask bench builds the package first)
import * as memkit from 'memkit';
import { runAll } from '../../web/bench.js';

const format = (ms) => (ms < 0.001 ? `${(ms * 1e6).toFixed(1)} ns` : ms < 1 ? `${(ms * 1e3).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);

console.log(`memkit vs plain JS in Node ${process.version} (median per operation; ratio < 1: memkit faster)\n`);
console.log(`| scenario | memkit | plain JS | memkit / JS |`);
console.log(`|---|---|---|---|`);
await runAll(memkit, ({ name, memkitMs, jsMs, ratio }) => {
  console.log(`| ${name} | ${format(memkitMs)} | ${format(jsMs)} | ${ratio.toFixed(2)} |`);
}, { samples: 11, sampleMs: 25 });

// The float section's work, written once for both places it runs: the page's main thread and
// the module worker (worker.js).

/**
 * x → tan(cos(sin x)) applied `rounds` times over `input` in a memkit float buffer, then the
 * first values and the stats. `took` is the time of the processing alone, in ms.
 */
export function floatJob({ floats }, input, rounds = 1) {
  const buffer = floats.FloatBuffer.fromList(input);
  try {
    const start = performance.now();
    for (let round = 0; round < rounds; round++) buffer.process();
    const took = performance.now() - start;
    return { took, first: Array.from(buffer.read(0, 4)), stats: buffer.stats() };
  } finally {
    buffer[Symbol.dispose]();
  }
}

/** The float section's input: a million floats, 0.000 to 999.999. */
export const floatInput = () => Float32Array.from({ length: 1_000_000 }, (_, i) => i * 1e-3);

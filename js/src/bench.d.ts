/** A duration in milliseconds, in the unit that reads best (ns, µs or ms). */
export declare function formatTime(ms: number): string;
/** The median of `values`. */
export declare function median(values: number[]): number;
/** The median time of one call of `fn`, in milliseconds. */
export declare function measure(fn: () => unknown, options?: { samples?: number; sampleMs?: number }): number;

export type Contestant = 'memkit' | 'baseline' | 'js';
export declare const CONTESTANTS: Contestant[];

/** One job: a function per contestant that can do it, and the target ratio memkit / baseline. */
export interface Job {
  name: string;
  target: number;
  memkit: () => unknown;
  baseline?: () => unknown;
  js?: () => unknown;
}

/** The eight jobs over the memkit package and, when given, the article's module (initialised). */
export declare function scenarios(modules: { memkit: typeof import('./memkit.js'); baseline?: any }): {
  jobs: Job[];
  /** Frees every resource the jobs hold. */
  dispose(): void;
};

export interface Timing {
  median: number;
  min: number;
  max: number;
}
export interface Row {
  name: string;
  target: number;
  times: Partial<Record<Contestant, Timing>>;
}

/** Runs the jobs in interleaved rounds; medians, min and max of the per-round medians. */
export declare function runRounds(
  jobs: Job[],
  options?: { rounds?: number; samples?: number; sampleMs?: number; onRound?: (round: number) => void; onJob?: (row: Row) => void },
): Promise<Row[]>;

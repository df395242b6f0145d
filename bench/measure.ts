/** Timing helpers shared by the benchmarks. */

/**
 * The milliseconds `fn` takes. Under `--expose-gc` each run starts from a collected heap, so that one run's garbage
 * is not collected during the next.
 */
export function time(fn: () => void): number {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

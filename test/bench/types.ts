/** Benchmark sections: each is a module whose default export is a BenchSection. */
export interface Figure {
  /** What was measured, e.g. 'login-to-prompt (paramiko), median'. */
  metric: string;
  value: number;
  unit: 'ms' | 's' | 'KB' | 'MB' | 'ops/s' | 'count' | string;
  /** Informational target; the runner prints it, never asserts. */
  target?: { op: '<=' | '>='; value: number };
  note?: string;
}

export interface BenchContext {
  /** `--quick`: fewer iterations / smaller scales. */
  quick: boolean;
  log(msg: string): void;
}

export interface BenchSection {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<Figure[]>;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

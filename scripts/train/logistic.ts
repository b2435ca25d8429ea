// L2-regularised logistic regression by Newton's method, on standardised features: small
// enough to read, exact enough to retrain the shipped weights bit for bit.

export interface Example {
  x: readonly number[];
  /** The target in [0, 1]: 1/0 for a yes/no label, or a soft label (cross-entropy takes either). */
  y: number;
  /** How much this example counts (default 1). */
  weight?: number;
}

export interface Fit {
  mean: number[];
  scale: number[];
  weights: number[];
  /** Intercept: the log-odds at average features. */
  bias: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Mean and standard deviation of each feature (a constant feature gets scale 1). */
export function standardise(examples: readonly Example[]): { mean: number[]; scale: number[] } {
  const d = examples[0].x.length;
  const n = examples.length;
  const mean = Array.from({ length: d }, (_, j) => examples.reduce((s, e) => s + e.x[j], 0) / n);
  const scale = mean.map((m, j) => {
    const sd = Math.sqrt(examples.reduce((s, e) => s + (e.x[j] - m) ** 2, 0) / n);
    return sd > 1e-9 ? sd : 1;
  });
  return { mean, scale };
}

/** Solves A v = b (A symmetric positive definite, small) by Gaussian elimination with pivoting. */
export function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const v = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let c = r + 1; c < n; c++) s -= m[r][c] * v[c];
    v[r] = s / m[r][r];
  }
  return v;
}

/**
 * Minimises Σ weight · log-loss + (l2 / 2) · |w|² over standardised features, each clipped to
 * ±zLimit as inference clips them (the intercept is not penalised). Newton steps until the
 * step is negligible.
 */
export function fitLogistic(examples: readonly Example[], l2: number, zLimit = Infinity): Fit {
  const { mean, scale } = standardise(examples);
  const d = mean.length;
  const clip = (z: number) => Math.min(zLimit, Math.max(-zLimit, z));
  const rows = examples.map((e) => [1, ...e.x.map((v, j) => clip((v - mean[j]) / scale[j]))]);
  const theta = new Array<number>(d + 1).fill(0);
  for (let iteration = 0; iteration < 100; iteration++) {
    const gradient = theta.map((t, j) => (j === 0 ? 0 : l2 * t));
    const hessian = theta.map((_, i) => theta.map((__, j) => (i === j && i > 0 ? l2 : 0)));
    examples.forEach((e, k) => {
      const z = rows[k];
      const p = sigmoid(z.reduce((s, v, j) => s + v * theta[j], 0));
      const w = e.weight ?? 1;
      for (let i = 0; i <= d; i++) {
        gradient[i] += w * (p - e.y) * z[i];
        for (let j = 0; j <= d; j++) hessian[i][j] += w * p * (1 - p) * z[i] * z[j];
      }
    });
    const step = solve(hessian, gradient);
    for (let j = 0; j <= d; j++) theta[j] -= step[j];
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return { mean, scale, weights: theta.slice(1), bias: theta[0] };
}

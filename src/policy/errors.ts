import type { ConfigProblem } from './config.js';

/** Every problem found in a configuration, reported at once. */
export class CorsConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}. Fix: ${p.fix}.`);
    super(
      `Invalid CORS configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    );
    this.name = 'CorsConfigError';
    this.problems = problems;
  }
}

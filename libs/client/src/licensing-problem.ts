import type { components } from './generated/openapi';

export type Problem = components['schemas']['Problem'];

/** An answer of the API that is a problem (RFC 9457): `problem.type` is the stable thing to switch on. */
export class LicensingProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${status} ${problem.type}: ${problem.detail ?? problem.title}`);
    this.name = 'LicensingProblem';
  }

  /** The slug of the problem type: `cap-exceeded` for `/problems/cap-exceeded`. */
  get code(): string {
    return this.problem.type.replace(/^\/problems\//, '');
  }
}

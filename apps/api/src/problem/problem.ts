import { HttpException } from '@nestjs/common';

/** RFC 9457 problem details. `type` is a stable relative URI clients may switch on; `detail` is for humans. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Per-field errors of invalid input. */
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface FieldError {
  field: string;
  messages: string[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(slug: string): string {
  return `/problems/${slug}`;
}

/** An HTTP error that already knows its problem document. */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemDetails) {
    super(problem, problem.status);
  }

  static of(status: number, slug: string, title: string, detail?: string, extensions: object = {}) {
    return new ProblemException({ type: problemType(slug), title, status, detail, ...extensions });
  }
}

import { ArgumentsHost, Logger } from '@nestjs/common';
import { ProblemDetailsFilter } from '../src/problem/problem-details.filter';
import { ProblemException } from '../src/problem/problem';

function hostFor(url: string): ArgumentsHost {
  const reply = { status: () => reply, header: () => reply, send: () => reply };
  const request = { url, method: 'GET' };
  return {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as Partial<ArgumentsHost> as ArgumentsHost;
}

/** Issue 13, item 10: a documented 503 (a `minPosition` wait that timed out) is one warn line, not an error with a stack. */
describe('ProblemDetailsFilter logging', () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs a read model that stayed behind as one short warn line', () => {
    const behind = ProblemException.of(
      503,
      'read-model-behind',
      'Read model behind',
      'the read model did not reach position 99 within 5000 ms; retry',
    );
    new ProblemDetailsFilter().catch(behind, hostFor('/v1/tenants/T/licenses?minPosition=99'));
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    const [line] = warn.mock.calls[0] as [unknown];
    expect(typeof line).toBe('string');
    expect(line).toBe(
      '503 /problems/read-model-behind GET /v1/tenants/T/licenses?minPosition=99: the read model did not reach position 99 within 5000 ms; retry',
    );
  });

  it('still logs an unexpected error, with the error, at error level', () => {
    new ProblemDetailsFilter().catch(new Error('boom'), hostFor('/v1/tenants/T/status'));
    expect(error).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();
  });
});

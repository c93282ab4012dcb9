import { ValidationPipe } from '@nestjs/common';
import * as classTransformer from 'class-transformer';
import { AssignLicenseDto } from '../src/ledger/http/license-package.dto';
import { problemValidationPipe } from '../src/common/validation.pipe';
import { ProblemException } from '../src/problem/problem';

/**
 * Issue 15, goal 4: the validation pipe validates as Nest's does but answers the body as sent, never a copy of the
 * DTO instance (class-transformer's classToPlain was 3% of an AssignLicense request's CPU).
 */
describe('problemValidationPipe', () => {
  const pipe = problemValidationPipe();
  const asBody = { type: 'body', metatype: AssignLicenseDto } as const;
  afterEach(() => jest.restoreAllMocks());

  it('answers the very body it was given, without copying it', async () => {
    const copy = jest.spyOn(classTransformer, 'classToPlain');
    const body = { module: 'sales-premium', owner: 'SUPEROFFICE' };
    await expect(pipe.transform(body, asBody)).resolves.toBe(body);
    expect(body).toEqual({ module: 'sales-premium', owner: 'SUPEROFFICE' });
    expect(copy).not.toHaveBeenCalled();
  });

  it('still refuses what the DTO refuses, field by field, with problem+json', async () => {
    const refused = pipe.transform({ module: 'Not A Module', extra: 1 }, asBody);
    await expect(refused).rejects.toBeInstanceOf(ProblemException);
    const problem = (await refused.catch((error: unknown) => error)) as ProblemException;
    expect(problem.getStatus()).toBe(400);
    const fields = (problem.getResponse() as { errors: { field: string }[] }).errors.map(({ field }) => field);
    expect(fields.sort()).toEqual(['extra', 'module']);
  });

  it('leaves values without a DTO as they came (path and query strings, untyped bodies)', async () => {
    await expect(pipe.transform('42', { type: 'query', metatype: Number, data: 'minPosition' })).resolves.toBe('42');
    const body = { records: [] };
    await expect(pipe.transform(body, { type: 'body', metatype: Object })).resolves.toBe(body);
  });

  it("passes a primitive path parameter on without Nest's pipe, and still validates one typed by a DTO", async () => {
    const nests = jest.spyOn(ValidationPipe.prototype, 'transform');
    await expect(pipe.transform('u1', { type: 'param', metatype: String, data: 'userId' })).resolves.toBe('u1');
    expect(nests).not.toHaveBeenCalled();
    await expect(
      pipe.transform({ module: 'Not A Module' }, { type: 'param', metatype: AssignLicenseDto, data: 'x' }),
    ).rejects.toBeInstanceOf(ProblemException);
    expect(nests).toHaveBeenCalledTimes(1);
  });
});

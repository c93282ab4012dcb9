import fc from 'fast-check';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import { OWNER_NAME_RULE } from '@app/domain';
import { AssignLicenseDto, LicensePackageDto } from '../src/ledger/http/license-package.dto';
import { StartSystemEventDto, UpdateSystemEventDto } from '../src/system-events/http/system-event.dto';
import { compileAcceptor } from '../src/common/compiled-validation';
import { problemValidationPipe } from '../src/common/validation.pipe';
import { ProblemException } from '../src/problem/problem';

/**
 * Issue 15, goal 4: a command body that its DTO's compiled rules accept skips class-transformer and class-validator's
 * executor; everything else takes the full pipe. What must hold: the compiled rules accept nothing the full pipe
 * refuses (no rule is lost), and every answer, accepted or refused, is the full pipe's.
 */
type Dto = new () => unknown;
const asBody = (metatype: Dto) => ({ type: 'body', metatype }) as const;
const pipe = problemValidationPipe();
const reference = problemValidationPipe({ compiledRules: false });

/** What a pipe answers: the value it passed on, or the problem's status and body. */
async function answerOf(subject: typeof pipe, value: unknown, metatype: Dto): Promise<unknown> {
  try {
    const passed = await subject.transform(value, asBody(metatype));
    return { passed: passed === value };
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    return { status: error.getStatus(), problem: error.getResponse() };
  }
}

/** The problem's per-field errors, or 'accepted'. */
async function errorsOf(value: unknown, metatype: Dto = AssignLicenseDto): Promise<unknown> {
  const answer = (await answerOf(pipe, value, metatype)) as { problem?: { errors: unknown } };
  return answer.problem === undefined ? 'accepted' : answer.problem.errors;
}

describe('compiled DTO rules', () => {
  afterEach(() => jest.restoreAllMocks());

  it('accepts a valid AssignLicense body without class-transformer or class-validator', async () => {
    const copy = jest.spyOn(classTransformer, 'plainToInstance');
    const validate = jest.spyOn(classValidator, 'validate');
    for (const body of [{ module: 'sales-premium' }, { module: 'web', owner: 'PARTNER1', commandId: 'x' }]) {
      await expect(pipe.transform(body, asBody(AssignLicenseDto))).resolves.toBe(body);
    }
    expect(copy).not.toHaveBeenCalled();
    expect(validate).not.toHaveBeenCalled();
  });

  it('compiles the command DTOs it can judge exactly, and leaves nested ones to the full pipe', () => {
    expect(compileAcceptor(AssignLicenseDto)).toBeDefined();
    expect(compileAcceptor(StartSystemEventDto)).toBeDefined();
    expect(compileAcceptor(UpdateSystemEventDto)).toBeDefined();
    expect(compileAcceptor(LicensePackageDto)).toBeUndefined();
  });

  describe('every AssignLicense rule still refuses, with the same field errors', () => {
    const moduleRule = 'module must match /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/ regular expression';
    it.each([
      ['a module against the pattern', { module: 'Not A Module' }, [{ field: 'module', messages: [moduleRule] }]],
      ['a module too long', { module: 'm'.repeat(65) }, [{ field: 'module', messages: [moduleRule] }]],
      ['no module', {}, [{ field: 'module', messages: [moduleRule] }]],
      ['a module that is no string', { module: 42 }, [{ field: 'module', messages: [moduleRule] }]],
      [
        'an owner in lower case',
        { module: 'web', owner: 'partner' },
        [{ field: 'owner', messages: [OWNER_NAME_RULE] }],
      ],
      ['a null owner', { module: 'web', owner: null }, [{ field: 'owner', messages: [OWNER_NAME_RULE] }]],
      [
        'a commandId that is no string',
        { module: 'web', commandId: 7 },
        [{ field: 'commandId', messages: ['commandId must be a string'] }],
      ],
      [
        'an unknown field',
        { module: 'web', seats: 3 },
        [{ field: 'seats', messages: ['property seats should not exist'] }],
      ],
    ])('%s', async (_, body, errors) => {
      await expect(errorsOf(body)).resolves.toEqual(errors);
    });

    it('an object where a string belongs', async () => {
      await expect(errorsOf({ module: { toString: 'web' } })).resolves.toEqual([
        { field: 'module', messages: [moduleRule] },
      ]);
    });
  });

  it('judges a system event by the other fields it reads (owner for the scope)', async () => {
    await expect(errorsOf({ eventKey: 'NoLogin', scope: 4, owner: 'u1' }, StartSystemEventDto)).resolves.toBe(
      'accepted',
    );
    await expect(errorsOf({ eventKey: 'NoLogin', scope: 1, owner: 'u1' }, StartSystemEventDto)).resolves.toEqual([
      { field: 'owner', messages: ['owner is only given for scopes 3 (group) and 4 (user)'] },
    ]);
  });

  // The property that keeps every rule: over bodies made of the DTOs' own fields (valid and invalid values alike)
  // and strangers, the pipe answers exactly what the full pipe answers.
  const scalar = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('web', 'SUPEROFFICE', 'NoLogin', 'active', 'u1', '2026-11-30T06:00:00Z') },
    { weight: 2, arbitrary: fc.constantFrom('Not A Module', 'x'.repeat(65), 'm'.repeat(2001), '2026-13-01', '') },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 3, arbitrary: fc.integer({ min: -1, max: 5 }) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 2, arbitrary: fc.constant(null) },
  );
  const value = fc.oneof({ weight: 8, arbitrary: scalar }, fc.constant({}), fc.array(scalar, { maxLength: 2 }));
  // A valid body, some of its fields dropped or given another value, and maybe a stranger: near-misses, where a
  // lost rule would show, and enough valid bodies to check acceptance too.
  const bodyOf = (valid: Record<string, unknown>, optional: Record<string, unknown>) =>
    fc
      .tuple(
        fc.subarray(Object.keys(optional)),
        fc.dictionary(fc.constantFrom(...Object.keys(valid), ...Object.keys(optional)), fc.option(value), {
          maxKeys: 2,
        }),
        fc.option(fc.dictionary(fc.constantFrom('seats', 'prototype', 'constructor'), value, { maxKeys: 1 }), {
          freq: 4,
        }),
      )
      .map(([kept, changes, strangers]) => {
        const body: Record<string, unknown> = { ...valid };
        for (const field of kept) body[field] = optional[field];
        for (const [field, change] of Object.entries(changes)) {
          if (change === null) delete body[field];
          else body[field] = change;
        }
        return { ...body, ...strangers };
      });
  const commandId = '0b0c9c1e-5f7e-4f7e-9a51-6f7f4c1d2e3a';
  it.each([
    ['AssignLicenseDto', AssignLicenseDto, { module: 'web' }, { owner: 'SUPEROFFICE', commandId }],
    [
      'StartSystemEventDto',
      StartSystemEventDto,
      { eventKey: 'NoLogin', scope: 4 },
      { owner: 'u1', message: 'down', status: 'active', eta: '2026-11-30T06:00:00Z', activatedBy: 'u1', commandId },
    ],
    [
      'UpdateSystemEventDto',
      UpdateSystemEventDto,
      {},
      { status: 'active', message: 'down', eta: '2026-11-30T06:00:00Z', commandId },
    ],
  ])('answers as the full pipe does, for any body (%s)', async (_, dto, valid, optional) => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(bodyOf(valid, optional), async (sent) => {
        const expected = await answerOf(reference, structuredClone(sent), dto);
        const answered = await answerOf(pipe, sent, dto);
        expect(answered).toEqual(expected);
        if ((answered as { passed?: boolean }).passed === true) accepted++;
      }),
      { numRuns: 1000 },
    );
    // Bodies that pass are among those checked, not only refusals.
    expect(accepted).toBeGreaterThan(0);
  });
});

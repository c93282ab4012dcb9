import { ArgumentMetadata, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { FieldError, ProblemException } from '../problem/problem';
import { Acceptor, compileAcceptor } from './compiled-validation';

/**
 * Nest's validation, its result dropped: the handler gets the value as it came. Nest's pipe, when it does not
 * transform, answers a plain copy of the DTO instance it validated (class-transformer's `classToPlain`, 3% of an
 * AssignLicense request's CPU), which equals what came in: unknown properties are refused, not stripped, and no DTO
 * converts a value (no `@Type` to a non-JSON type, no `@Transform`). So it is told to transform (it then answers the
 * instance, copying nothing), and the value it was given is answered instead.
 */
class ValueAsSentValidationPipe extends ValidationPipe {
  constructor(
    options: ValidationPipeOptions,
    private readonly compiledRules: boolean,
  ) {
    super(options);
  }

  /** Per DTO class, its compiled rules (compiled-validation.ts), or null when only the full pipe can judge it. */
  private readonly acceptors = new Map<ArgumentMetadata['metatype'], Acceptor | null>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A body the DTO's compiled rules accept is one the full pipe would answer as it came; anything else (every
    // refusal included) takes the full pipe, so that its problem+json stays class-validator's, word for word.
    if (this.compiledRules && metadata.type === 'body' && this.acceptorOf(metadata.metatype)?.(value) === true)
      return value;
    // A path parameter of a primitive type is never validated by Nest's pipe (its own pipes, id-params.ts, judge it),
    // and what Nest's pipe would answer (its String() of the value) is dropped here anyway: two per AssignLicense.
    if (metadata.type === 'param' && !this.toValidate(metadata)) return value;
    await super.transform(value, metadata);
    return value;
  }

  /** One map look-up per body once its type is known: untyped bodies (the no-op route's) pay nothing more. */
  private acceptorOf(metatype: ArgumentMetadata['metatype']): Acceptor | null | undefined {
    if (metatype === undefined) return undefined;
    const known = this.acceptors.get(metatype);
    if (known !== undefined) return known;
    const compiled = this.toValidate({ type: 'body', metatype }) ? (compileAcceptor(metatype) ?? null) : null;
    this.acceptors.set(metatype, compiled);
    return compiled;
  }
}

/**
 * Validates bodies against their DTO and answers problem+json with one entry per field. It does not transform:
 * handlers get the body exactly as sent, which matters for signed packages, whose signatures cover every byte.
 * `compiledRules: false` (tests only: the reference the compiled rules are held against) always runs the full pipe.
 */
export function problemValidationPipe({ compiledRules = true } = {}): ValidationPipe {
  return new ValueAsSentValidationPipe(
    {
      // Only so that Nest's pipe copies nothing: what it answers is dropped (see ValueAsSentValidationPipe).
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      exceptionFactory: (errors) => {
        const fields = flatten(errors);
        return ProblemException.of(
          400,
          'invalid-request',
          'Invalid request',
          fields.map((f) => `${f.field}: ${f.messages.join(', ')}`).join('; '),
          { errors: fields },
        );
      },
    },
    compiledRules,
  );
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

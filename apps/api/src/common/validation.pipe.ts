import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ProblemException } from '../problem/problem';

/**
 * Nest's validation, its result dropped: the handler gets the value as it came. Nest's pipe, when it does not
 * transform, answers a plain copy of the DTO instance it validated (class-transformer's `classToPlain`, 3% of an
 * AssignLicense request's CPU), which equals what came in: unknown properties are refused, not stripped, and no DTO
 * converts a value (no `@Type` to a non-JSON type, no `@Transform`). So it is told to transform (it then answers the
 * instance, copying nothing), and the value it was given is answered instead.
 */
class ValueAsSentValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    await super.transform(value, metadata);
    return value;
  }
}

/**
 * Validates bodies against their DTO and answers problem+json with one entry per field. It does not transform:
 * handlers get the body exactly as sent, which matters for signed packages, whose signatures cover every byte.
 */
export function problemValidationPipe(): ValidationPipe {
  return new ValueAsSentValidationPipe({
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
        {
          errors: fields,
        },
      );
    },
  });
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

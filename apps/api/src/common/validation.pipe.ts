import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ProblemException } from '../problem/problem';

/**
 * Validates bodies against their DTO and answers problem+json with one entry per field. It does not transform:
 * handlers get the body exactly as sent, which matters for signed packages, whose signatures cover every byte.
 */
export function problemValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: false,
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

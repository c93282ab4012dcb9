import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';

/** True when class-validator, as the validation pipe runs it, would find nothing to refuse in the value. */
export type Acceptor = (value: unknown) => boolean;

type Check = (body: Record<string, unknown>) => boolean;

/**
 * A DTO's class-validator rules, read once from class-validator's own metadata and flattened into one predicate that
 * calls the very validators class-validator would call (`Matches`, `IsString`, … are not re-implemented here). Per
 * request, the generic executor (grouping the metadata, a ValidationError per property, a promise per validation,
 * class-transformer's copy of the body into a DTO instance before it) was ~10% of an AssignLicense request's
 * main-thread CPU; the predicate is a few calls.
 *
 * It only ever ACCEPTS: a value it does not accept goes through the full pipe, whose answer (the problem+json and
 * its per-field messages) is therefore class-validator's, unchanged. So it must accept nothing that class-validator
 * refuses, and it keeps to what it can judge exactly:
 * - the DTO's rules are custom validations (every `@IsX`, `@Matches`, `@MaxLength` …) and `@ValidateIf`/`@IsOptional`
 *   conditions, none per item (`each`), none asynchronous, none in a group; any other kind (nested DTOs, `@IsDefined`,
 *   promises) leaves the DTO without a predicate: it is validated by the full pipe, as before;
 * - the value is a plain object whose own keys are all properties of the DTO (whitelist, forbidNonWhitelisted) and
 *   whose members are all JSON scalars: class-transformer copies a scalar as it is, so the validators see the same
 *   value on the DTO instance as here, and Nest's prototype-key stripping has nothing to strip.
 * Conditions get the body where class-validator gives the DTO instance: they hold the same members (see above).
 */
export function compileAcceptor(dto: abstract new (...args: never[]) => unknown): Acceptor | undefined {
  const storage = getMetadataStorage();
  // The same call, with the same options, as class-validator's executor makes for the pipe (no groups, not always).
  const metadatas = storage.getTargetValidationMetadatas(dto, '', false, false, undefined);
  if (metadatas.length === 0) return undefined;
  const checks: Check[] = [];
  const byProperty = new Map<string, { conditions: Check[]; validations: Check[] }>();
  for (const metadata of metadatas) {
    const { propertyName } = metadata;
    let rules = byProperty.get(propertyName);
    if (rules === undefined) byProperty.set(propertyName, (rules = { conditions: [], validations: [] }));
    // Typed as always present, but undefined on a rule declared without groups.
    const groups: readonly string[] | undefined = metadata.groups;
    if (metadata.each || metadata.always !== undefined || (groups !== undefined && groups.length > 0)) return undefined;
    if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      const condition = metadata.constraints[0] as (object: object, value: unknown) => boolean;
      rules.conditions.push((body) => condition(body, body[propertyName]));
    } else if (metadata.type === ValidationTypes.CUSTOM_VALIDATION) {
      for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
        if (constraint.async) return undefined;
        const validator = constraint.instance;
        const constraints = metadata.constraints;
        rules.validations.push((body) => {
          const value = body[propertyName];
          const args: ValidationArguments = {
            targetName: dto.name,
            property: propertyName,
            object: body,
            value,
            constraints,
          };
          // A promise (an asynchronous validator not declared so) is not a yes: the full pipe judges it.
          return validator.validate(value, args) === true;
        });
      }
    } else {
      return undefined;
    }
  }
  for (const rules of byProperty.values()) {
    // class-validator skips every rule of a property when one of its conditions is false.
    const { conditions: when, validations } = rules;
    checks.push((body) => !when.every((condition) => condition(body)) || validations.every((valid) => valid(body)));
  }
  return (value) => {
    if (!isPlainObject(value)) return false;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (!byProperty.has(key)) return false;
      const member = value[key];
      if (typeof member === 'object' && member !== null) return false;
    }
    return checks.every((check) => check(value));
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

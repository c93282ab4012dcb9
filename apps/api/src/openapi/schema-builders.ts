import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * Small builders for the OpenAPI 3.0 schemas of the answers. Objects stay open (no `additionalProperties: false`):
 * the contract lets the service add fields freely, never drop or rename one, and that is what `required` checks.
 */

export type Schema = SchemaObject;

export const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
export const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
export const num = (extra: Schema = {}): Schema => ({ type: 'number', ...extra });
export const bool = (extra: Schema = {}): Schema => ({ type: 'boolean', ...extra });
export const nullable = (schema: Schema): Schema => ({ ...schema, nullable: true });
export const arrayOf = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` }) as Schema;

/** A global event-store position: a string of digits, since JSON numbers cannot carry every 64-bit value. */
export const position = (
  description = 'the global position of the last event this answer concerns; pass it as ?minPosition=',
): Schema => str({ pattern: '^\\d{1,20}$', description });

/** An object whose listed properties are all required, plus optional ones. */
export function obj(
  required: Record<string, Schema>,
  optional: Record<string, Schema> = {},
  description?: string,
): Schema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    required: Object.keys(required),
    properties: { ...required, ...optional },
  };
}

/** Any JSON object (event data, metadata). */
export const anyObject = (description?: string): Schema => ({
  type: 'object',
  additionalProperties: true,
  ...(description ? { description } : {}),
});

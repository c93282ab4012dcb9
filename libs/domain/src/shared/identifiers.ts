/**
 * The one definition of each identifier rule (DESIGN.md §2). The HTTP DTOs and route parameters, the issuer CLI and
 * the operations CLI all use these, so that what one part signs or stores, every other part accepts.
 */

/** Tenant ids such as `Cust12345`. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The longest user (or group) id: the API's path parameters are allowed this much, encoded (see create-app.ts). */
export const MAX_USER_ID_LENGTH = 128;

/** User and group ids as the CRM's user administration or SCIM hands them out. */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$/;

/** Module (license) names such as `web`, `chat-cal`, `sales-premium`. */
export const MODULE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** License owner names (table ModuleOwner): upper-case A–Z and 0–9, at most 32 characters. */
export const OWNER_NAME_PATTERN = /^[A-Z0-9]{1,32}$/;
export const OWNER_NAME_RULE = 'owner names are upper-case A-Z and 0-9 only, 1 to 32 characters, like SUPEROFFICE';

export const isTenantId = (value: unknown): value is string =>
  typeof value === 'string' && TENANT_ID_PATTERN.test(value);
export const isUserId = (value: unknown): value is string => typeof value === 'string' && USER_ID_PATTERN.test(value);
export const isModuleName = (value: unknown): value is string =>
  typeof value === 'string' && MODULE_NAME_PATTERN.test(value);
export const isOwnerName = (value: unknown): value is string =>
  typeof value === 'string' && OWNER_NAME_PATTERN.test(value);

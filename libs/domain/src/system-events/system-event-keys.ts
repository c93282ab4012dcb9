/**
 * The vocabulary of the status feed (table SystemEvent): event keys, scopes and statuses. A system event is
 * identified by (eventKey, scope, owner); owner is the group or user id for scopes 3 and 4 and absent otherwise.
 */

/** 1 system-wide, 2 database, 3 group, 4 user. */
export type SystemEventScope = 1 | 2 | 3 | 4;
export const SYSTEM_EVENT_SCOPES: readonly SystemEventScope[] = [1, 2, 3, 4];

export type SystemEventStatus = 'active' | 'running' | 'completed' | 'failed';
export const SYSTEM_EVENT_STATUSES: readonly SystemEventStatus[] = ['active', 'running', 'completed', 'failed'];

/** Completed and failed events have ended: their Finished column shows when, not when they are expected to. */
export const isEnded = (status: SystemEventStatus): boolean => status === 'completed' || status === 'failed';

/** The keys the CRM's own background jobs and administrators use. */
export const PREDEFINED_EVENT_KEYS = [
  'FreetextRebuild',
  'UDefRebuild',
  'PrototypeRebuild',
  'ROURebuild',
  'NoLogin',
  'NoFreetext',
  'NoTravel',
  'MessageOfTheDay',
] as const;

/** The notices this backend raises itself; reserved, so that no caller can start or pre-empt one. */
export const BACKEND_EVENT_KEYS = [
  'LicensePackageActivated',
  'LicensePackageRejected',
  'MeteringThresholdExceeded',
  'LicenseAdminWarning',
  'LicenseGraceExpired',
] as const;

export type PredefinedEventKey = (typeof PREDEFINED_EVENT_KEYS)[number];
export type BackendEventKey = (typeof BACKEND_EVENT_KEYS)[number];

/**
 * Other keys are allowed too (background jobs report their own), if they look like the predefined ones: a letter,
 * then letters, digits, `_`, `.` or `-`, at most 64 characters in all.
 */
export const EVENT_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export const isValidEventKey = (key: string): boolean => EVENT_KEY_PATTERN.test(key);
export const isBackendEventKey = (key: string): key is BackendEventKey =>
  (BACKEND_EVENT_KEYS as readonly string[]).includes(key);
const RESERVED_KEYS = new Set<string>(BACKEND_EVENT_KEYS.map((key) => key.toLowerCase()));
/** Reserved whatever the case: `licensepackageactivated` would look like the backend's notice on the screen. */
export const isReservedEventKey = (key: string): boolean => RESERVED_KEYS.has(key.toLowerCase());
export const isScope = (scope: unknown): scope is SystemEventScope =>
  (SYSTEM_EVENT_SCOPES as readonly unknown[]).includes(scope);
export const isStatus = (status: unknown): status is SystemEventStatus =>
  (SYSTEM_EVENT_STATUSES as readonly unknown[]).includes(status);

/** Scopes 3 (group) and 4 (user) name their group or user; the others name nobody. */
export const scopeNeedsOwner = (scope: SystemEventScope): boolean => scope === 3 || scope === 4;

export interface SystemEventKey {
  eventKey: string;
  scope: SystemEventScope;
  owner: string | null;
}

/** One string per identity, for maps and logs. */
export const keyString = ({ eventKey, scope, owner }: SystemEventKey): string => `${eventKey}|${scope}|${owner ?? ''}`;

/** The longest message a system event carries (the feed is a list, not a document store). */
export const MAX_MESSAGE_LENGTH = 2000;

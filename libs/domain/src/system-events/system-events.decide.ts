import { CommandMetadata, exhaustive, NoContext, refuse, Refusal } from '../shared/decider';
import {
  BackendEventKey,
  isBackendEventKey,
  isReservedEventKey,
  isEnded,
  isScope,
  isStatus,
  isValidEventKey,
  MAX_MESSAGE_LENGTH,
  scopeNeedsOwner,
  SystemEventKey,
  SystemEventScope,
  SystemEventStatus,
} from './system-event-keys';
import {
  keyOf,
  LiveSystemEvent,
  liveEvent,
  NoticeCause,
  SystemEventDetails,
  SystemEventsEvent,
  SystemEventsState,
} from './system-events.events';

export interface SystemEventChanges {
  status?: SystemEventStatus;
  message?: string;
  /** null clears the expected finish. */
  eta?: string | null;
}

export type SystemEventsCommand =
  | {
      type: 'StartSystemEvent';
      data: SystemEventKey & { status: SystemEventStatus; message: string; eta: string | null; activatedBy: string };
      metadata: CommandMetadata;
    }
  | { type: 'UpdateSystemEvent'; data: SystemEventKey & { changes: SystemEventChanges }; metadata: CommandMetadata }
  | { type: 'DeleteSystemEvent'; data: SystemEventKey; metadata: CommandMetadata }
  | {
      /** The backend's own notice (database scope). Raised again while live, it updates the live one. */
      type: 'RaiseNotice';
      data: {
        eventKey: BackendEventKey;
        status: SystemEventStatus;
        message: string;
        eta: string | null;
        notice: NoticeCause;
      };
      metadata: CommandMetadata;
    };

/** Every refusal of the system events, one member per code with the context its answer carries. */
export type SystemEventsRefusal =
  | Refusal<'invalid-event-key', { eventKey: string }>
  | Refusal<'invalid-scope', { scope: unknown }>
  | Refusal<'owner-required', { scope: SystemEventScope }>
  | Refusal<'owner-not-allowed', { scope: SystemEventScope; owner: string | null }>
  | Refusal<'invalid-status', { status: unknown }>
  | Refusal<'invalid-eta', { eta: string }>
  | Refusal<'message-too-long', { length: number }>
  | Refusal<'nothing-to-update', NoContext>
  | Refusal<'reserved-event-key', { eventKey: string }>
  | Refusal<'not-a-notice-key', { eventKey: string }>
  | Refusal<'system-event-exists', SystemEventKey>
  | Refusal<'system-event-not-found', SystemEventKey>;

export type SystemEventsRefusalCode = SystemEventsRefusal['code'];

/** Notices are about the tenant's database as a whole. */
export const NOTICE_SCOPE = 2;

export function decideSystemEvents(
  command: SystemEventsCommand,
  state: SystemEventsState,
): SystemEventsEvent[] | SystemEventsRefusal {
  const at = command.metadata.now;
  const by = command.metadata.actor;
  switch (command.type) {
    case 'StartSystemEvent': {
      const { status, message, eta, activatedBy } = command.data;
      const key = keyOf(command.data);
      const invalid = invalidKey(key) ?? invalidDetails({ status, message, eta });
      if (invalid) return invalid;
      if (isReservedEventKey(key.eventKey)) {
        return refuse('reserved-event-key', `${key.eventKey} is raised by the licensing backend itself`, {
          eventKey: key.eventKey,
        });
      }
      if (liveEvent(state, key)) return exists(key);
      return [started(state, key, { status, message, eta, finishedAt: isEnded(status) ? at : eta }, at, activatedBy)];
    }
    case 'UpdateSystemEvent': {
      const { changes } = command.data;
      const key = keyOf(command.data);
      const invalid = invalidKey(key) ?? invalidDetails(changes);
      if (invalid) return invalid;
      if (changes.status === undefined && changes.message === undefined && changes.eta === undefined) {
        return refuse('nothing-to-update', 'an update changes the status, the message or the expected finish');
      }
      const live = liveEvent(state, key);
      if (!live) return notFound(key);
      const details = updatedDetails(live, changes, at);
      // Whatever fields it names, an update that would leave the event as it stands is refused like an empty one.
      if (sameDetails(live, details))
        return refuse(
          'nothing-to-update',
          'the update changes nothing: the event already has that status, message and expected finish',
        );
      return [
        {
          type: 'SystemEventUpdated',
          data: { ...key, ...details, sequence: live.sequence, updatedAt: at, updatedBy: by },
        },
      ];
    }
    case 'DeleteSystemEvent': {
      const key = keyOf(command.data);
      const invalid = invalidKey(key);
      if (invalid) return invalid;
      const live = liveEvent(state, key);
      if (!live) return notFound(key);
      return [{ type: 'SystemEventDeleted', data: { ...key, sequence: live.sequence, deletedAt: at, deletedBy: by } }];
    }
    case 'RaiseNotice': {
      const { eventKey, status, message, eta, notice } = command.data;
      const key: SystemEventKey = { eventKey, scope: NOTICE_SCOPE, owner: null };
      if (!isBackendEventKey(eventKey))
        return refuse('not-a-notice-key', `${eventKey} is not one of the backend's notices`, { eventKey });
      const invalid = invalidDetails({ status, message, eta });
      if (invalid) return invalid;
      const details: SystemEventDetails = { status, message, eta, finishedAt: isEnded(status) ? at : eta };
      const live = liveEvent(state, key);
      // A new cause for a live notice takes it over (a second package activation reports the newer package) rather
      // than failing. Always an event, even if nothing shows differently: the command is then on record, and a
      // repeat of the same cause (same command id) is answered from the record instead of being raised again.
      if (live) {
        return [
          {
            type: 'SystemEventUpdated',
            data: { ...key, ...details, sequence: live.sequence, updatedAt: at, updatedBy: by, notice },
          },
        ];
      }
      return [started(state, key, details, at, by, notice)];
    }
    default:
      return exhaustive(command);
  }
}

function started(
  state: SystemEventsState,
  key: SystemEventKey,
  details: SystemEventDetails,
  at: string,
  activatedBy: string,
  notice?: NoticeCause,
): SystemEventsEvent {
  const data = { ...key, ...details, sequence: state.started + 1, activatedAt: at, activatedBy };
  return { type: 'SystemEventStarted', data: notice ? { ...data, notice } : data };
}

/**
 * Finished is the expected finish while the event is active or running; once it completes or fails, it is the
 * moment it did (kept if it then changes between completed and failed).
 */
function updatedDetails(live: LiveSystemEvent, changes: SystemEventChanges, at: string): SystemEventDetails {
  const status = changes.status ?? live.status;
  const message = changes.message ?? live.message;
  const eta = changes.eta === undefined ? live.eta : changes.eta;
  const finishedAt = isEnded(status) ? (isEnded(live.status) ? live.finishedAt : at) : eta;
  return { status, message, eta, finishedAt };
}

function sameDetails(a: SystemEventDetails, b: SystemEventDetails): boolean {
  return a.status === b.status && a.message === b.message && a.eta === b.eta && a.finishedAt === b.finishedAt;
}

function invalidKey({ eventKey, scope, owner }: SystemEventKey): SystemEventsRefusal | null {
  if (!isValidEventKey(eventKey)) {
    return refuse(
      'invalid-event-key',
      `'${eventKey}' is not an event key: a letter, then letters, digits, _ . or -, at most 64`,
      { eventKey },
    );
  }
  if (!isScope(scope))
    return refuse(
      'invalid-scope',
      `scope ${String(scope)} is not 1 (system-wide), 2 (database), 3 (group) or 4 (user)`,
      { scope },
    );
  if (scopeNeedsOwner(scope) && !owner) {
    return refuse('owner-required', `scope ${scope} names its ${scope === 3 ? 'group' : 'user'}: owner is required`, {
      scope,
    });
  }
  if (!scopeNeedsOwner(scope) && owner !== null) {
    return refuse('owner-not-allowed', `scope ${scope} names no group or user: owner must be absent`, { scope, owner });
  }
  return null;
}

function invalidDetails({ status, message, eta }: SystemEventChanges): SystemEventsRefusal | null {
  if (status !== undefined && !isStatus(status)) {
    return refuse('invalid-status', `status '${String(status)}' is not active, running, completed or failed`, {
      status,
    });
  }
  if (message !== undefined && message.length > MAX_MESSAGE_LENGTH) {
    return refuse('message-too-long', `the message has ${message.length} characters; at most ${MAX_MESSAGE_LENGTH}`, {
      length: message.length,
    });
  }
  if (eta !== undefined && eta !== null && !isInstant(eta))
    return refuse('invalid-eta', `eta '${eta}' is not an ISO-8601 instant`, { eta });
  return null;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** An ISO-8601 date-time with an offset, whose fields are in range (Date.parse would turn 30 February into March). */
function isInstant(value: string): boolean {
  const match = ISO_INSTANT.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    offsetHours < 24 &&
    offsetMinutes < 60
  );
}

function exists(key: SystemEventKey): SystemEventsRefusal {
  return refuse('system-event-exists', `${describe(key)} is live; update or delete it first`, { ...key });
}

function notFound(key: SystemEventKey): SystemEventsRefusal {
  return refuse('system-event-not-found', `no live ${describe(key)}`, { ...key });
}

function describe({ eventKey, scope, owner }: SystemEventKey): string {
  return `system event ${eventKey} (scope ${scope}${owner ? `, owner ${owner}` : ''})`;
}

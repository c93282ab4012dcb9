import { Notice, NoticeCause, systemEventsStream } from '@app/domain';
import { v5 as uuidV5 } from 'uuid';
import type { SystemEventsRunner } from './system-events-runner';

/** Who raises the backend's notices: their Activated by. */
export const NOTICE_ACTOR = 'licensing-backend';

const NOTICE_NAMESPACE = 'b3c1f0d2-6c43-4c1e-9a59-0f7d8e2a4b61';

/** The command id of a notice: the same cause always gives the same id, which the runner records with the notice. */
export const noticeCommandId = (cause: string, kind: string): string => uuidV5(`${cause}#${kind}`, NOTICE_NAMESPACE);

export interface NoticeOrigin {
  tenant: string;
  /** What caused the notice, identifying it for good: `event:<event id>`, or the dated condition. */
  cause: string;
  /** The moment the notice is about (the cause's own time), shown as Activated. */
  at: string;
  correlationId?: string;
  /** The id of the event that caused the notice, its events' `causationId`; absent for a dated condition. */
  causationId?: string;
}

/**
 * Raises a notice once per cause: a repeat (after a restart, a replay, another process doing the same) carries the
 * same command id and is answered from the record. Answers whether this call recorded it.
 */
export async function raiseNotice(
  runner: SystemEventsRunner,
  notice: Notice,
  origin: NoticeOrigin,
): Promise<{ recorded: boolean }> {
  const commandId = noticeCommandId(origin.cause, notice.kind);
  const noticeCause: NoticeCause = { kind: notice.kind, cause: origin.cause };
  const outcome = await runner.run(
    systemEventsStream(origin.tenant),
    {
      type: 'RaiseNotice',
      data: {
        eventKey: notice.eventKey,
        status: notice.status,
        message: notice.message,
        eta: null,
        notice: noticeCause,
      },
      metadata: { now: origin.at, actor: NOTICE_ACTOR },
    },
    {
      commandId,
      correlationId: origin.correlationId ?? commandId,
      causationId: origin.causationId,
      actor: NOTICE_ACTOR,
      tenant: origin.tenant,
    },
    () => undefined,
  );
  // The notices are well-formed by construction: a refusal is a bug, and must not pass for handled.
  if (outcome.kind === 'refused')
    throw new Error(`notice ${notice.kind} for ${origin.cause} refused: ${outcome.refusal.detail}`);
  return { recorded: !outcome.repeated };
}

import { Command } from '@nestjs/cqrs';
import type { CommandEnvelope } from '@app/application';
import type { SystemEventChanges, SystemEventKey, SystemEventScope, SystemEventStatus } from '@app/domain';

/** A live system event as a command answers it: everything the feed shows, and the position to wait for. */
export interface SystemEventAnswer {
  eventKey: string;
  scope: SystemEventScope;
  owner: string | null;
  status: SystemEventStatus;
  message: string;
  eta: string | null;
  activatedAt: string;
  activatedBy: string;
  finishedAt: string | null;
  sequence: number;
  position: string;
}

export interface SystemEventDeletedAnswer extends SystemEventKey {
  sequence: number;
  position: string;
}

export class StartSystemEventCommand extends Command<SystemEventAnswer> {
  constructor(
    readonly tenantId: string,
    readonly key: SystemEventKey,
    readonly details: { status: SystemEventStatus; message: string; eta: string | null; activatedBy: string },
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}

export class UpdateSystemEventCommand extends Command<SystemEventAnswer> {
  constructor(
    readonly tenantId: string,
    readonly key: SystemEventKey,
    readonly changes: SystemEventChanges,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}

export class DeleteSystemEventCommand extends Command<SystemEventDeletedAnswer> {
  constructor(
    readonly tenantId: string,
    readonly key: SystemEventKey,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}

import type { ProcessManager } from '../process-managers/process-manager';
import { METERING_NOTICES, meteringNoticesProcessManager } from './metering-notices.process-manager';
import { PACKAGE_NOTICES, packageNoticesProcessManager } from './package-notices.process-manager';
import type { SystemEventsRunner } from './system-events-runner';

/** Their names, which name their checkpoints (for operators' tools that only read them). */
export const SYSTEM_NOTICE_MANAGER_NAMES = [PACKAGE_NOTICES, METERING_NOTICES] as const;

/** The process managers that raise the backend's notices; any process that runs them wires this list. */
export function systemNoticeProcessManagers(runner: SystemEventsRunner): ProcessManager[] {
  return [packageNoticesProcessManager(runner), meteringNoticesProcessManager(runner)];
}

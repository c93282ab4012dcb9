import type { ProcessManager } from '../process-managers/process-manager';
import { meteringNoticesProcessManager } from './metering-notices.process-manager';
import { packageNoticesProcessManager } from './package-notices.process-manager';
import type { SystemEventsRunner } from './system-events-runner';

/** The process managers that raise the backend's notices; any process that runs them wires this list. */
export function systemNoticeProcessManagers(runner: SystemEventsRunner): ProcessManager[] {
  return [packageNoticesProcessManager(runner), meteringNoticesProcessManager(runner)];
}

import { dueLicenseDateNotices, OwnerLicenseDates } from '@app/domain';
import { raiseNotice } from './raise-notice';
import type { SystemEventsRunner } from './system-events-runner';

/** The owners' active package dates, all tenants, a page at a time (the `license-dates` read model). */
export interface LicenseDatesSource {
  licenseDates(options: {
    limit: number;
    cursor?: string;
  }): Promise<{ items: OwnerLicenseDates[]; nextCursor: string | null }>;
}

const PAGE = 500;

/**
 * The daily check: for each owner's active package, the admin-warning date reached and the grace date passed. Each
 * is raised once per tenant, owner, package, kind and date, however often the check runs.
 */
export class LicenseDateCheck {
  constructor(
    private readonly runner: SystemEventsRunner,
    private readonly source: LicenseDatesSource,
    private readonly clock: () => string,
  ) {}

  /** `now` defaults to the clock's; answers how many owners were looked at and how many notices newly raised. */
  async run(now = this.clock()): Promise<{ owners: number; raised: number }> {
    let owners = 0;
    let raised = 0;
    let cursor: string | undefined;
    do {
      const page = await this.source.licenseDates({ limit: PAGE, cursor });
      for (const dates of page.items) {
        owners++;
        for (const notice of dueLicenseDateNotices(dates, now)) {
          const cause = `license-dates:${dates.tenant}|${dates.owner}|${dates.packageId}|${notice.date}`;
          const { recorded } = await raiseNotice(this.runner, notice, { tenant: dates.tenant, cause, at: now });
          if (recorded) raised++;
        }
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { owners, raised };
  }
}

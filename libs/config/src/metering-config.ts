import { METERED_SERVICES, MeteringThresholds } from '@app/domain';

/** `metering.thresholds` of the config file: `base + perUser × users` per metered service, every service named. */
export function readMeteringThresholds(raw: unknown, problems: string[]): MeteringThresholds {
  const given = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<
    string,
    { base?: unknown; perUser?: unknown } | undefined
  >;
  for (const name of Object.keys(given)) {
    if (!(METERED_SERVICES as readonly string[]).includes(name))
      problems.push(`metering.thresholds.${name}: not a metered service (${METERED_SERVICES.join(', ')})`);
  }
  const thresholds = {} as MeteringThresholds;
  for (const service of METERED_SERVICES) {
    const formula = given[service];
    const base = Number(formula?.base);
    const perUser = Number(formula?.perUser);
    if (!formula || !Number.isFinite(base) || base < 0 || !Number.isFinite(perUser) || perUser < 0) {
      problems.push(`metering.thresholds.${service} must be {base, perUser}, numbers of at least 0`);
    }
    thresholds[service] = { base, perUser };
  }
  return thresholds;
}

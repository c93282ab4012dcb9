import { LicensePackage, ModuleRow, noneIfEmpty, textOf } from './license-package';
import type { ModuleLicense, OwnerLicenses } from './ledger.events';

/** The licenses a package brings, as the ledger keeps them: its rows read once, plans' `set=` parsed. */

/** Parses a plan's `extraInfo` (`set=user,web,chat-cal`, possibly among other `;`-separated keys). */
export function impliedModules(extraInfo: string): string[] {
  const set = extraInfo
    .split(/[;&]/)
    .map((part) => part.trim())
    .find((part) => part.startsWith('set='));
  if (!set) return [];
  return set
    .slice(4)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

export function moduleFromRow(row: ModuleRow): ModuleLicense {
  const isPlan = row.extraFlags === 1;
  return {
    name: row.name,
    description: textOf(row.description),
    tooltip: textOf(row.tooltip),
    version: textOf(row.version),
    type: row.type,
    number: row.number,
    unrestricted: row.unrestricted,
    hidden: row.hidden,
    isPlan,
    implies: isPlan ? impliedModules(textOf(row.extraInfo)).filter((name) => name !== row.name) : [],
    prerequisite: noneIfEmpty(row.prerequisite),
    sortOrder: row.sortOrder,
  };
}

/** An owner's licenses as its activated package states them. */
export function ownerFromPackage(pkg: LicensePackage): OwnerLicenses {
  return {
    name: pkg.owner.name,
    description: textOf(pkg.owner.description),
    companyName: pkg.licensee.companyName,
    serialNumber: pkg.licensee.serialNumber,
    databaseType: textOf(pkg.licensee.databaseType),
    dates: pkg.dates,
    packageId: pkg.packageId,
    sequence: pkg.sequence,
    modules: Object.fromEntries(pkg.modules.map((row) => [row.name, moduleFromRow(row)])),
  };
}

import { useState } from 'preact/hooks';
import { Api, at, License, LicenseList } from '../api';
import { ProblemMessage, Section, YesNo } from '../components';
import { formatDate, useLanguage, useT } from '../i18n';
import { useQuery } from '../use-query';

/** The Licenses screen's owner tabs (SuperOffice first, a partner owner each): licensee, expiry and the license list. */
export function LicensesScreen({ api, position }: { api: Api; position: string | null }) {
  const t = useT();
  const list = useQuery(() => api.get<LicenseList>(at('licenses', position)), [api, position]);
  const [ownerName, setOwnerName] = useState<string | null>(null);
  if (list.error?.problem.type === '/problems/unknown-tenant') return <p>{t('unknownTenant')}</p>;
  if (list.error) return <ProblemMessage error={list.error} />;
  if (!list.data) return <p>{t('loading')}</p>;
  const owners = [...list.data.owners].sort((a, b) => (a.name === 'SUPEROFFICE' ? -1 : b.name === 'SUPEROFFICE' ? 1 : a.name.localeCompare(b.name)));
  const owner = owners.find((o) => o.name === ownerName) ?? owners[0];
  return (
    <div>
      <div role="tablist" aria-label={t('owner')} class="tabs">
        {owners.map((o) => (
          <button key={o.name} role="tab" id={`owner-tab-${o.name}`} aria-selected={o.name === owner.name} aria-controls="owner-panel" onClick={() => setOwnerName(o.name)}>
            {o.name === 'SUPEROFFICE' ? 'SuperOffice' : o.name}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="owner-panel" aria-labelledby={`owner-tab-${owner.name}`}>
        <OwnerLicenses api={api} position={position} owner={owner} />
      </div>
    </div>
  );
}

function OwnerLicenses({ api, position, owner }: { api: Api; position: string | null; owner: LicenseList['owners'][number] }) {
  const t = useT();
  const language = useLanguage();
  const [showHidden, setShowHidden] = useState(false);
  const [opened, setOpened] = useState<string | null>(null);
  const licenses = owner.licenses.filter((license) => showHidden || !license.hidden);
  const openedLicense = owner.licenses.find((license) => license.module === opened) ?? null;
  return (
    <>
      <dl class="facts">
        <dt>{t('companyName')}</dt>
        <dd data-field="companyName">{owner.companyName}</dd>
        <dt>{t('serialNumber')}</dt>
        <dd data-field="serialNumber">{owner.serialNumber}</dd>
        <dt>{t('expiry')}</dt>
        <dd>{owner.expiration ? formatDate(owner.expiration, language) : t('noExpiry')}</dd>
      </dl>
      <label class="inline">
        <input type="checkbox" checked={showHidden} onChange={(event) => setShowHidden(event.currentTarget.checked)} /> {t('showHidden')}
      </label>
      <table class="grid" aria-label={t('licenses')}>
        <thead>
          <tr>
            <th scope="col">{t('license')}</th>
            <th scope="col">{t('inUse')}</th>
            <th scope="col">{t('free')}</th>
            <th scope="col">{t('total')}</th>
            <th scope="col">{t('overAllocated')}</th>
          </tr>
        </thead>
        <tbody>
          {licenses.map((license) => (
            <tr key={license.module} data-module={license.module} class={license.overAllocated ? 'over' : undefined}>
              <th scope="row">
                <button class="link" aria-expanded={opened === license.module} onClick={() => setOpened(opened === license.module ? null : license.module)}>
                  {license.description || license.module}
                </button>
              </th>
              <td data-field="inUse">{license.inUse}</td>
              <td data-field="free">{license.unrestricted ? '∞' : license.free}</td>
              <td data-field="number">{license.number}</td>
              <td>
                <YesNo value={license.overAllocated} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {openedLicense && <LicenseDetails api={api} position={position} owner={owner.name} license={openedLicense} onClose={() => setOpened(null)} />}
    </>
  );
}

function LicenseDetails({ api, position, owner, license, onClose }: { api: Api; position: string | null; owner: string; license: License; onClose: () => void }) {
  const t = useT();
  const holders = useQuery(
    () => api.get<{ holders: string[] }>(at(`licenses/${encodeURIComponent(license.module)}/holders?owner=${owner}`, position)),
    [api, position, owner, license.module],
  );
  return (
    <Section title={`${t('description')}: ${license.description || license.module}`} id="license-details">
      <p>
        <code>{license.module}</code> — {license.description}
      </p>
      {license.implies.length > 0 && (
        <p>
          {t('implies')}: {license.implies.join(', ')}
        </p>
      )}
      <h3>{t('holders')}</h3>
      <ProblemMessage error={holders.error} />
      {holders.data && (holders.data.holders.length === 0 ? <p>{t('nothing')}</p> : <ul class="holders">{holders.data.holders.map((h) => <li key={h}>{h}</li>)}</ul>)}
      <button onClick={onClose}>{t('close')}</button>
    </Section>
  );
}

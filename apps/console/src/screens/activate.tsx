import { useState } from 'preact/hooks';
import { Api, at, Page, PackageHistoryItem, ProblemError, RejectionReason, Session, Validation } from '../api';
import { ProblemMessage, Section } from '../components';
import { formatDate, useLanguage, useT } from '../i18n';
import { useQuery } from '../use-query';

/** Activate license: load a package file, see the dry run (changed licenses, licenses to remove first), activate. */
export function ActivateScreen({ api, position, session }: { api: Api; position: string | null; session: Session }) {
  const t = useT();
  const [pkg, setPkg] = useState<unknown>(null);
  const [validation, setValidation] = useState<Validation | null>(null);
  const [outcome, setOutcome] = useState<{ activated?: string; reasons?: RejectionReason[] } | null>(null);
  const [error, setError] = useState<ProblemError | null>(null);

  const load = async (file: File | undefined) => {
    setValidation(null);
    setOutcome(null);
    setError(null);
    if (!file) return;
    try {
      const parsed: unknown = JSON.parse(await file.text());
      setPkg(parsed);
      setValidation(await api.post<Validation>('license-packages/validate', parsed));
    } catch (caught) {
      setError(caught instanceof ProblemError ? caught : new ProblemError({ type: 'about:blank', title: String(caught), status: 0 }));
    }
  };
  const activate = async () => {
    setError(null);
    try {
      const answer = await api.post<{ packageId: string }>('license-packages', pkg);
      setOutcome({ activated: answer.packageId });
      setValidation(null);
    } catch (caught) {
      if (caught instanceof ProblemError && caught.problem.type === '/problems/package-rejected') setOutcome({ reasons: caught.problem.reasons as RejectionReason[] });
      else if (caught instanceof ProblemError) setError(caught);
      else throw caught;
    }
  };

  return (
    <div>
      {session.may.activatePackages && (
        <Section title={t('loadFromFile')} id="load">
          <label for="package-file">{t('loadFromFile')}</label>
          <input id="package-file" type="file" accept="application/json,.json" onChange={(event) => void load(event.currentTarget.files?.[0])} />
          <ProblemMessage error={error} />
          {validation && <DryRun validation={validation} onActivate={() => void activate()} />}
          {outcome?.activated && (
            <p role="status" class="ok" id="activation-result">
              {t('activatedPackage')}: {outcome.activated}
            </p>
          )}
          {outcome?.reasons && (
            <div role="alert" id="activation-result">
              <p class="problem">{t('rejected')}:</p>
              <Reasons reasons={outcome.reasons} />
            </div>
          )}
        </Section>
      )}
      <History api={api} position={position} />
    </div>
  );
}

function DryRun({ validation, onActivate }: { validation: Validation; onActivate: () => void }) {
  const t = useT();
  const superfluous = validation.reasons.flatMap((reason) => reason.licenses ?? []);
  return (
    <div id="dry-run">
      <h3>{t('changedLicenses')}</h3>
      <table class="grid" aria-label={t('changedLicenses')}>
        <thead>
          <tr>
            <th scope="col">{t('license')}</th>
            <th scope="col">{t('current')}</th>
            <th scope="col">{t('new')}</th>
            <th scope="col">{t('inUse')}</th>
            <th scope="col">{t('newFree')}</th>
            <th scope="col">{t('mustRemove')}</th>
          </tr>
        </thead>
        <tbody>
          {validation.changes.map((change) => (
            <tr key={change.module} data-module={change.module} class={change.mustRemove > 0 ? 'over' : undefined}>
              <th scope="row">{change.module}</th>
              <td>{change.current ?? '—'}</td>
              <td data-field="new">{change.new ?? '—'}</td>
              <td>{change.inUse}</td>
              <td>{change.newFree ?? '—'}</td>
              <td>{change.mustRemove}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {superfluous.length > 0 && (
        <>
          <h3>{t('removeSuperfluous')}</h3>
          <table class="grid" aria-label={t('removeSuperfluous')} id="superfluous">
            <thead>
              <tr>
                <th scope="col">{t('license')}</th>
                <th scope="col">{t('inUse')}</th>
                <th scope="col">{t('available')}</th>
                <th scope="col">{t('mustRemove')}</th>
                <th scope="col">{t('holders')}</th>
              </tr>
            </thead>
            <tbody>
              {superfluous.map((line) => (
                <tr key={line.module} data-module={line.module}>
                  <th scope="row">{line.module}</th>
                  <td>{line.inUse}</td>
                  <td>{line.newNumber}</td>
                  <td>{line.mustRemove}</td>
                  <td>{line.holders.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {validation.canBeActivated ? (
        <p class="ok">{t('canBeActivated')}</p>
      ) : (
        <div class="problem">
          <p>{t('cannotBeActivated')}</p>
          <Reasons reasons={validation.reasons} />
        </div>
      )}
      {/* The server decides again at activation; the button only follows the dry run's answer. */}
      <button class="primary" disabled={!validation.canBeActivated} onClick={onActivate}>
        {t('activateButton')}
      </button>
    </div>
  );
}

function Reasons({ reasons }: { reasons: RejectionReason[] }) {
  return (
    <ul class="reasons">
      {reasons.map((reason, i) => (
        <li key={i} data-code={reason.code}>
          {reason.detail}
        </li>
      ))}
    </ul>
  );
}

function History({ api, position }: { api: Api; position: string | null }) {
  const t = useT();
  const language = useLanguage();
  const history = useQuery(() => api.get<Page<PackageHistoryItem>>(at('license-packages?limit=20', position)), [api, position]);
  return (
    <Section title={t('packageHistory')} id="packages">
      <ProblemMessage error={history.error} />
      <table class="grid" aria-label={t('packageHistory')}>
        <thead>
          <tr>
            <th scope="col">{t('at')}</th>
            <th scope="col">{t('owner')}</th>
            <th scope="col">{t('sequence')}</th>
            <th scope="col">{t('outcome')}</th>
            <th scope="col">{t('actor')}</th>
            <th scope="col">{t('reasons')}</th>
          </tr>
        </thead>
        <tbody>
          {(history.data?.items ?? []).map((item) => (
            <tr key={item.position} data-outcome={item.outcome}>
              <td>{formatDate(item.at, language)}</td>
              <td>{item.owner}</td>
              <td>{item.sequence}</td>
              <td>{item.outcome === 'activated' ? t('activatedPackage') : t('rejected')}</td>
              <td>{item.actor ?? '—'}</td>
              <td>{item.reasons.map((reason) => reason.detail).join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

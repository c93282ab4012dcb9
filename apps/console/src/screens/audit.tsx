import { useState } from 'preact/hooks';
import { Api, AuditEvent, LicenseList, ProblemError, Verification } from '../api';
import { ProblemMessage, Section, YesNo } from '../components';
import { formatDate, useLanguage, useT } from '../i18n';
import { useQuery } from '../use-query';

/** Audit: the tenant's history, the license list as of a chosen moment, and verification with its problems located. */
export function AuditScreen({ api, position }: { api: Api; position: string | null }) {
  return (
    <div>
      <AsOf api={api} />
      <Verify api={api} />
      <History api={api} position={position} />
    </div>
  );
}

function History({ api, position }: { api: Api; position: string | null }) {
  const t = useT();
  const language = useLanguage();
  const [from, setFrom] = useState<string[]>(['0']);
  const history = useQuery(() => api.get<{ items: AuditEvent[]; nextPosition: string | null }>(`events?limit=20&fromPosition=${from[from.length - 1]}`), [api, position, from]);
  return (
    <Section title={t('history')} id="history">
      <ProblemMessage error={history.error} />
      <table class="grid" aria-label={t('history')}>
        <thead>
          <tr>
            <th scope="col">{t('position')}</th>
            <th scope="col">{t('recorded')}</th>
            <th scope="col">{t('stream')}</th>
            <th scope="col">{t('type')}</th>
            <th scope="col">{t('actor')}</th>
          </tr>
        </thead>
        <tbody>
          {(history.data?.items ?? []).map((event) => (
            <tr key={event.position}>
              <td>{event.position}</td>
              <td>{formatDate(event.recordedAt, language)}</td>
              <td>{event.stream}</td>
              <td>{event.type}</td>
              <td>{String(event.metadata.actor ?? '—')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="pager">
        <button disabled={from.length === 1} onClick={() => setFrom(['0'])}>
          {t('firstPage')}
        </button>
        <button disabled={!history.data?.nextPosition} onClick={() => history.data?.nextPosition && setFrom([...from, history.data.nextPosition])}>
          {t('nextPage')}
        </button>
      </div>
    </Section>
  );
}

function AsOf({ api }: { api: Api }) {
  const t = useT();
  const [moment, setMoment] = useState('');
  const [list, setList] = useState<LicenseList | null>(null);
  const [error, setError] = useState<ProblemError | null>(null);
  const show = async () => {
    setError(null);
    setList(null);
    try {
      // The input is a local date and time; the API wants an instant with its zone.
      setList(await api.get<LicenseList>(`licenses?asOf=${encodeURIComponent(new Date(moment).toISOString())}`));
    } catch (caught) {
      if (caught instanceof ProblemError) setError(caught);
      else throw caught;
    }
  };
  return (
    <Section title={t('asOf')} id="as-of">
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void show();
        }}
      >
        <label for="as-of-moment">{t('asOf')}</label>
        <input id="as-of-moment" type="datetime-local" step="0.001" value={moment} onInput={(event) => setMoment(event.currentTarget.value)} required />
        <button type="submit">{t('show')}</button>
      </form>
      <ProblemMessage error={error} />
      {list?.owners.map((owner) => (
        <table class="grid" key={owner.name} aria-label={`${t('asOf')} ${owner.name}`} id="as-of-list">
          <caption>
            {owner.name} — {owner.companyName}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('license')}</th>
              <th scope="col">{t('inUse')}</th>
              <th scope="col">{t('total')}</th>
            </tr>
          </thead>
          <tbody>
            {owner.licenses.map((license) => (
              <tr key={license.module} data-module={license.module}>
                <th scope="row">{license.module}</th>
                <td data-field="inUse">{license.inUse}</td>
                <td data-field="number">{license.number}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </Section>
  );
}

function Verify({ api }: { api: Api }) {
  const t = useT();
  const [report, setReport] = useState<Verification | null>(null);
  const [error, setError] = useState<ProblemError | null>(null);
  const verify = async () => {
    setError(null);
    try {
      setReport(await api.get<Verification>('audit/verify'));
    } catch (caught) {
      if (caught instanceof ProblemError) setError(caught);
      else throw caught;
    }
  };
  return (
    <Section title={t('verify')} id="verify">
      <button onClick={() => void verify()}>{t('verify')}</button>
      <ProblemMessage error={error} />
      {report && (
        <div id="verification" data-ok={report.ok}>
          <p role="status" class={report.ok ? 'ok' : 'problem'}>
            {report.ok ? t('verified') : `${t('problems')}: ${report.problems.length}`} — {t('checkedEvents')}: {report.checkedEvents}
          </p>
          <table class="grid" aria-label={t('packageHistory')}>
            <thead>
              <tr>
                <th scope="col">{t('owner')}</th>
                <th scope="col">{t('sequence')}</th>
                <th scope="col">{t('signatureValid')}</th>
                <th scope="col">{t('chainValid')}</th>
              </tr>
            </thead>
            <tbody>
              {report.packages.map((p) => (
                <tr key={p.packageId}>
                  <td>{p.owner}</td>
                  <td>{p.sequence}</td>
                  <td>
                    <YesNo value={p.signatureValid} />
                  </td>
                  <td>
                    <YesNo value={p.chainValid} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.problems.length > 0 && (
            <table class="grid" aria-label={t('problems')}>
              <thead>
                <tr>
                  <th scope="col">{t('kind')}</th>
                  <th scope="col">{t('stream')}</th>
                  <th scope="col">{t('revision')}</th>
                  <th scope="col">{t('position')}</th>
                  <th scope="col">{t('detail')}</th>
                </tr>
              </thead>
              <tbody>
                {report.problems.map((problem, i) => (
                  <tr key={i}>
                    <td>{problem.kind}</td>
                    <td>{problem.stream}</td>
                    <td>{String(problem.revision)}</td>
                    <td>{problem.position}</td>
                    <td>{problem.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </Section>
  );
}

import { useState } from 'preact/hooks';
import { Api, at, MeteringMonth, Page, Session, StatusView, SystemEvent } from '../api';
import { ProblemMessage, Section } from '../components';
import { formatDate, MessageKey, useLanguage, useT } from '../i18n';
import { MeteringChart } from '../metering-chart';
import { useQuery } from '../use-query';

// Colours with at least 3:1 contrast against white (chart marks) — WCAG 1.4.11.
const PALETTE = ['#1f5fa8', '#b3471d', '#2e7d32', '#6a3d9a', '#8a6d00'];

/** The Status tab: Database, Metered services (this month and past months, as charts), System notifications. */
export function StatusScreen({ api, position, session }: { api: Api; position: string | null; session: Session }) {
  const t = useT();
  const language = useLanguage();
  const status = useQuery(() => api.get<StatusView>(at('status', position)), [api, position]);
  return (
    <div class="status">
      <Section title={t('database')} id="database">
        {status.error?.problem.type === '/problems/unknown-tenant' ? <p>{t('unknownTenant')}</p> : <ProblemMessage error={status.error} />}
        {status.data && (
          <dl class="facts">
            <dt>{t('owner')}</dt>
            <dd>{status.data.database.owner}</dd>
            <dt>{t('serialNumber')}</dt>
            <dd>{status.data.database.serialNumber}</dd>
            <dt>{t('databaseType')}</dt>
            <dd>{status.data.database.databaseType}</dd>
            <dt>{t('nextExpiry')}</dt>
            <dd>{formatDate(status.data.database.nextExpiry, language)}</dd>
            <dt>{t('usersByPlans')}</dt>
            <dd data-field="byPlansInUse">{status.data.userCount.byPlansInUse}</dd>
            <dt>{t('signedInAs')}</dt>
            <dd>{session.actor}</dd>
          </dl>
        )}
      </Section>
      <Metering api={api} position={position} />
      <Notifications api={api} position={position} />
    </div>
  );
}

function Metering({ api, position }: { api: Api; position: string | null }) {
  const t = useT();
  const months = useQuery(() => api.get<{ months: MeteringMonth[] }>(at('metering', position)), [api, position]);
  const all = months.data?.months ?? [];
  const thisMonth = new Date().toISOString().slice(0, 7);
  const current = all.find((m) => m.month === thisMonth);
  const services = current?.services ?? all[all.length - 1]?.services ?? [];
  const past = all.filter((m) => m.month !== thisMonth);
  return (
    <Section title={t('meteredServices')} id="metering">
      <ProblemMessage error={months.error} />
      <h3>
        {t('thisMonth')} ({thisMonth})
      </h3>
      <MeteringChart
        id="chart-this-month"
        label={`${t('meteredServices')}: ${t('thisMonth')}`}
        labels={services.map((s) => s.service)}
        series={[
          { label: t('total'), kind: 'bar', color: PALETTE[0], values: services.map((s) => (current ? current.services.find((c) => c.service === s.service)?.total ?? 0 : 0)) },
          { label: t('threshold'), kind: 'bar', color: PALETTE[1], values: services.map((s) => s.threshold) },
        ]}
      />
      <table class="grid" aria-label={`${t('meteredServices')}: ${t('thisMonth')}`}>
        <thead>
          <tr>
            <th scope="col">{t('service')}</th>
            <th scope="col">{t('total')}</th>
            <th scope="col">{t('threshold')}</th>
          </tr>
        </thead>
        <tbody>
          {(current?.services ?? []).map((s) => (
            <tr key={s.service} data-service={s.service}>
              <th scope="row">{s.service}</th>
              <td data-field="total">
                {s.total} {s.unit}
              </td>
              <td>{s.threshold}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {past.length > 0 && (
        <>
          <h3>{t('pastMonths')}</h3>
          <MeteringChart
            id="chart-past-months"
            label={`${t('meteredServices')}: ${t('pastMonths')}`}
            labels={past.map((m) => m.month)}
            series={(past[0]?.services ?? []).map((s, i) => ({
              label: s.service,
              kind: 'line' as const,
              color: PALETTE[i % PALETTE.length],
              values: past.map((m) => m.services.find((x) => x.service === s.service)?.total ?? 0),
            }))}
          />
        </>
      )}
    </Section>
  );
}

function Notifications({ api, position }: { api: Api; position: string | null }) {
  const t = useT();
  const language = useLanguage();
  const [cursor, setCursor] = useState<string | null>(null);
  const [selected, setSelected] = useState<SystemEvent | null>(null);
  const page = useQuery(() => api.get<Page<SystemEvent>>(at(`system-events?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, position)), [api, position, cursor]);
  return (
    <Section title={t('systemNotifications')} id="notifications">
      <ProblemMessage error={page.error} />
      <table class="grid selectable" aria-label={t('systemNotifications')}>
        <thead>
          <tr>
            {(['event', 'status', 'message', 'activated', 'activatedBy', 'finished', 'type'] as MessageKey[]).map((key) => (
              <th scope="col" key={key}>
                {t(key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(page.data?.items ?? []).map((item) => (
            <tr key={item.sequence} data-event-key={item.eventKey} aria-selected={selected?.sequence === item.sequence}>
              <th scope="row">
                <button class="link" onClick={() => setSelected(item)}>
                  {item.eventKey}
                </button>
              </th>
              <td>{item.status}</td>
              <td class="message">{item.message}</td>
              <td>{formatDate(item.activatedAt, language)}</td>
              <td>{item.activatedBy}</td>
              <td>{formatDate(item.finishedAt ?? item.eta, language)}</td>
              <td>{t(`scope${item.scope}` as MessageKey)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="pager">
        <button disabled={cursor === null} onClick={() => setCursor(null)}>
          {t('firstPage')}
        </button>
        <button disabled={!page.data?.nextCursor} onClick={() => setCursor(page.data?.nextCursor ?? null)}>
          {t('nextPage')}
        </button>
      </div>
      <Description api={api} event={selected} />
    </Section>
  );
}

/** The Description pane: the selected notification as it stands now (read by its key). */
function Description({ api, event }: { api: Api; event: SystemEvent | null }) {
  const t = useT();
  const language = useLanguage();
  const path = event ? `system-events/${encodeURIComponent(event.eventKey)}?scope=${event.scope}${event.owner ? `&owner=${encodeURIComponent(event.owner)}` : ''}` : null;
  const detail = useQuery(() => (path ? api.get<SystemEvent>(path) : Promise.resolve(null)), [api, path]);
  return (
    <div class="description" aria-live="polite" id="description-pane">
      <h3>{t('description')}</h3>
      <ProblemMessage error={detail.error} />
      {!detail.data ? (
        <p>{t('selectEvent')}</p>
      ) : (
        <dl class="facts">
          <dt>{t('event')}</dt>
          <dd>{detail.data.eventKey}</dd>
          <dt>{t('message')}</dt>
          <dd>{detail.data.message}</dd>
          <dt>{t('status')}</dt>
          <dd>{detail.data.status}</dd>
          <dt>{t('activated')}</dt>
          <dd>{formatDate(detail.data.activatedAt, language)}</dd>
          <dt>{t('activatedBy')}</dt>
          <dd>{detail.data.activatedBy}</dd>
        </dl>
      )}
    </div>
  );
}

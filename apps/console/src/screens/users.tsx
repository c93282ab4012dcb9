import { useState } from 'preact/hooks';
import { Api, at, LicenseList, ProblemError, Session, UserLicenses } from '../api';
import { ProblemMessage, Section } from '../components';
import { useT } from '../i18n';
import { useQuery } from '../use-query';

const OWNER = 'SUPEROFFICE';

/** Users: a user's plan (one per user: radio buttons) and licenses; assign and release, refusals in words. */
export function UsersScreen({ api, position, session }: { api: Api; position: string | null; session: Session }) {
  const t = useT();
  const [draft, setDraft] = useState('');
  const [userId, setUserId] = useState<string | null>(null);
  return (
    <div>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          setUserId(draft.trim() || null);
        }}
      >
        <label for="user-id">{t('userId')}</label>
        <input id="user-id" value={draft} onInput={(event) => setDraft(event.currentTarget.value)} autocomplete="off" />
        <button type="submit">{t('open')}</button>
      </form>
      {userId && <UserPanel key={userId} api={api} position={position} userId={userId} mayChange={session.may.assignLicenses} />}
    </div>
  );
}

function UserPanel({ api, position, userId, mayChange }: { api: Api; position: string | null; userId: string; mayChange: boolean }) {
  const t = useT();
  // A command's own position, so the re-read after it shows its effect even before the live stream announces it.
  const [written, setWritten] = useState<string | null>(null);
  const seen = newest(position, written);
  const licenses = useQuery(() => api.get<LicenseList>(at('licenses', seen)), [api, seen]);
  const user = useQuery(() => api.get<UserLicenses>(at(`users/${encodeURIComponent(userId)}/licenses`, seen)), [api, seen, userId]);
  const [choice, setChoice] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<ProblemError | null>(null);
  const owner = licenses.data?.owners.find((o) => o.name === OWNER);
  const plans = owner?.licenses.filter((l) => l.isPlan) ?? [];
  const others = owner?.licenses.filter((l) => l.type === 3 && !l.isPlan && !l.hidden) ?? [];
  const plan = user.data?.plan ?? null;
  const chosen = choice === undefined ? plan : choice;

  const run = async (command: () => Promise<{ position: string }>) => {
    setError(null);
    try {
      setWritten((await command()).position);
      setChoice(undefined);
    } catch (caught) {
      if (caught instanceof ProblemError) setError(caught);
      else throw caught;
    }
  };
  const assign = (module: string) => run(() => api.post(`users/${encodeURIComponent(userId)}/licenses`, { module, owner: OWNER }));
  const release = (module: string) => run(() => api.delete(`users/${encodeURIComponent(userId)}/licenses/${encodeURIComponent(module)}?owner=${OWNER}`));

  return (
    <Section title={`${t('users')}: ${userId}`} id="user">
      <ProblemMessage error={licenses.error ?? user.error} />
      {user.data && <p>{user.data.active ? t('active') : t('inactive')}</p>}
      <fieldset>
        <legend>{t('userPlan')}</legend>
        {[{ module: null as string | null, label: t('noPlan') }, ...plans.map((p) => ({ module: p.module as string | null, label: `${p.description} (${p.free}/${p.number})` }))].map(
          (option) => (
            <label class="radio" key={option.module ?? 'none'}>
              <input type="radio" name="plan" value={option.module ?? ''} checked={chosen === option.module} disabled={!mayChange} onChange={() => setChoice(option.module)} />
              {option.label}
            </label>
          ),
        )}
        {mayChange && (
          <button
            class="primary"
            disabled={chosen === plan}
            onClick={() => void (chosen === null ? (plan ? release(plan) : Promise.resolve()) : assign(chosen))}
          >
            {t('assignPlan')}
          </button>
        )}
      </fieldset>
      <ProblemMessage error={error} />
      <table class="grid" aria-label={t('userLicenses')}>
        <thead>
          <tr>
            <th scope="col">{t('license')}</th>
            <th scope="col">{t('inUse')}</th>
            <th scope="col">{t('free')}</th>
            {mayChange && <th scope="col">{t('assign')}</th>}
          </tr>
        </thead>
        <tbody>
          {others.map((license) => {
            const held = user.data?.modules.includes(license.module) ?? false;
            return (
              <tr key={license.module} data-module={license.module} data-held={held}>
                <th scope="row">{license.description || license.module}</th>
                <td>{license.inUse}</td>
                <td>{license.free}</td>
                {mayChange && (
                  <td>
                    <button onClick={() => void (held ? release(license.module) : assign(license.module))} aria-label={`${held ? t('release') : t('assign')} ${license.module}`}>
                      {held ? t('release') : t('assign')}
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {user.data && (
        <p>
          {t('userLicenses')}: <span id="user-modules">{user.data.modules.join(', ') || '—'}</span>
        </p>
      )}
    </Section>
  );
}

function newest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return BigInt(a) >= BigInt(b) ? a : b;
}

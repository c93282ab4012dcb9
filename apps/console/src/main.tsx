import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, apiFor, Credentials, Page, ProblemError, Session } from './api';
import { ProblemMessage } from './components';
import { isLanguage, Language, LanguageContext, LANGUAGES, MessageKey, translator, useT } from './i18n';
import { useLivePosition } from './live';
import { ActivateScreen } from './screens/activate';
import { AuditScreen } from './screens/audit';
import { LicensesScreen } from './screens/licenses';
import { StatusScreen } from './screens/status';
import { UsersScreen } from './screens/users';
import './styles.css';

// The credential lives for the browser session only (sessionStorage: gone when the tab closes), never in a URL.
const CREDENTIALS = 'licensing.console.credentials';
const LANGUAGE = 'licensing.console.language';

type ScreenName = 'licenses' | 'status' | 'activate' | 'users' | 'audit';
const SCREENS: ScreenName[] = ['licenses', 'status', 'activate', 'users', 'audit'];

function storedCredentials(): Credentials | null {
  const raw = sessionStorage.getItem(CREDENTIALS);
  return raw ? (JSON.parse(raw) as Credentials) : null;
}

function screenOfHash(): ScreenName {
  const name = location.hash.replace(/^#\/?/, '');
  return (SCREENS as string[]).includes(name) ? (name as ScreenName) : 'licenses';
}

function App() {
  const stored = localStorage.getItem(LANGUAGE);
  const [language, setLanguage] = useState<Language>(isLanguage(stored) ? stored : 'en');
  const [credentials, setCredentials] = useState<Credentials | null>(storedCredentials);
  const context = useMemo(() => ({ language, t: translator(language) }), [language]);
  useEffect(() => {
    document.documentElement.lang = language;
    localStorage.setItem(LANGUAGE, language);
  }, [language]);
  const signIn = (next: Credentials | null) => {
    if (next) sessionStorage.setItem(CREDENTIALS, JSON.stringify(next));
    else sessionStorage.removeItem(CREDENTIALS);
    setCredentials(next);
  };
  return (
    <LanguageContext.Provider value={context}>
      <a href="#main" class="skip">
        {context.t('appTitle')}
      </a>
      {credentials ? (
        <SignedIn key={`${credentials.tenant}`} credentials={credentials} onSignOut={() => signIn(null)} onTenant={(tenant) => signIn({ ...credentials, tenant })} language={language} setLanguage={setLanguage} />
      ) : (
        <SignIn onSignIn={signIn} language={language} setLanguage={setLanguage} />
      )}
    </LanguageContext.Provider>
  );
}

function LanguagePicker({ language, setLanguage }: { language: Language; setLanguage: (language: Language) => void }) {
  const t = useT();
  return (
    <label class="inline">
      {t('language')}{' '}
      <select id="language" value={language} onChange={(event) => isLanguage(event.currentTarget.value) && setLanguage(event.currentTarget.value)}>
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

function SignIn({ onSignIn, language, setLanguage }: { onSignIn: (credentials: Credentials) => void; language: Language; setLanguage: (language: Language) => void }) {
  const t = useT();
  const [secret, setSecret] = useState('');
  const [tenant, setTenant] = useState('');
  const [error, setError] = useState<ProblemError | null>(null);
  const submit = async () => {
    setError(null);
    const credentials = { secret: secret.trim(), tenant: tenant.trim() };
    try {
      // The session route answers only for a credential that covers this tenant: a bad key is refused here.
      await apiFor(credentials).get<Session>('session');
      onSignIn(credentials);
    } catch (caught) {
      if (caught instanceof ProblemError) setError(caught);
      else throw caught;
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>{t('appTitle')}</h1>
      <LanguagePicker language={language} setLanguage={setLanguage} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label for="credential">{t('credential')}</label>
        <input id="credential" type="password" autocomplete="off" value={secret} onInput={(event) => setSecret(event.currentTarget.value)} />
        <label for="tenant">{t('tenant')}</label>
        <input id="tenant" required autocomplete="off" value={tenant} onInput={(event) => setTenant(event.currentTarget.value)} />
        <button type="submit" class="primary">
          {t('signIn')}
        </button>
      </form>
      <ProblemMessage error={error} />
    </main>
  );
}

interface SignedInProps {
  credentials: Credentials;
  onSignOut: () => void;
  onTenant: (tenant: string) => void;
  language: Language;
  setLanguage: (language: Language) => void;
}

function SignedIn({ credentials, onSignOut, onTenant, language, setLanguage }: SignedInProps) {
  const t = useT();
  const api = useMemo(() => apiFor(credentials), [credentials]);
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<ProblemError | null>(null);
  const [screen, setScreen] = useState<ScreenName>(screenOfHash);
  const live = useLivePosition(api);
  useEffect(() => {
    const follow = () => setScreen(screenOfHash());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  useEffect(() => {
    api.get<Session>('session').then(setSession, (caught: unknown) => {
      if (caught instanceof ProblemError) setError(caught);
      else console.error(caught);
    });
  }, [api]);
  if (error) {
    return (
      <main id="main">
        <ProblemMessage error={error} />
        <button onClick={onSignOut}>{t('signOut')}</button>
      </main>
    );
  }
  if (!session) return <p>{t('loading')}</p>;
  // Screens a role may not use are not offered (the server refuses them anyway).
  const visible = SCREENS.filter((name) => (name === 'activate' ? session.may.activatePackages || session.may.query : name === 'audit' ? session.may.audit : true));
  const current = visible.includes(screen) ? screen : 'licenses';
  return (
    <>
      <header>
        <h1>{t('appTitle')}</h1>
        <TenantPicker api={api} session={session} tenant={credentials.tenant} onTenant={onTenant} />
        <span class="who">
          {t('signedInAs')} <strong id="actor">{session.actor}</strong> ({t('role')}: <span id="role">{session.role}</span>)
        </span>
        <span class={live.connected ? 'live on' : 'live'} role="status">
          {live.connected ? t('live') : t('reconnecting')}
        </span>
        <LanguagePicker language={language} setLanguage={setLanguage} />
        <button onClick={onSignOut}>{t('signOut')}</button>
      </header>
      <nav aria-label={t('navigation')}>
        <ul>
          {visible.map((name) => (
            <li key={name}>
              <a href={`#/${name}`} aria-current={name === current ? 'page' : undefined} id={`nav-${name}`}>
                {t(name as MessageKey)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <h2 class="screen-title">{t(current as MessageKey)}</h2>
        <Screen name={current} api={api} position={live.position} session={session} />
      </main>
    </>
  );
}

function Screen({ name, api, position, session }: { name: ScreenName; api: Api; position: string | null; session: Session }) {
  switch (name) {
    case 'licenses':
      return <LicensesScreen api={api} position={position} />;
    case 'status':
      return <StatusScreen api={api} position={position} session={session} />;
    case 'activate':
      return <ActivateScreen api={api} position={position} session={session} />;
    case 'users':
      return <UsersScreen api={api} position={position} session={session} />;
    case 'audit':
      return <AuditScreen api={api} position={position} />;
  }
}

/** Administrators and auditors of every tenant (`*`) choose the tenant from `GET /v1/tenants`. */
function TenantPicker({ api, session, tenant, onTenant }: { api: Api; session: Session; tenant: string; onTenant: (tenant: string) => void }) {
  const t = useT();
  const [tenants, setTenants] = useState<string[]>([tenant]);
  useEffect(() => {
    if (!session.may.listTenants) return;
    api.get<Page<{ tenantId: string }>>('/v1/tenants?limit=200').then(
      (page) => setTenants([...new Set([tenant, ...page.items.map((item) => item.tenantId)])]),
      (caught: unknown) => console.error('tenants', caught),
    );
  }, [api, session, tenant]);
  if (tenants.length < 2) return <span class="tenant">{t('tenant')}: <strong id="tenant-name">{tenant}</strong></span>;
  return (
    <label class="inline">
      {t('tenant')}{' '}
      <select id="tenant-picker" value={tenant} onChange={(event) => onTenant(event.currentTarget.value)}>
        {tenants.map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </select>
    </label>
  );
}

render(<App />, document.getElementById('app')!);

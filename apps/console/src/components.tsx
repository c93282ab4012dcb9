import type { ComponentChildren } from 'preact';
import { ProblemError } from './api';
import { MessageKey, useT } from './i18n';

/** A refusal in words: the problem's type mapped to the user's language with its details, else the server's detail. */
export function ProblemMessage({ error }: { error: ProblemError | null }) {
  const t = useT();
  if (!error) return null;
  const slug = error.problem.type.replace('/problems/', '');
  const key = `problem.${slug}` as MessageKey;
  const words = t(key, error.problem);
  const text = words === key || words === '' ? (error.problem.detail ?? error.problem.title) : words;
  return (
    <p role="alert" class="problem" data-problem={slug}>
      {text}
    </p>
  );
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section aria-labelledby={id ? `${id}-title` : undefined} class="box" id={id}>
      <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

export function YesNo({ value }: { value: boolean }) {
  const t = useT();
  return <>{value ? t('yes') : t('no')}</>;
}

/**
 * `projections rebuild --online`: the running service rebuilds, this only asks and follows. The service is at
 * LICENSING_API_URL (default http://127.0.0.1:$PORT, PORT 3000), the credential in LICENSING_ADMIN_KEY (an API key
 * or token of an administrator of every tenant). The credential is sent, never printed.
 */
export async function rebuildOnlineThroughApi(names: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const base = (env.LICENSING_API_URL ?? `http://127.0.0.1:${env.PORT ?? '3000'}`).replace(/\/$/, '');
  const key = env.LICENSING_ADMIN_KEY;
  if (!key) throw new Error('--online needs LICENSING_ADMIN_KEY: the credential of an administrator of every tenant');
  const headers = { authorization: `Bearer ${key}` };
  for (const name of names) {
    const url = `${base}/v1/admin/projections/${encodeURIComponent(name)}/rebuild`;
    const started = await fetch(url, { method: 'POST', headers });
    if (started.status !== 202)
      throw new Error(`${name}: the service refused the rebuild (${started.status}): ${await detail(started)}`);
    for (;;) {
      // The service does the work; a status read every half second is all the following there is.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const answer = await fetch(url, { headers });
      if (answer.status !== 200)
        throw new Error(`${name}: the service did not report the rebuild (${answer.status}): ${await detail(answer)}`);
      const progress = (await answer.json()) as {
        state: string;
        position: string | null;
        head: string | null;
        events: number | null;
        error?: string;
      };
      if (progress.state === 'completed') {
        process.stdout.write(
          `rebuilt ${name} online from ${progress.events} events; switched over at ${progress.position ?? 'the start'}\n`,
        );
        break;
      }
      if (progress.state === 'failed')
        throw new Error(`${name}: the online rebuild failed: ${progress.error}; the live read model is unchanged`);
      if (process.stderr.isTTY)
        process.stderr.write(`\r${name}: position ${progress.position ?? '-'} of ${progress.head ?? '-'}   `);
    }
  }
}

async function detail(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
  return body.detail ?? body.title ?? response.statusText;
}

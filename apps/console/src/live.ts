import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api';

export interface Live {
  /** The tenant's newest position the stream announced (null until the first event after sign-in). */
  position: string | null;
  connected: boolean;
}

/**
 * Follows `GET /positions` (server-sent events) with fetch, so the credential travels in the Authorization header
 * and never in a URL. Screens re-read with `?minPosition=` the announced position: live, without a polling loop.
 * A dropped stream is opened again after a short, growing pause.
 */
export function useLivePosition(api: Api): Live {
  const [live, setLive] = useState<Live>({ position: null, connected: false });
  useEffect(() => {
    const abort = new AbortController();
    let pause = 500;
    const follow = async () => {
      while (!abort.signal.aborted) {
        try {
          const response = await api.stream('positions', abort.signal);
          if (!response.ok || !response.body) throw new Error(`positions answered ${response.status}`);
          pause = 500;
          await readEvents(response.body, (event, data) => {
            if (event === 'ready') setLive((current) => ({ ...current, connected: true }));
            if (event === 'position') setLive({ position: (data as { position: string }).position, connected: true });
          });
        } catch (error) {
          if (abort.signal.aborted) return;
          console.warn('positions stream dropped', error);
        }
        setLive((current) => ({ ...current, connected: false }));
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 10_000);
      }
    };
    follow().catch((error: unknown) => console.error('positions stream stopped', error));
    return () => abort.abort();
  }, [api]);
  return live;
}

async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: unknown) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
      if (event && data) onEvent(event, JSON.parse(data));
    }
  }
}

/** A reader of `GET /positions` (server-sent events) over fetch, one event at a time. */
export interface PositionStream {
  contentType: string;
  next(): Promise<{ event: string; data: unknown }>;
  close(): void;
}

export async function openPositions(url: string, headers: Record<string, string> = {}): Promise<PositionStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  if (!response.ok || !response.body)
    throw new Error(`positions answered ${response.status}: ${await response.text()}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (): Promise<{ event: string; data: unknown }> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
        const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
        if (event && data) return { event, data: JSON.parse(data) };
        continue; // a comment (keep-alive)
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the positions stream ended');
      buffer += value;
    }
  };
  return {
    contentType: response.headers.get('content-type') ?? '',
    next,
    close: () => abort.abort(),
  };
}

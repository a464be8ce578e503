export interface SseMessage {
  readonly id?: string;
  readonly data: string;
}

/** One server-sent-events connection read with fetch (so it can send headers such as Last-Event-ID). */
export interface SseConnection {
  readonly status: number;
  readonly messages: SseMessage[];
  /** Resolves with the messages once `done(messages)` holds; rejects after `timeoutMs`. */
  waitFor(done: (messages: SseMessage[]) => boolean, timeoutMs: number, what: string): Promise<SseMessage[]>;
  close(): void;
}

/** Parses one `\n\n`-terminated block; comments (`: ...`) and `retry:` lines carry no message. */
function parseBlock(block: string): SseMessage | undefined {
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('id:')) id = line.slice(3).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return data.length ? { id, data: data.join('\n') } : undefined;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const messages: SseMessage[] = [];
  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const message = parseBlock(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (message) messages.push(message);
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  return {
    status: response.status,
    messages,
    close: () => abort.abort(),
    waitFor: async (done, timeoutMs, what) => {
      const deadline = Date.now() + timeoutMs;
      while (!done(messages)) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${messages.length} messages`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return messages;
    },
  };
}

import { askForToken, authHeaders } from './api.js';

const RECONNECT_MS = 2000;

/**
 * The server's event stream (GET api/events), read with fetch rather than EventSource so it can send the bearer
 * token. After a drop it reconnects with Last-Event-ID, and the server replays what was missed from the history.
 */
export class LiveEvents {
  constructor(onEvent, onStatus) {
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.lastEventId = undefined;
    this.abort = undefined;
    this.stopped = false;
  }

  /** The log position of the last event received (its SSE id), if any. */
  position() {
    return this.lastEventId === undefined ? undefined : Number(this.lastEventId);
  }

  start() {
    this.stopped = false;
    void this.run();
  }

  stop() {
    this.stopped = true;
    this.abort?.abort();
  }

  async run() {
    while (!this.stopped) {
      try {
        await this.connectOnce();
      } catch {
        // network error or aborted: fall through to the reconnect
      }
      if (this.stopped) return;
      this.onStatus('off');
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }

  async connectOnce() {
    this.abort = new AbortController();
    const headers = { accept: 'text/event-stream', ...authHeaders() };
    if (this.lastEventId !== undefined) headers['Last-Event-ID'] = this.lastEventId;
    const response = await fetch('api/events', { headers, signal: this.abort.signal });
    if (response.status === 401) {
      await askForToken();
      return;
    }
    if (!response.ok || !response.body) return;
    this.onStatus('on');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  dispatch(block) {
    let id;
    let type = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length === 0) return;
    // The stream ended with an error ({code,message,details}), not an event.
    if (type === 'error') return void console.error('live events ended', data.join('\n'));
    if (id !== undefined) this.lastEventId = id;
    try {
      this.onEvent(JSON.parse(data.join('\n')));
    } catch (error) {
      console.error('live event not handled', error);
    }
  }
}

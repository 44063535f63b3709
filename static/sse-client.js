/**
 * Server-Sent Events over a POST `fetch`: send a JSON body, read the `text/event-stream`.
 *
 * A browser `EventSource` can only GET and reconnects on its own, so for "one question,
 * one streamed answer" we read the response body ourselves:
 *
 *   fetch -> response.body.getReader() -> TextDecoder({stream: true}) -> SSEParser -> events
 *
 * `SSEParser` follows the WHATWG "event stream interpretation" rules (html.spec.whatwg.org,
 * section "Server-sent events"): lines end in CRLF, LF or CR; a leading BOM is dropped;
 * `:` starts a comment (our server's `: ping` heartbeats); one optional space after the
 * colon; several `data:` lines join with "\n"; a blank line dispatches the event; an
 * unfinished event at the end of the stream is dropped.
 *
 * `streamAnswer` reads one answer to its end over as many connections as it takes: every
 * answer is a run on the server, and a dropped connection is resumed from the last event
 * id it delivered (`GET /api/runs/{runId}/stream` with `Last-Event-ID`), with backoff,
 * while the server's resume window lasts. `retry:` is parsed but not used.
 *
 * No DOM use: any front end or test page can import this module as it is.
 */

const LINE_END = /\r\n|\r|\n/g;

/** Incremental SSE parser: `push(text)` returns the events that text completed. */
export class SSEParser {
  #buffer = '';       // the start of a line whose end has not arrived yet
  #afterCR = false;   // the last text ended in CR: a LF opening the next one is the same line end
  #atStart = true;    // a BOM is only special as the very first character of the stream
  #data = [];         // `data:` values of the event being built
  #eventType = '';
  #lastEventId = '';  // persists from event to event, as in the spec
  retry = null;       // last valid `retry:` value in ms (informational)

  /**
   * Feed the next piece of decoded text (it may end anywhere, even inside "\r\n").
   * Returns [{id, event, data}] with `data` as the raw string.
   */
  push(text) {
    if (this.#atStart && text) {
      this.#atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.#afterCR && text) {
      this.#afterCR = false;
      if (text[0] === '\n') text = text.slice(1);
    }
    const input = this.#buffer + text;
    const events = [];
    let start = 0;
    for (const match of input.matchAll(LINE_END)) {
      const event = this.#line(input.slice(start, match.index));
      if (event) events.push(event);
      start = match.index + match[0].length;
    }
    this.#buffer = input.slice(start);
    this.#afterCR = input.endsWith('\r');
    return events;
  }

  #line(line) {
    if (line === '') return this.#dispatch();
    if (line[0] === ':') return null; // comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#eventType = value;
    else if (field === 'id' && !value.includes('\0')) this.#lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return null; // any other field is ignored
  }

  #dispatch() {
    const event = this.#data.length === 0 ? null : {
      id: this.#lastEventId,
      event: this.#eventType || 'message',
      data: this.#data.join('\n'),
    };
    this.#data = [];
    this.#eventType = '';
    return event;
  }
}

/** A non-2xx answer. `serverMessage` is the server's Russian `message`, when it sent one. */
export class HttpError extends Error {
  constructor(status, {code = null, serverMessage = null, retryAfter = null} = {}) {
    super(serverMessage ?? `HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;                  // the body's machine-readable `error`
    this.serverMessage = serverMessage;
    this.retryAfter = retryAfter;      // seconds, from a 429/503 `Retry-After` header
  }

  static async from(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      // not JSON (a proxy's HTML error page, say): status only
    }
    const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    return new HttpError(response.status, {
      code: typeof body?.error === 'string' ? body.error : null,
      serverMessage: typeof body?.message === 'string' ? body.message : null,
      retryAfter: Number.isNaN(retryAfter) ? null : retryAfter,
    });
  }
}

/**
 * POST `body` as JSON to `url` (or GET it, `method: 'GET'`) and yield `{id, event, data}`
 * for each SSE event, `data` parsed as JSON. `onResponse(response)` sees the response
 * before its body. Throws `HttpError` for a non-2xx answer and a TypeError for a network
 * failure. When `signal` aborts, the generator simply ends (no exception); stopping the
 * loop early (`break`) or aborting cancels the reader, which closes the connection.
 */
export async function* streamEvents(url, {body = {}, signal, headers = {}, method = 'POST', onResponse} = {}) {
  let response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: {...(method === 'POST' ? {'Content-Type': 'application/json'} : {}),
        Accept: 'text/event-stream', ...headers},
      body: method === 'POST' ? JSON.stringify(body) : undefined,
      signal,
    });
  } catch (error) {
    if (signal?.aborted) return; // stopped before the answer began
    throw error;
  }
  if (!response.ok) throw await HttpError.from(response);
  onResponse?.(response);
  if (!response.body) return; // e.g. 204: nothing to read

  const reader = response.body.getReader();
  // {stream: true}: a multi-byte character split between two chunks waits for its tail.
  const decoder = new TextDecoder('utf-8');
  const parser = new SSEParser();
  let finished = false;
  try {
    for (;;) {
      const {value, done} = await reader.read();
      if (done) {
        finished = true; // an unfinished last event is dropped, as the spec says
        return;
      }
      for (const {id, event, data} of parser.push(decoder.decode(value, {stream: true}))) {
        yield {id, event, data: parseData(id, data)};
      }
    }
  } catch (error) {
    if (signal?.aborted) return; // reader.read() rejects with an AbortError on Stop
    throw error;
  } finally {
    if (!finished) reader.cancel().catch(() => {}); // Stop, `break`, or an error
  }
}

const ENDS = new Set(['done', 'error']);

/**
 * One answer to its end, whatever drops: yields `{id, event, data}` like `streamEvents`,
 * each event once. The question is POSTed with an `Idempotency-Key` (a retry before the
 * run id arrived joins the same run); `onRun(runId)` says which run it is. Pass `runId`
 * (and `lastEventId`) to follow a run that is already going, e.g. after a page reload.
 * `onReconnecting(true | false)` brackets each gap. Gives up, throwing the last error,
 * after `patienceMs` without a byte; an HttpError (404, 403...) is thrown at once.
 */
export async function* streamAnswer(url, {body = {}, signal, headers = {}, runId = null, lastEventId = 0,
  onRun = () => {}, onReconnecting = () => {}, patienceMs = 30_000} = {}) {
  const key = randomKey();
  let run = runId;
  let last = lastEventId;
  let failures = 0;
  let progressAt = Date.now();
  let reconnecting = false;
  for (;;) {
    let over = false; // the server said 204: the run is over and we have all of it
    let error = new TypeError('the stream ended before the answer did');
    const options = {
      signal,
      headers: {...headers, 'Last-Event-ID': String(last), ...(run ? {} : {'Idempotency-Key': key})},
      method: run ? 'GET' : 'POST',
      body,
      onResponse(response) {
        over = response.status === 204;
        const id = response.headers.get('X-Run-Id');
        if (id && id !== run) onRun((run = id));
      },
    };
    try {
      for await (const event of streamEvents(run ? `/api/runs/${encodeURIComponent(run)}/stream` : url, options)) {
        const id = Number(event.id);
        if (Number.isInteger(id) && id > 0) {
          if (id <= last) continue; // seen before the drop: never twice
          last = id;
        }
        progressAt = Date.now();
        failures = 0;
        if (reconnecting) onReconnecting((reconnecting = false));
        yield event;
        if (ENDS.has(event.data?.type)) return;
      }
      if (over || signal?.aborted) return;
    } catch (caught) {
      if (caught instanceof HttpError || signal?.aborted) throw caught;
      error = caught; // the network: try again
    }
    if (Date.now() - progressAt > patienceMs) throw error;
    if (!reconnecting) onReconnecting((reconnecting = true));
    failures += 1;
    await sleep(Math.min(2000, 100 * 2 ** failures) * (0.5 + Math.random() / 2), signal);
    if (signal?.aborted) return;
  }
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, {once: true});
  });
}

function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function parseData(id, data) {
  try {
    return JSON.parse(data);
  } catch {
    throw new SyntaxError(`SSE event ${id || '(no id)'} does not carry JSON: ${data.slice(0, 80)}`);
  }
}

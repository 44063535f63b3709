/**
 * The kiosk chat page: one form, one streamed answer at a time, a fresh start for each
 * customer.
 *
 * Flow of a question: send() -> POST /api/orchestrator/{user}/stream (sse-client.js) ->
 * each event goes to #handle(): `status` -> the status line, `token` -> AnswerView
 * (render.js), `metadata` -> cards and charts (metadata.js), `done` | `error` -> the end.
 * Stop asks the server to stop the run, then drops the fetch; the answer so far stays,
 * marked «(остановлено)». A dropped connection is resumed by `streamAnswer` (the status
 * line says «Восстанавливаю соединение...»), and a reload mid-answer shows the
 * conversation again and continues the answer (session.js keeps both for the tab). A card
 * opens its details (product-details.js); staff mode (staff-mode.js) lasts until «Выйти».
 *
 * Screen readers: the conversation is a polite live region with aria-busy="true" while
 * an answer streams, so it is read once, whole, when it is finished instead of being
 * re-announced token by token; meanwhile the status line (role="status") says what the
 * server is doing.
 */

import {streamAnswer} from './sse-client.js';
import {AnswerView, appendNotice, appendUserMessage, renderWelcome, retireTestIds} from './render.js';
import {IdleTimer, currentUserId, forgetConversation, idleSecondsFromUrl, loadConversation, pinnedUserId,
  saveConversation, startNewUser, unpinUser} from './session.js';
import {CharCounter} from './counter.js';
import {ProductDetails} from './product-details.js';
import {StaffMode} from './staff-mode.js';
import {loadAgents} from './agents.js';
import {requestBody} from './history.js';
import {CONNECTION_LOST, DONE, EXAMPLES, MODE_LABELS, MODE_OFFLINE_TITLE, MODE_UNKNOWN, MODE_UNREACHABLE, NETWORK_ERROR,
  RECONNECTING, STOPPED, UNPINNED, modelTitle} from './texts.js';

const DEFAULT_IDLE_SECONDS = 120;  // until /health says otherwise
const HEALTH_RETRY_MS = 15_000;    // the kiosk may boot before the server
const NEAR_BOTTOM_PX = 80;         // "at the bottom" for auto-scrolling

class KioskChat {
  #ui;
  #history = [];         // [{role: 'user' | 'assistant', content}], this customer's only
  #controller = null;    // AbortController of the running answer, or null
  #runId = null;         // the running answer's run id (its first event names it)
  #userId = currentUserId();
  #idle = new IdleTimer(() => this.#onIdle());
  #healthRetry = null;
  #idTaken = false;      // the server said (403) this pinned id belongs to another browser
  #staff; #counter; #details;
  #titles = new Map();       // agent name -> title, from /api/agents

  constructor(doc) {
    const byTestId = (id) => doc.querySelector(`[data-testid="${id}"]`);
    this.#ui = {
      form: doc.getElementById('composer'),
      log: doc.getElementById('conversation'),
      input: byTestId('message-input'),
      send: byTestId('send-button'),
      stop: byTestId('stop-button'),
      agent: byTestId('agent-select'),
      status: byTestId('status'),
      mode: byTestId('mode-badge'),
      newChat: byTestId('new-chat'), ask: byTestId('product-ask'), // a card's question, from its details
    };
    this.#staff = new StaffMode(byTestId('staff-badge'), byTestId('staff-exit'), this.#ui.agent);
    this.#counter = new CharCounter(byTestId('char-counter'));
    this.#details = new ProductDetails(byTestId('product-details'), (text) => this.send(text));
  }

  start() {
    const {form, input, stop, newChat} = this.#ui;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send(input.value);
    });
    input.addEventListener('keydown', (event) => {
      // Enter sends, Shift+Enter is a new line; never while an IME is composing a word
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.#controller && !event.target.closest?.('dialog')) this.stop(); // in a dialog: closes it
    });
    stop.addEventListener('click', () => this.stop());
    newChat.addEventListener('click', () => this.reset());
    input.addEventListener('input', () => this.#counter.update(input.value));
    this.#ui.log.addEventListener('product-open', (event) => this.#details.open(event.detail));
    this.#idle.seconds = idleSecondsFromUrl() ?? DEFAULT_IDLE_SECONDS;
    this.#renderEmpty();
    this.#checkHealth().finally(() => this.#restore()); // restored bubbles want the agents' titles
  }

  async send(text) {
    const message = text.trim();
    if (!message || this.#controller || !this.#counter.update(message)) return;
    await this.#ask(message);
  }

  /** Ask `message`, or (`runId`) follow the run of an answer asked before a reload. */
  async #ask(message, runId = null) {
    const {log, input, agent} = this.#ui;
    retireTestIds(log);
    appendUserMessage(log, message);
    const answer = new AnswerView(log, this.#titles);
    const controller = new AbortController();
    this.#controller = controller;
    input.value = '';
    this.#counter.update('');
    this.#setStreaming(true);
    this.#setStatus('');
    this.#scrollDown(true);

    const body = requestBody(message, this.#history, agent.value); // the newest history that fits
    const url = `/api/orchestrator/${encodeURIComponent(this.#userId)}/stream`;
    let ended = false; // a `done` or `error` event arrived
    try {
      const headers = this.#staff.headers;
      const onRun = (id) => {
        this.#runId = id;
        saveConversation(this.#userId, this.#history, {message, runId: id});
      };
      const onReconnecting = (on) => this.#setStatus(on ? RECONNECTING : '');
      const options = {body, headers, signal: controller.signal, runId, onRun, onReconnecting};
      for await (const {data} of streamAnswer(url, options)) {
        const follow = this.#atBottom(); // measured before the page grows
        ended = this.#handle(data, answer);
        this.#scrollDown(follow);
        if (ended) break; // leaving the loop cancels the reader
      }
      if (controller.signal.aborted) {
        answer.markStopped();
        this.#setStatus(STOPPED);
      } else if (!ended) {
        answer.showError(CONNECTION_LOST);
      }
    } catch (error) {
      // HttpError carries the server's Russian message; a TypeError from fetch does not
      answer.showError(error.serverMessage ?? NETWORK_ERROR);
      if (error.status === 403 && error.code === 'user_taken') this.#idTaken = true;
      this.#setStatus('');
    } finally {
      answer.finish();
      const reply = answer.text;
      if (reply) {
        this.#history.push({role: 'user', content: message}, {role: 'assistant', content: reply, ...answer.shown});
      } else if (!input.value) {
        // No answer came (429, no network, stopped at once): the question waits to be sent again.
        input.value = message;
        this.#counter.update(message);
      }
      saveConversation(this.#userId, this.#history);
      this.#controller = null;
      this.#runId = null;
      this.#setStreaming(false);
    }
  }

  /** Stop means stop: the server stops the run (and the LLM), then the fetch is dropped. */
  stop() {
    if (this.#runId) {
      const headers = this.#staff.headers;
      fetch(`/api/runs/${encodeURIComponent(this.#runId)}/cancel`,
        {method: 'POST', credentials: 'same-origin', headers}).catch(() => {});
    }
    this.#controller?.abort();
  }

  /** A clean page and a new anonymous id (staff mode stays; a pinned id lost to another browser goes). */
  reset() {
    if (this.#controller) return; // the controls that lead here are disabled mid-answer
    const unpin = this.#idTaken && pinnedUserId() !== null;
    this.#history = [];
    forgetConversation();
    this.#userId = unpin ? unpinUser() : startNewUser();
    this.#idTaken = false;
    this.#details.close();
    this.#ui.input.value = '';
    this.#counter.update('');
    this.#ui.agent.value = '';
    this.#setStatus('');
    this.#renderEmpty();
    if (unpin) appendNotice(this.#ui.log, UNPINNED);
    this.#checkHealth();
  }

  /** After a reload: the conversation of this tab, and the answer that was coming. */
  #restore() {
    const saved = loadConversation(this.#userId);
    if (!saved || (!saved.history.length && !saved.pending)) return;
    const {log} = this.#ui;
    log.replaceChildren();
    this.#history = saved.history;
    for (const {role, content, parts, metadata} of saved.history) {
      if (role === 'user') {
        appendUserMessage(log, content);
      } else {
        const answer = new AnswerView(log, this.#titles);
        for (const [agent, text] of parts ?? [['answer', content]]) answer.appendToken(agent, text);
        if (metadata) answer.showMetadata(metadata);
        answer.finish();
      }
    }
    this.#scrollDown(true);
    if (saved.pending) this.#ask(saved.pending.message, saved.pending.runId);
  }

  /** Returns true when the event ends the answer. */
  #handle(event, answer) {
    switch (event?.type) {
      case 'status':
        this.#setStatus(event.message);
        if (event.stage === 'agent' && typeof event.agent === 'string') answer.reserve(event.agent);
        return false;
      case 'token':
        answer.appendToken(event.agent, event.content);
        return false;
      case 'metadata':
        answer.showMetadata(event);
        return false;
      case 'done':
        this.#setStatus(event.message || DONE);
        return true;
      case 'error':
        answer.showError(event.message || NETWORK_ERROR);
        this.#setStatus('');
        return true;
      default:
        return false; // unknown event types are allowed by the contract and skipped
    }
  }

  #onIdle() {
    if (this.#controller) return; // never mid-answer; #setStreaming(false) re-arms the timer
    const {log, input} = this.#ui;
    const dirty = this.#history.length > 0 || input.value !== '' || log.querySelector('.turn--user');
    if (dirty) this.reset();
  }

  #setStreaming(on) {
    const {log, input, send, stop, agent, newChat, ask} = this.#ui;
    const focused = document.activeElement;
    const keyboardOnStop = focused === stop && stop.matches(':focus-visible');
    const controls = [input, send, agent, newChat, ask, ...log.querySelectorAll('.chip')];
    for (const control of controls) control.disabled = on;
    stop.disabled = !on;
    log.setAttribute('aria-busy', String(on));
    document.body.classList.toggle('is-streaming', on);
    // A keyboard user's focus never falls to <body>: a control being disabled (or a card
    // that asked, from its details) hands it to Stop, and Stop hands it back to the textarea.
    // (After a tap it is left alone: focusing the textarea would open a touch keyboard.)
    if (on && (controls.includes(focused) || (log.contains(focused) && focused !== log))) stop.focus();
    if (!on && keyboardOnStop) input.focus({preventScroll: true});
    if (!on) this.#idle.poke();
  }

  #setStatus(message) {
    this.#ui.status.textContent = typeof message === 'string' ? message : '';
  }

  #renderEmpty() {
    const {log} = this.#ui;
    log.replaceChildren();
    renderWelcome(log, EXAMPLES, (example) => this.send(example));
    log.scrollTop = 0;
  }

  #atBottom() {
    const {log} = this.#ui;
    return log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
  }

  /** Follow the growing answer unless the reader has scrolled up to read something. */
  #scrollDown(follow) {
    const {log} = this.#ui;
    if (follow) log.scrollTop = log.scrollHeight;
  }

  async #checkHealth() {
    const {mode} = this.#ui;
    clearTimeout(this.#healthRetry);
    try {
      const response = await fetch('/health', {cache: 'no-store'});
      const health = await response.json();
      if (!response.ok || health?.status !== 'ok') throw new Error(`health ${response.status}`);
      for (const [name, title] of await loadAgents(this.#ui.agent)) this.#titles.set(name, title);
      this.#staff.show();
      mode.dataset.mode = health.llm;
      mode.textContent = MODE_LABELS[health.llm] ?? MODE_UNKNOWN;
      mode.title = health.llm === 'openai' && health.model ? modelTitle(health.model) : MODE_OFFLINE_TITLE;
      if (idleSecondsFromUrl() === null && Number.isFinite(health.kiosk_idle_seconds)) {
        this.#idle.seconds = health.kiosk_idle_seconds;
      }
    } catch {
      mode.dataset.mode = 'unavailable';
      mode.textContent = MODE_UNREACHABLE;
      mode.title = '';
      this.#healthRetry = setTimeout(() => this.#checkHealth(), HEALTH_RETRY_MS);
    }
  }
}

new KioskChat(document).start();

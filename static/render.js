/**
 * The conversation on screen: the welcome, the customer's messages, and `AnswerView`, one
 * streamed answer that grows token by token, one bubble per agent.
 *
 * Shape of an answer (the test hooks in brackets always mark the LATEST answer only):
 *
 *   article.turn--answer
 *     section.agent (one per agent, in the order the customer asked: each agent's
 *                    headline status reserves its place, hidden until it has content)
 *       p.agent__name                 "Консультант" (outside the text on purpose)
 *       div.bubble
 *         div.bubble__text            [response-<agent>]
 *           span                      [response] on the first agent only; one Text node
 *         metadata pieces             [product-card] [zodiac] [trend-chart] [taste-progress]
 *     p.turn__note / p.turn__error    "(остановлено)" / [error]
 *
 * The streamed text lives in a single Text node that grows with appendData(): the page
 * never re-parses it, and textContent of [response] is exactly what the server sent.
 */

import {el} from './dom.js';
import {renderMetadata} from './metadata.js';

/** The greeting at the top of an empty conversation, with example questions as chips. */
export function renderWelcome(log, examples, onPick) {
  const chips = el('div', 'chips');
  chips.setAttribute('role', 'group');
  chips.setAttribute('aria-label', 'Примеры вопросов');
  for (const example of examples) {
    const chip = el('button', 'chip', example);
    chip.type = 'button';
    chip.addEventListener('click', () => onPick(example));
    chips.append(chip);
  }
  log.append(el('article', 'turn turn--welcome', null,
    el('p', 'welcome__title', 'Здравствуйте!'),
    el('p', 'welcome__text', 'Я помогу выбрать украшение, подобрать подарок и расскажу, что сейчас в моде. '
      + 'Напишите вопрос или коснитесь примера:'),
    chips));
}

/** A short note from the page itself (not from an agent), e.g. after a forced new start. */
export function appendNotice(log, text) {
  const note = el('p', 'notice', text);
  note.dataset.testid = 'notice';
  note.setAttribute('role', 'status');
  log.append(note);
}

export function appendUserMessage(log, text) {
  log.append(el('article', 'turn turn--user', null,
    el('p', 'visually-hidden', 'Вы:'), el('p', 'user-text', text)));
}

/** Earlier answers keep their look but lose their test hooks, so hooks name the latest. */
export function retireTestIds(log) {
  for (const node of log.querySelectorAll('[data-testid]')) node.removeAttribute('data-testid');
}

export class AnswerView {
  #root;
  #agents = new Map(); // agent key -> {section, text: Text, extras}
  #typing;
  #current = null;     // the bubble that got the latest token (it shows the caret)
  #titles;             // agent name -> its Russian title (agents.js)
  #metadata = null;    // the metadata event, kept for a reload (see `shown`)

  constructor(log, titles = new Map()) {
    this.#titles = titles;
    this.#typing = el('p', 'typing', null, el('span'), el('span'), el('span'));
    this.#typing.setAttribute('aria-hidden', 'true');
    this.#root = el('article', 'turn turn--answer', null, this.#typing);
    log.append(this.#root);
  }

  /** The answer's text for the conversation history: agents' texts, blank-line separated. */
  get text() {
    return [...this.#agents.values()].map((a) => a.text.data.trim()).filter(Boolean).join('\n\n');
  }

  /** What a reload needs to show this answer again: each agent's text, and its metadata. */
  get shown() {
    const parts = [...this.#agents].map(([agent, {text}]) => [agent, text.data]).filter(([, text]) => text);
    return {parts, metadata: this.#metadata};
  }

  /** Keep a place for `agent`'s bubble (hidden until its first text or metadata), so two
   * agents' bubbles stand in the order they were asked, whichever starts typing first. */
  reserve(agent) {
    if (!this.#agents.has(agent)) this.#bubble(agent).section.hidden = true;
  }

  appendToken(agent, content) {
    if (typeof content !== 'string' || content === '') return;
    const bubble = this.#bubble(agent);
    bubble.section.hidden = false;
    bubble.text.appendData(content);
    this.#typing.remove(); // the caret takes over from the dots
    if (this.#current !== bubble) {
      this.#current?.section.classList.remove('agent--streaming');
      bubble.section.classList.add('agent--streaming');
      this.#current = bubble;
    }
  }

  /** Orchestrator shape {data: {agent: meta}} or the consultation's flat one. */
  showMetadata(event) {
    this.#metadata = event;
    if (event.data && typeof event.data === 'object') {
      for (const [agent, meta] of Object.entries(event.data)) this.#addMetadata(agent, meta);
      // Agents whose answer failed while the others' completed: the error under its text.
      for (const [agent, failure] of Object.entries(event.failed_agents ?? {})) {
        if (typeof failure?.message !== 'string') continue;
        const note = el('p', 'turn__error', failure.message);
        note.dataset.testid = 'agent-error';
        const bubble = this.#bubble(agent);
        bubble.extras.append(note);
        bubble.section.hidden = false;
      }
    } else {
      this.#addMetadata(this.#agents.keys().next().value ?? event.agent ?? 'answer', event);
    }
  }

  showError(message) {
    const note = el('p', 'turn__error', message);
    note.dataset.testid = 'error';
    this.#root.append(note);
    this.finish();
  }

  markStopped() {
    this.#root.append(el('p', 'turn__note', '(остановлено)'));
    this.finish();
  }

  /** The stream is over (any way): no typing dots, no caret. */
  finish() {
    this.#typing.remove();
    this.#current?.section.classList.remove('agent--streaming');
    this.#current = null;
  }

  #addMetadata(agent, meta) {
    const pieces = renderMetadata(meta);
    if (meta?.degraded === true) pieces.prepend(degradedNotice());
    if (typeof meta?.cut === 'string') this.#endAtBoundary(agent);
    if (!pieces.childNodes.length) return;
    const bubble = this.#bubble(agent);
    bubble.extras.append(pieces);
    bubble.section.hidden = false;
  }

  /** A bound cut the answer (`cut` in its metadata): show it to its last sentence, else
   * its last word, as the server keeps it in the conversation log, and say it was cut. */
  #endAtBoundary(agent) {
    const bubble = this.#agents.get(agent);
    if (!bubble) return;
    const {text} = bubble;
    const sentence = Math.max(...['.', '!', '?', '…'].map((mark) => text.data.lastIndexOf(mark)));
    const end = sentence > 0 ? sentence + 1 : Math.max(text.data.lastIndexOf(' '), text.data.lastIndexOf('\n'));
    if (end > 0) text.data = text.data.slice(0, end);
    const note = el('p', 'agent__note', 'Ответ сокращён.');
    note.dataset.testid = 'cut-notice';
    bubble.extras.append(note);
  }

  #bubble(agent) {
    const key = typeof agent === 'string' && agent ? agent : 'answer';
    let bubble = this.#agents.get(key);
    if (bubble) return bubble;
    const text = document.createTextNode('');
    const span = el('span', '', null, text);
    if (this.#agents.size === 0) span.dataset.testid = 'response';
    const body = el('div', 'bubble__text', null, span);
    body.dataset.testid = `response-${key}`;
    const extras = el('div', 'bubble__extras');
    const title = this.#titles.get(key);
    const name = title ? [el('p', 'agent__name', title)] : [];
    const section = el('section', 'agent', null, ...name, el('div', 'bubble', null, body, extras));
    section.dataset.agent = key;
    this.#root.insertBefore(section, this.#typing.isConnected ? this.#typing : null);
    bubble = {section, text, extras};
    this.#agents.set(key, bubble);
    return bubble;
  }
}

/** A quiet line under an answer the server wrote from its own facts because the LLM
 * failed before it began (`"degraded": true` in the agent's metadata). */
function degradedNotice() {
  const note = el('p', 'agent__note', 'Помощник отвечает в упрощённом режиме: это подборка по каталогу магазина.');
  note.dataset.testid = 'degraded-notice';
  return note;
}

/**
 * Who is talking to the kiosk, and when they have walked away.
 *
 * Every customer is an anonymous user id kept in sessionStorage (it survives a reload,
 * not a closed tab). `?user=ID` in the page URL pins the id (handy for tests and for a
 * staff PC). `IdleTimer` fires after a quiet spell so the page can start over for the next
 * customer; the page decides what "start over" means.
 *
 * Staff open the page as `/#staff=TOKEN` to use the analysis agent: the token moves from
 * the fragment (never sent to the server, so never in its logs) to sessionStorage and is
 * sent as `Authorization: Bearer`. It stays until staff leave the mode (the page's «Выйти»):
 * an idle reset or a new conversation keeps it, and the page shows a badge meanwhile.
 *
 * A pinned id (`?user=`) belongs to the browser that first used it; when its cookie is
 * lost the server answers 403, and `unpinUser()` drops the pin for a fresh anonymous id.
 *
 * The conversation on screen (and the run of an answer still coming) is kept in the tab's
 * sessionStorage too, so that a reload in the middle of an answer shows the conversation
 * and continues the answer (the server keeps the run going meanwhile).
 */

const STORAGE_KEY = 'jewelstream.userId';
const STAFF_KEY = 'jewelstream.staffToken';
const CONVERSATION_KEY = 'jewelstream.conversation';
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/; // what the server accepts in the URL path
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart', 'scroll'];
// setTimeout fires at once for a delay past 2^31-1 ms (about 24.8 days): a longer spell waits that long.
const LONGEST_TIMEOUT_MS = 2 ** 31 - 1;

/** The `?user=` override, or null when absent or not a valid id. */
export function pinnedUserId(search = location.search) {
  const id = new URLSearchParams(search).get('user');
  return id && USER_ID.test(id) ? id : null;
}

/** The current user id: pinned, else stored for this tab, else a new one. */
export function currentUserId() {
  return pinnedUserId() ?? readStored() ?? startNewUser();
}

/** Forget the current customer: a fresh id (unless `?user=` pins one). */
export function startNewUser() {
  const pinned = pinnedUserId();
  if (pinned) return pinned;
  const id = randomId();
  store(STORAGE_KEY, id);
  return id;
}

/** Drop `?user=` from the address (no reload) and start a fresh anonymous id. */
export function unpinUser() {
  const url = new URL(location.href);
  url.searchParams.delete('user');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
  return startNewUser();
}

/** `?idle=SECONDS` from the URL, or null. 0 turns the reset off. */
export function idleSecondsFromUrl(search = location.search) {
  const raw = new URLSearchParams(search).get('idle');
  const seconds = raw === null || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** The staff token from `#staff=` (then wiped from the address bar) or this tab's storage. */
export function staffToken() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('staff');
  if (fromHash) {
    history.replaceState(null, '', location.pathname + location.search);
    store(STAFF_KEY, fromHash);
    return fromHash;
  }
  return read(STAFF_KEY);
}

export function forgetStaffToken() {
  store(STAFF_KEY, null);
}

/** `{history, pending: {message, runId} | null}` saved for `userId`, or null. */
export function loadConversation(userId) {
  try {
    const saved = JSON.parse(read(CONVERSATION_KEY) ?? 'null');
    if (saved?.userId !== userId || !Array.isArray(saved.history)) return null;
    const history = saved.history.filter((m) => typeof m?.content === 'string' && ['user', 'assistant'].includes(m.role))
      .map(({role, content, parts, metadata}) => ({role, content, ...shownParts(parts, metadata)}));
    const pending = typeof saved.pending?.runId === 'string' && typeof saved.pending.message === 'string'
      ? saved.pending : null;
    return {history, pending};
  } catch {
    return null; // damaged: start afresh
  }
}

export function saveConversation(userId, history, pending = null) {
  store(CONVERSATION_KEY, JSON.stringify({userId, history, pending}));
}

export function forgetConversation() {
  store(CONVERSATION_KEY, null);
}

/** An answer's agents' texts and metadata as saved, or nothing when damaged (then its text shows alone). */
function shownParts(parts, metadata) {
  const valid = Array.isArray(parts) && parts.every((p) => Array.isArray(p) && p.length === 2
    && typeof p[0] === 'string' && typeof p[1] === 'string');
  return valid ? {parts, metadata: metadata && typeof metadata === 'object' ? metadata : null} : {};
}

function readStored() {
  const id = read(STORAGE_KEY);
  return id && USER_ID.test(id) ? id : null;
}

// sessionStorage throws when storage is disabled: then values live as long as the page.
function read(key) {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // see read()
  }
}

function randomId() {
  // Trap: crypto.randomUUID() exists only in secure contexts (https, localhost); a kiosk
  // opened as http://192.168.x.x has only getRandomValues.
  if (typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID().replace(/[^A-Za-z0-9_-]/g, '');
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Calls `onIdle` after `seconds` without user activity; any activity restarts the wait. */
export class IdleTimer {
  #seconds = 0;
  #timer = null;
  #onIdle;

  constructor(onIdle) {
    this.#onIdle = onIdle;
    const poke = () => this.poke();
    // capture: scrolls of inner elements do not bubble, and nothing may swallow a keydown
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, poke, {capture: true, passive: true});
  }

  /** Set the quiet spell; 0 or less disables the timer. */
  set seconds(value) {
    this.#seconds = value;
    this.poke();
  }

  get seconds() {
    return this.#seconds;
  }

  poke() {
    clearTimeout(this.#timer);
    if (this.#seconds > 0) this.#timer = setTimeout(this.#onIdle, Math.min(this.#seconds * 1000, LONGEST_TIMEOUT_MS));
  }
}

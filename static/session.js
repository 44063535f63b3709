/**
 * Who is talking to the kiosk, and when they have walked away.
 *
 * Every customer is an anonymous user id kept in sessionStorage (it survives a reload,
 * not a closed tab). `?user=ID` in the page URL pins the id (handy for tests and for a
 * staff PC). `IdleTimer` fires after a quiet spell so the page can start over for the next
 * customer; the page decides what "start over" means.
 */

const STORAGE_KEY = 'jewelstream.userId';
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/; // what the server accepts in the URL path
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart', 'scroll'];

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
  try {
    sessionStorage.setItem(STORAGE_KEY, id);
  } catch {
    // storage disabled: the id lives as long as the page
  }
  return id;
}

/** `?idle=SECONDS` from the URL, or null. 0 turns the reset off. */
export function idleSecondsFromUrl(search = location.search) {
  const raw = new URLSearchParams(search).get('idle');
  const seconds = raw === null || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

function readStored() {
  try {
    const id = sessionStorage.getItem(STORAGE_KEY);
    return id && USER_ID.test(id) ? id : null;
  } catch {
    return null;
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
    if (this.#seconds > 0) this.#timer = setTimeout(this.#onIdle, this.#seconds * 1000);
  }
}

/**
 * The message length counter under the input: quiet while a message is short, a warning
 * as it nears the server's limit (4,000 characters), an error past it. The input has no
 * `maxlength`, so a long paste is never cut silently; the page refuses to send it instead
 * and says by how much it is too long.
 */

export const MAX_MESSAGE = 4000;     // jewelstream/requests.py MAX_MESSAGE
const WARN_FROM = 3500;

const plural = (n) => (n % 10 === 1 && n % 100 !== 11 ? 'символ'
  : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100) ? 'символа' : 'символов');

export class CharCounter {
  #node;

  constructor(node) {
    this.#node = node;
  }

  /** Show what `text` means for the limit; returns true when it may be sent. */
  update(text) {
    const length = text.length;
    const node = this.#node;
    node.hidden = length < WARN_FROM;
    node.classList.toggle('counter--over', length > MAX_MESSAGE);
    if (length > MAX_MESSAGE) {
      const over = length - MAX_MESSAGE;
      node.textContent = `Сообщение длиннее ${MAX_MESSAGE} символов на ${over} ${plural(over)}: `
        + 'сократите его, пожалуйста.';
    } else {
      const left = MAX_MESSAGE - length;
      node.textContent = `Осталось ${left} ${plural(left)} из ${MAX_MESSAGE}.`;
    }
    return length <= MAX_MESSAGE;
  }
}

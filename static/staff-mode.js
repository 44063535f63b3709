/**
 * Staff mode on the page: the token (session.js keeps it for the tab), the «Режим
 * сотрудника» badge with its «Выйти» button, and the analytics choice, which only staff
 * are offered (`<option data-staff-only>`). The mode survives the idle reset and a new
 * conversation; it ends only with «Выйти» (or a closed tab).
 */

import {forgetStaffToken, staffToken} from './session.js';

export class StaffMode {
  #token = staffToken();     // null for customers
  #badge;
  #select;

  constructor(badge, exitButton, select) {
    this.#badge = badge;
    this.#select = select;
    exitButton.addEventListener('click', () => this.leave());
    this.show();
  }

  /** The request headers that carry the token, if any. */
  get headers() {
    return this.#token ? {Authorization: `Bearer ${this.#token}`} : {};
  }

  leave() {
    forgetStaffToken();
    this.#token = null;
    this.show();
  }

  /** Offer the staff-only choices to staff alone (again after the choices change). */
  show() {
    const on = Boolean(this.#token);
    this.#badge.hidden = !on;
    for (const option of this.#select.querySelectorAll('option[data-staff-only]')) {
      option.hidden = !on;
      option.disabled = !on;
      if (!on && this.#select.value === option.value) this.#select.value = '';
    }
  }
}

/**
 * A product's details in a dialog: what a tap on a product card opens.
 *
 * The card (metadata.js) only says "open me" with a bubbling `product-open` event that
 * carries the product dict of the metadata; this module shows it in the page's
 * <dialog data-testid="product-details">: kind, name, metal, stones, price, stock, article,
 * sizes and description, and a button that asks about the piece in the conversation
 * ("Расскажите подробнее про «Грация» (артикул RG-0042)": the name in quotes and the
 * article, so the consultant can find the piece). Everything goes in through textContent.
 */

import {el} from './dom.js';

const numbers = new Intl.NumberFormat('ru-RU', {maximumFractionDigits: 1});
const LENGTH_KINDS = new Set(['chain', 'necklace']); // sizes are lengths in cm

/** The question the "ask" button sends about `product`. */
export function questionAbout(product) {
  const name = typeof product.name === 'string' ? product.name : '';
  const quoted = name.match(/«([^»]+)»/)?.[1] ?? name;
  const article = typeof product.article === 'string' && product.article ? ` (артикул ${product.article})` : '';
  return `Расскажите подробнее про «${quoted}»${article}`;
}

export class ProductDetails {
  #dialog;
  #onAsk;
  #product = null;

  /** `dialog`: the page's <dialog>; `onAsk(text)`: send a question to the conversation. */
  constructor(dialog, onAsk) {
    this.#dialog = dialog;
    this.#onAsk = onAsk;
    dialog.querySelector('[data-testid="product-ask"]').addEventListener('click', () => {
      const product = this.#product;
      dialog.close();
      if (product) this.#onAsk(questionAbout(product));
    });
  }

  open(product) {
    this.#product = product;
    const d = this.#dialog;
    const part = (name) => d.querySelector(`[data-part="${name}"]`);
    part('kind').textContent = capitalize(text(product.type_label));
    part('name').textContent = text(product.name) || 'Украшение';
    part('description').textContent = text(product.description);
    part('facts').replaceChildren(...facts(product).flatMap(([term, value]) => [el('dt', '', term), el('dd', '', value)]));
    if (!d.open) d.showModal();
  }

  close() {
    if (this.#dialog.open) this.#dialog.close();
  }
}

function facts(p) {
  const rows = [];
  if (text(p.article)) rows.push(['Артикул', text(p.article)]);
  const fineness = Number.parseInt(p.fineness, 10);
  const metal = [capitalize(text(p.metal_label)), fineness > 0 ? `${fineness}°` : ''].filter(Boolean).join(' ');
  if (metal) rows.push(['Металл', metal]);
  const stones = Array.isArray(p.stones_labels) ? p.stones_labels.map(text).filter(Boolean) : [];
  rows.push(['Вставки', stones.length ? stones.join(', ') : 'без камней']);
  const sizes = Array.isArray(p.sizes) ? p.sizes.filter(Number.isFinite) : [];
  if (sizes.length) {
    const unit = LENGTH_KINDS.has(p.type) ? 'Длина, см' : 'Размеры в наличии';
    rows.push([unit, sizes.map((s) => numbers.format(s)).join(', ')]);
  }
  if (Number.isFinite(p.price)) rows.push(['Цена', `${numbers.format(p.price)}\u00a0₽`]);
  if (Number.isInteger(p.stock)) rows.push(['Наличие', p.stock > 0 ? `в наличии: ${p.stock} шт.` : 'нет в наличии, можно заказать']);
  return rows;
}

const text = (v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
const capitalize = (s) => (s ? s[0].toLocaleUpperCase('ru-RU') + s.slice(1) : '');

/**
 * What an agent found, drawn under its answer: product cards, a zodiac badge, a trend
 * chart, the questionnaire's progress, analysis figures.
 *
 * `renderMetadata(meta)` looks at which keys one agent's metadata carries, not at the
 * agent's name. The shapes are the wire contract's (docs/wire.md, docs/events.schema.json);
 * a piece whose data is missing is left out, so a half-filled product never breaks the
 * page. Everything goes in through `textContent`.
 */

import {el} from './dom.js';

const numbers = new Intl.NumberFormat('ru-RU', {maximumFractionDigits: 0}); // 1702 -> "1 702"
const rubles = (amount) => `${numbers.format(amount)}\u00a0₽`;
const MAX_CARDS = 6;
const MAX_BARS = 6;

/** A fragment with the pieces `meta` has data for (possibly empty). */
export function renderMetadata(meta) {
  const out = document.createDocumentFragment();
  if (!isObject(meta)) return out;
  if (typeof meta.zodiac_sign === 'string' && meta.zodiac_sign) out.append(zodiacBadge(meta.zodiac_sign));
  if (Array.isArray(meta.products) && meta.products.length) out.append(productCards(meta.products));
  if (isObject(meta.trend_scores)) out.append(trendChart(meta));
  if (Number.isInteger(meta.current_question_index)) out.append(tasteProgress(meta));
  if (Number.isFinite(meta.total_customers)) out.append(analysisSummary(meta));
  return out;
}

// A group of buttons, not a list: a list whose items are buttons is a list of no items to a
// screen reader (each item's role is button).
function productCards(products) {
  const list = el('div', 'cards');
  list.setAttribute('role', 'group');
  list.setAttribute('aria-label', 'Подобранные украшения');
  for (const product of products.filter(isObject).slice(0, MAX_CARDS)) list.append(productCard(product));
  return list;
}

// A tap (or Enter / Space) on a card asks the page to show the product's details: the
// card sends a bubbling `product-open` event with the product (app.js opens the dialog).
function productCard(p) {
  const card = el('div', 'card');
  card.dataset.testid = 'product-card';
  if (p.id !== undefined) card.dataset.productId = String(p.id);
  if ((typeof p.id === 'string' && p.id) || Number.isFinite(p.id)) card.append(productImage(p.id));
  const kind = text(p.type_label); // never the English code
  const name = text(p.name) || 'Украшение';
  if (kind) {                      // every card says what kind of piece it is
    const caption = el('p', 'card__kind', capitalize(kind));
    caption.dataset.testid = 'product-kind';
    card.append(caption);
  }
  card.append(el('h4', 'card__name', name));
  card.tabIndex = 0;
  card.setAttribute('role', 'button');
  card.setAttribute('aria-haspopup', 'dialog');
  card.setAttribute('aria-label', `${name}: подробнее`);
  const open = () => card.dispatchEvent(new CustomEvent('product-open', {bubbles: true, detail: p}));
  card.addEventListener('click', open);
  card.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open();
    }
  });
  const fineness = Number.parseInt(p.fineness, 10); // 585 or "585"
  const metal = [capitalize(text(p.metal_label)), fineness > 0 ? `${fineness}°` : '']
    .filter(Boolean).join(' ');
  if (metal) card.append(el('p', 'card__metal', metal));
  const stones = Array.isArray(p.stones_labels) ? p.stones_labels.map(text).filter(Boolean) : [];
  if (stones.length) card.append(el('p', 'card__stones', `Вставки: ${stones.join(', ')}`));
  const footer = el('p', 'card__footer');
  if (Number.isFinite(p.price)) footer.append(el('span', 'card__price', rubles(p.price)));
  if (p.stock === 0) footer.append(el('span', 'card__stock card__stock--out', 'нет в наличии'));
  else if (Number.isFinite(p.stock) && p.stock > 0) footer.append(el('span', 'card__stock', 'в наличии'));
  if (footer.childElementCount) card.append(footer);
  return card;
}

/** The shop's photo, or the server's drawing of the piece: never an empty frame. */
function productImage(id) {
  const image = el('img', 'card__image');
  image.alt = ''; // the name follows right below
  image.loading = 'lazy';
  image.decoding = 'async';
  image.width = 200; // reserves the square before the picture arrives
  image.height = 200;
  image.src = `/api/products/${encodeURIComponent(String(id))}/image`;
  image.dataset.testid = 'product-image';
  return image;
}

function zodiacBadge(sign) {
  const badge = el('p', 'zodiac', null, el('span', 'zodiac__label', 'Знак зодиака:'), ' ', el('strong', '', sign));
  badge.dataset.testid = 'zodiac';
  return badge;
}

// trend_scores: {Russian label: score 0..1, the leading trend 1}; emerging_trends: [{code, label, growth}].
function trendChart(meta) {
  const figure = el('figure', 'trends');
  figure.dataset.testid = 'trend-chart';
  figure.append(el('figcaption', 'trends__title', 'Популярность трендов'));
  const rows = Object.entries(meta.trend_scores)
    .filter(([, score]) => Number.isFinite(score))
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_BARS);
  const list = el('ul', 'trends__bars');
  for (const [label, score] of rows) {
    const fill = el('span', 'bar__fill');
    fill.style.width = `${Math.round(score * 100)}%`;
    const track = el('span', 'bar__track', null, fill);
    track.setAttribute('aria-hidden', 'true');
    list.append(el('li', 'bar', null, el('span', 'bar__label', capitalize(label)), track,
      el('span', 'bar__value', `${Math.round(score * 100)}%`)));
  }
  if (rows.length) figure.append(list);
  const emerging = (Array.isArray(meta.emerging_trends) ? meta.emerging_trends : [])
    .map((t) => text(t?.label)).filter(Boolean);
  if (emerging.length) figure.append(el('p', 'trends__emerging', `Набирают популярность: ${emerging.join(', ')}`));
  return figure;
}

// current_question_index counts from 0 (the question being asked now) of total_questions.
function tasteProgress(meta) {
  const box = el('div', 'taste');
  box.dataset.testid = 'taste-progress';
  const total = Number.isInteger(meta.total_questions) && meta.total_questions > 0 ? meta.total_questions : null;
  const index = meta.current_question_index;
  const done = meta.is_complete === true;
  const label = done ? 'Анкета заполнена' : total ? `Вопрос ${Math.min(index + 1, total)} из ${total}` : `Вопрос ${index + 1}`;
  box.append(el('p', 'taste__label', label));
  const bar = el('progress', 'taste__bar');
  bar.max = total ?? 1;
  if (done || total) bar.value = done ? bar.max : Math.min(index, bar.max); // no value: an indeterminate bar
  bar.setAttribute('aria-label', 'Прогресс анкеты');
  box.append(bar);
  if (done) box.classList.add('taste--done');
  return box;
}

// total_customers; segments: [{code, label, count, ...}]; patterns: {average_check, repeat_rate, ...}.
function analysisSummary(meta) {
  const box = el('div', 'analysis');
  box.append(el('p', 'analysis__total', `Всего клиентов: ${numbers.format(meta.total_customers)}`));
  const patterns = isObject(meta.patterns) ? meta.patterns : {};
  const figures = [
    Number.isFinite(patterns.average_check) && `Средний чек: ${rubles(patterns.average_check)}`,
    Number.isFinite(patterns.repeat_rate) && `Покупают повторно: ${Math.round(patterns.repeat_rate * 100)}%`,
  ].filter(Boolean);
  if (figures.length) box.append(el('ul', 'analysis__patterns', null, ...figures.map((f) => el('li', '', f))));
  const list = el('ul', 'analysis__segments');
  list.setAttribute('aria-label', 'Сегменты клиентов');
  for (const segment of Array.isArray(meta.segments) ? meta.segments.filter(isObject) : []) {
    const name = text(segment.label);
    if (!name || !Number.isFinite(segment.count)) continue;
    list.append(el('li', '', null, el('span', '', capitalize(name)), el('strong', '', numbers.format(segment.count))));
  }
  if (list.childElementCount) box.append(list);
  return box;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
const capitalize = (s) => (s ? s[0].toLocaleUpperCase('ru-RU') + s.slice(1) : '');

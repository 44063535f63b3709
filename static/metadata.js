/**
 * What an agent found, drawn under its answer: product cards, a zodiac badge, a trend
 * chart, the questionnaire's progress, analysis figures.
 *
 * `renderMetadata(meta)` looks at which keys one agent's metadata carries, not at the
 * agent's name, and skips whatever is missing or malformed: a half-filled product or an
 * unexpected shape must never break the page. Everything goes in through `textContent`.
 */

import {el} from './dom.js';

const rubles = new Intl.NumberFormat('ru-RU', {maximumFractionDigits: 0});
const MAX_CARDS = 6;
const MAX_BARS = 6;

/** A fragment with the pieces `meta` has data for (possibly empty). */
export function renderMetadata(meta) {
  const out = document.createDocumentFragment();
  if (!isObject(meta)) return out;
  if (typeof meta.zodiac_sign === 'string' && meta.zodiac_sign) out.append(zodiacBadge(meta.zodiac_sign));
  if (Array.isArray(meta.products) && meta.products.length) out.append(productCards(meta.products));
  if (isObject(meta.trend_scores) || Array.isArray(meta.emerging_trends)) out.append(trendChart(meta));
  if ('current_question_index' in meta || 'is_complete' in meta) out.append(tasteProgress(meta));
  if ('total_customers' in meta || 'segments' in meta) out.append(analysisSummary(meta));
  return out;
}

function productCards(products) {
  const list = el('ul', 'cards');
  list.setAttribute('aria-label', 'Подобранные украшения');
  for (const product of products.filter(isObject).slice(0, MAX_CARDS)) list.append(productCard(product));
  return list;
}

function productCard(p) {
  const card = el('li', 'card');
  card.dataset.testid = 'product-card';
  if (p.id !== undefined) card.dataset.productId = String(p.id);
  const kind = text(p.type_label); // never the English code
  const name = text(p.name) || 'Украшение';
  // The catalog's names usually start with the kind ("Помолвочное кольцо «…»"): say it once.
  if (kind && !name.toLowerCase().startsWith(kind.toLowerCase())) card.append(el('p', 'card__kind', kind));
  card.append(el('h4', 'card__name', name));
  const fineness = Number.parseInt(p.fineness, 10); // 585 or "585"
  const metal = [capitalize(text(p.metal_label)), fineness > 0 ? `${fineness}°` : '']
    .filter(Boolean).join(' ');
  if (metal) card.append(el('p', 'card__metal', metal));
  const stones = Array.isArray(p.stones_labels) ? p.stones_labels.map(text).filter(Boolean) : [];
  if (stones.length) card.append(el('p', 'card__stones', `Вставки: ${stones.join(', ')}`));
  const footer = el('p', 'card__footer');
  if (Number.isFinite(p.price)) footer.append(el('span', 'card__price', `${rubles.format(p.price)}\u00a0₽`));
  if (p.stock === 0) footer.append(el('span', 'card__stock card__stock--out', 'нет в наличии'));
  else if (Number.isFinite(p.stock) && p.stock > 0) footer.append(el('span', 'card__stock', 'в наличии'));
  if (footer.childElementCount) card.append(footer);
  return card;
}

function zodiacBadge(sign) {
  const badge = el('p', 'zodiac', null, el('span', 'zodiac__label', 'Знак зодиака:'), ' ', el('strong', '', sign));
  badge.dataset.testid = 'zodiac';
  return badge;
}

// trend_scores: {label or code: 0..1 | any score | {score}}; trends: [{code, label}] names the codes.
function trendChart(meta) {
  const figure = el('figure', 'trends');
  figure.dataset.testid = 'trend-chart';
  figure.append(el('figcaption', 'trends__title', 'Популярность трендов'));
  const names = new Map();
  for (const t of Array.isArray(meta.trends) ? meta.trends : []) {
    if (isObject(t) && t.code !== undefined) names.set(String(t.code), text(t.label) || String(t.code));
  }
  const rows = Object.entries(isObject(meta.trend_scores) ? meta.trend_scores : {})
    .map(([key, value]) => [names.get(key) ?? key, isObject(value) ? value.score : value])
    .filter(([, score]) => Number.isFinite(score) && score >= 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_BARS);
  const top = Math.max(1, ...rows.map(([, score]) => score)); // 0..1 as is, other scales relative
  const list = el('ul', 'trends__bars');
  for (const [label, score] of rows) {
    const share = score / top;
    const fill = el('span', 'bar__fill');
    fill.style.width = `${Math.round(share * 100)}%`;
    const track = el('span', 'bar__track', null, fill);
    track.setAttribute('aria-hidden', 'true');
    const value = top === 1 ? `${Math.round(score * 100)}%` : String(Math.round(score * 10) / 10);
    list.append(el('li', 'bar', null, el('span', 'bar__label', capitalize(label)), track, el('span', 'bar__value', value)));
  }
  if (rows.length) figure.append(list);
  const emerging = (Array.isArray(meta.emerging_trends) ? meta.emerging_trends : [])
    .map((t) => (isObject(t) ? text(t.label) || names.get(String(t.code)) || text(t.code) : text(t)))
    .filter(Boolean);
  if (emerging.length) figure.append(el('p', 'trends__emerging', `Набирают популярность: ${emerging.join(', ')}`));
  return figure;
}

// current_question_index counts from 0 (the question being asked now); the total comes
// as `total_questions` (not in the wire contract yet: without it no "из N").
function tasteProgress(meta) {
  const box = el('div', 'taste');
  box.dataset.testid = 'taste-progress';
  const total = [meta.total_questions, meta.questions_total, meta.profile?.total_questions]
    .find((n) => Number.isInteger(n) && n > 0);
  const index = Number.isInteger(meta.current_question_index) ? meta.current_question_index : 0;
  const done = meta.is_complete === true;
  const answered = Math.min(index, total ?? index);
  const label = done ? 'Анкета заполнена' : total ? `Вопрос ${Math.min(index + 1, total)} из ${total}` : `Вопрос ${index + 1}`;
  box.append(el('p', 'taste__label', label));
  const bar = el('progress', 'taste__bar');
  bar.max = total ?? 1;
  if (done || total) bar.value = done ? bar.max : answered; // no value: an indeterminate bar
  bar.setAttribute('aria-label', 'Прогресс анкеты');
  box.append(bar);
  if (done) box.classList.add('taste--done');
  return box;
}

// segments: [{name|label|segment, count|size|customers}] or {label: count | {count}}
function analysisSummary(meta) {
  const box = el('div', 'analysis');
  if (Number.isFinite(meta.total_customers)) {
    box.append(el('p', 'analysis__total', `Всего клиентов: ${rubles.format(meta.total_customers)}`));
  }
  const segments = Array.isArray(meta.segments)
    ? meta.segments.filter(isObject).map((s) => [text(s.label) || text(s.name) || text(s.segment), s.count ?? s.size ?? s.customers])
    : Object.entries(isObject(meta.segments) ? meta.segments : {}).map(([k, v]) => [k, isObject(v) ? v.count ?? v.size : v]);
  const list = el('ul', 'analysis__segments');
  list.setAttribute('aria-label', 'Сегменты клиентов');
  for (const [name, count] of segments) {
    if (!name) continue;
    list.append(el('li', '', null, el('span', '', capitalize(name)), el('strong', '', Number.isFinite(count) ? rubles.format(count) : '—')));
  }
  if (list.childElementCount) box.append(list);
  const patterns = (Array.isArray(meta.patterns) ? meta.patterns : [])
    .map((p) => (isObject(p) ? text(p.description) || text(p.label) : text(p)))
    .filter(Boolean).slice(0, 4);
  if (patterns.length) box.append(el('ul', 'analysis__patterns', null, ...patterns.map((p) => el('li', '', p))));
  return box;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
const capitalize = (s) => (s ? s[0].toLocaleUpperCase('ru-RU') + s.slice(1) : '');

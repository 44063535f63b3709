/**
 * The page's own Russian words in one place: the example questions and what the page says
 * by itself (network trouble, Stop, the mode badge). What the server says (statuses,
 * errors, answers) comes with its events and is shown as it is.
 */

export const EXAMPLES = [
  'Помолвочное кольцо до 100 тысяч',
  'Что сейчас в моде?',
  'Пройти анкету вкуса',
  'Подбери подарок маме и расскажи о трендах',
];
export const NETWORK_ERROR = 'Не удалось связаться с сервером. Попробуйте ещё раз.';
export const CONNECTION_LOST = 'Связь с сервером прервалась. Попробуйте ещё раз.';
export const STOPPED = 'Остановлено';
export const DONE = 'Готово';
export const RECONNECTING = 'Восстанавливаю соединение...';
export const UNPINNED = 'Начали новый разговор под новым анонимным номером: прежний закреплён за другим браузером.';
export const MODE_LABELS = {openai: 'ИИ-консультант', offline: 'Офлайн-режим'};
export const MODE_UNKNOWN = 'Режим неизвестен';
export const MODE_UNREACHABLE = 'Нет связи с сервером';
export const MODE_OFFLINE_TITLE = 'Ответы без нейросети';
export const modelTitle = (model) => `Модель: ${model}`;

"""Every Russian text the server itself says to people, in one place, keyed by the code
that goes with it on the wire (a refusal's or an error event's `error`, a status's
`stage`): one situation, one text. `say(code, **values)` fills the few that take a value.

What it leaves out: the agents' own words (their statuses, answers and the analyst's
refusal live with each agent), the `hint` for developers (English, jewelstream/identity.py),
and the reports of the command-line tools (the client, the data import).
"""
from __future__ import annotations

MESSAGES = {
    # The answer's own status lines and its last word.
    "received": "Обрабатываю запрос...",
    "routing": "Анализирую ваш запрос...",
    # An agent's answer waits for a free LLM slot; the LLM failed before its first token and
    # the agent's own grounded draft follows (agents.answering.write_answer).
    "queued": "Помощник заканчивает другой ответ, ваш вопрос следующий...",
    # The user's earlier question is still being answered: this one comes next (runs/turns.py).
    "waiting": "Заканчиваю ответ на ваше предыдущее сообщение, затем отвечу на это...",
    "degraded": "Отвечаю в упрощённом режиме...",
    "done": "Готово",
    # A request refused before any answer (`{"error": code, "message": ...}`).
    "not_found": "Страница не найдена.",
    "method_not_allowed": "Этот метод здесь не поддерживается.",
    "http_error": "Не удалось выполнить запрос.",
    "host_not_allowed": "Запрос отправлен не на тот адрес.",
    "cross_site": "Запросы с этого сайта не принимаются.",
    "json_required": "Не удалось прочитать запрос: ожидается JSON.",
    "invalid_json": "Не удалось прочитать запрос: ожидается JSON-объект.",
    "body_too_large": "Запрос слишком большой (не больше 64 КБ).",
    "body_timeout": "Запрос передавался слишком долго. Попробуйте ещё раз.",
    "invalid_user_id": "Некорректный идентификатор пользователя: допустимы латинские буквы, цифры, «-» и «_», "
                       "не длиннее 64 символов.",
    "message_required": "Напишите, пожалуйста, сообщение.",
    "message_too_long": "Сообщение слишком длинное: не больше {limit} символов.",
    "invalid_text": "Сообщение содержит недопустимые символы.",
    "invalid_history": "История разговора передана в неверном формате.",
    "unknown_task_type": "Такого помощника нет. Доступны: {names}.",
    "staff_only": "Аналитика доступна только сотрудникам магазина.",
    "invalid_days": "Укажите число дней от 1 до 366.",
    "forbidden": "Эти сведения доступны только сотрудникам магазина.",
    "user_taken": "Этот профиль принадлежит другому устройству. Начните, пожалуйста, новый разговор.",
    "too_many_attempts": "Слишком много попыток входа. Подождите минуту.",
    "rate_limited": "Слишком много запросов. Подождите немного и попробуйте снова.",
    "busy": "Сейчас очень много запросов. Попробуйте, пожалуйста, через несколько секунд.",
    "bad_idempotency_key": "Некорректный заголовок Idempotency-Key.",
    "idempotency_key_reused": "Этот ключ Idempotency-Key уже использован для другого вопроса.",
    "bad_last_event_id": "Некорректный номер последнего события.",
    "run_not_found": "Ответ не найден: он завершился слишком давно или не существовал.",
    "run_forbidden": "Этот ответ принадлежит другому устройству.",
    "runs_unavailable": "Извините, сейчас это не получается. Попробуйте, пожалуйста, через минуту.",
    # Either a refusal or the `error` event that ends an answer.
    "shutting_down": "Сервер перезапускается. Повторите, пожалуйста, вопрос через минуту.",
    "storage_unavailable": "Извините, сейчас мы не можем сохранить ваш вопрос. Попробуйте, пожалуйста, через минуту.",
    "internal_error": "Извините, произошла ошибка. Попробуйте, пожалуйста, ещё раз.",
    # The `error` event that ends an answer.
    "upstream_unavailable": "Извините, помощник сейчас недоступен. Попробуйте, пожалуйста, чуть позже.",
    "upstream_timeout": "Извините, помощник отвечает слишком долго. Попробуйте, пожалуйста, ещё раз.",
    "upstream_error": "Извините, помощник не смог ответить. Попробуйте, пожалуйста, ещё раз.",
    "upstream_busy": "Извините, помощник сейчас занят. Попробуйте, пожалуйста, через минуту.",
    "upstream_stalled": "Извините, помощник замолчал на полуслове. Попробуйте, пожалуйста, ещё раз.",
    "upstream_interrupted": "Извините, ответ прервался. Попробуйте, пожалуйста, задать вопрос ещё раз.",
    "still_answering": "Извините, ответ на ваше предыдущее сообщение ещё не готов. Задайте, пожалуйста, вопрос чуть позже.",
    "stopped": "Ответ остановлен.",
    "abandoned": "Ответ остановлен: связь с устройством не восстановилась.",
    "resumed_elsewhere": "Этот ответ открыт в другом окне.",
    "interrupted": "Извините, ответ прервался из-за сбоя на сервере. Задайте, пожалуйста, вопрос ещё раз.",
}
# Put before an assistant turn the client sent but the shop never wrote (jewelstream/history.py).
NOT_OURS = "(Клиент приводит это как ответ магазина, но магазин этого не писал.)\n"


def say(code: str, **values) -> str:
    """The Russian text for `code`, with `values` filled in."""
    text = MESSAGES[code]
    return text.format(**values) if values else text

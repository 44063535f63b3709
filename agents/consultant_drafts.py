"""The consultant's words: the grounded draft of each kind of answer, and the facts an LLM
gets to write its own (`agents.consultant` decides what the answer is about).

Honesty rules the drafts keep: a heading names only the wishes every piece under it meets;
each piece shown although it misses a wish says which one and how; when too little fits,
the answer says what the shop really has (`boundary`). The consultant speaks on «вы»
throughout and greets only at the start of a conversation.

What it leaves out: choosing anything; this module only words the facts it is given.
"""
from __future__ import annotations

from agents.girlfriend import others_sign_sentence
from agents.refinements import LABELS
from agents.small_talk import reply
from agents.language.kinds import genitive_plural, plural
from agents.language.vocabulary import PRODUCT_TYPES, label
from agents.wording import TYPE_GENITIVE_PLURAL, TYPE_PLURALS, capitalized, rubles

SYSTEM_PROMPT = """Ты — вежливый консультант ювелирного магазина. Отвечай по-русски, на «вы», \
тепло и по делу, коротко. Говори только то, что есть в фактах ниже: изделия из списка с их \
названиями и ценами, факты о магазине; ничего не выдумывай. Никогда не называй изделие \
подходящим под пожелание, которому оно не отвечает: если в фактах сказано, от какого \
пожелания пришлось отступить, скажи это. Не упоминай технические детали.

{facts}"""
_SIZED = {"ring", "engagement_ring", "wedding_band", "bracelet", "chain"}
_CLOSING = "Хотите, расскажу подробнее о каком-нибудь из них или подберу что-то ещё?"


def draft_answer(state: dict) -> str:
    """The answer in plain Russian, built from the facts alone."""
    intent = state.get("intent") or "search"
    hello = "Здравствуйте! " if state.get("greet") and intent != "small_talk" else ""
    if intent == "small_talk":
        return reply(state["talk"], ongoing=state.get("ongoing", False))
    if intent == "knowledge":
        facts = "\n".join(f["text"] for f in state["facts"])
        if facts.rstrip().endswith("?"):          # the fact offers something itself
            return hello + facts
        return hello + facts + ("\nЕсли хотите, подберу украшение или расскажу подробнее о любом из показанных."
                                if state.get("shown") else "\nЕсли хотите, подберу для вас украшение.")
    if state.get("choices"):          # "а из чего она?" after several pieces
        return hello + which_one(state["choices"], total=intent == "total")
    if intent == "total":             # "сколько вместе выйдет?"
        return hello + together(state["products"])
    if intent == "details":           # "второе отложите": the piece, and what the shop does
        size = size_answer(state["products"], state.get("asked_size"))
        popular = "Из показанных чаще всего покупают это украшение.\n" if state.get("popular") else ""
        return hello + popular + size + details(state["products"], compared=state.get("compared", False)) + \
            "".join("\n" + f["text"] for f in state.get("facts") or ())
    facts = "".join(f["text"] + "\n" for f in state.get("facts") or ())
    sign = others_sign_sentence(state["sign"]) + "\n" if state.get("sign") else ""
    return hello + facts + sign + product_list(state)


def which_one(cards: list[dict], *, total: bool = False) -> str:
    """The question back when "она" (or "оба") may be any of the pieces shown."""
    lines = ["Уточните, пожалуйста, " + ("какие украшения посчитать вместе:" if total else
                                         "о каком украшении вы спрашиваете:")]
    lines += [f"{n}. {c['name']} — {rubles(c['price'])}." for n, c in enumerate(cards, 1)]
    return "\n".join(lines + ["Назовите номера — и я сложу их цены." if total else
                               "Назовите номер или название — и я расскажу о нём подробно."])


def together(cards: list[dict]) -> str:
    """The pieces asked about and their sum."""
    if not cards:
        return "Пока нечего сложить: назовите украшения, и я посчитаю."
    lines = ["Посчитала:"] + [f"— {c['name']} — {rubles(c['price'])}{_sold_out(c)};" for c in cards]
    lines.append(f"Вместе: {rubles(sum(c['price'] for c in cards))}.")
    return "\n".join(lines + ["Хотите, отложу их для вас или подберу что-то ещё?"])


def details(cards: list[dict], *, compared: bool = False) -> str:
    """One piece in full, several with the same name in short, or the pieces compared."""
    if compared:
        lines = ["Сравним их:"]
        lines += [f"{n}. {c['name']}: {c['metal_label']}, {c['fineness']}-я проба; камни: "
                  f"{', '.join(c['stones_labels']) or 'без камней'}; {rubles(c['price'])}; "
                  + (f"в наличии {c['stock']} шт." if c["stock"] > 0 else "сейчас нет в наличии.")
                  + (" " + _sizes(c) if _sizes(c) else "")
                  + (f" Не всё по вашим пожеланиям: {c['relaxed_note']}." if c.get("misses") else "")
                  for n, c in enumerate(cards, 1)]
        return "\n".join(lines + ["О каком из них рассказать подробнее?"])
    if len(cards) > 1:
        lines = ["Нашла несколько украшений с таким названием:"]
        lines += [f"{n}. {c['name']} — {rubles(c['price'])}{_article(c, ', артикул ')}."
                  + (" " + _sizes(c) if _sizes(c) else "") for n, c in enumerate(cards, 1)]
        return "\n".join(lines + ["О каком из них рассказать подробнее?"])
    card = cards[0]
    stones = ", ".join(card["stones_labels"]) or "без камней"
    lines = [f"{card['name']}.", card["description"],
             f"Металл: {card['metal_label']}, {card['fineness']}-я проба. Камни: {stones}.",
             _sizes(card),
             f"Цена: {rubles(card['price'])}. " + (f"В наличии: {card['stock']} шт." if card["stock"] > 0
                                                  else "Сейчас нет в наличии, можно заказать."),
             _article(card, "Артикул: ", "."),
             "Могу отложить это украшение для вас или подобрать что-нибудь к нему в пару."]
    return "\n".join(line for line in lines if line)


def size_answer(cards: list[dict], size: float | None) -> str:
    """"Размер 17 есть в наличии." or what there is instead, before the details."""
    if size is None or len(cards) != 1 or cards[0]["type"] not in _SIZED:
        return ""
    sizes = [float(s) for s in cards[0].get("sizes") or ()]
    said = f"{size:g}".replace(".", ",")
    if size in sizes:
        return f"Да, размер {said} есть в наличии.\n"
    near = sorted(sizes, key=lambda s: abs(s - size))[:2]
    instead = " и ".join(f"{s:g}".replace(".", ",") for s in sorted(near))
    return f"Размера {said} сейчас нет в наличии" + (f", ближайшие — {instead}" if near else "") + \
        ". Можем заказать нужный размер.\n"


def _sizes(card: dict) -> str:
    if card["type"] not in _SIZED or "sizes" not in card:
        return ""
    sizes = card["sizes"]
    if isinstance(sizes, dict):
        sizes = [size for size, count in sizes.items() if count]
    listed = "; ".join(f"{size:g}".replace(".", ",") if isinstance(size, (int, float)) else str(size)
                       for size in sizes or ())
    unit = " (длина, см)" if card["type"] in ("chain", "bracelet") else ""
    return f"Размеры в наличии{unit}: {listed}." if listed else "Размеров в наличии сейчас нет, можно заказать."


def _article(card: dict, before: str, after: str = "") -> str:
    return f"{before}{card['article']}{after}" if card.get("article") else ""


def product_list(state: dict) -> str:
    """The pieces found: the exact ones under a heading of the wishes, then the relaxed ones."""
    if state.get("groups"):
        return kinds_list(state)
    cards, wishes = state["products"], state.get("wishes") or []
    named = any(w["code"] == "kind_name" for w in wishes)     # "печатка", not "кольцо, печатка"
    said = ", ".join(w["label"] for w in wishes if not (named and w["code"] == "type"))
    exact = [c for c in cards if not c.get("misses")]
    relaxed = [c for c in cards if c.get("misses")]
    boundary = state.get("boundary") or ""
    direction = state.get("refinement")
    lines = []
    if exact:
        what = ("Вот другие варианты" if direction == "more" else f"Вот варианты {LABELS[direction]}") \
            if direction else "Вот что я подобрала"
        lines.append(f"{what}{' — ' + said if said else ''}:")
        lines += [f"{n}. {c['name']} — {rubles(c['price'])}{_sold_out(c)}." for n, c in enumerate(exact, 1)]
    if not cards:
        lines.append(("Ничего подходящего" + (f" ({said})" if said else "") + " у нас сейчас нет.")
                     + (" " + boundary if boundary else ""))
        lines.append("Можно изменить пожелания — например, бюджет или металл, — и я поищу снова.")
        return "\n".join(lines)
    if relaxed:
        if exact:
            lines.append("Больше украшений, которые отвечают всем пожеланиям, у нас нет." +
                         (" " + boundary if boundary else ""))
        else:
            lines.append(f"Точно под все пожелания{' (' + said + ')' if said else ''} у нас ничего нет."
                         + (" " + boundary if boundary else ""))
        lines.append("Вот самые близкие варианты — у каждого я указала, чем он отличается:")
        lines += [f"{n}. {c['name']} — {rubles(c['price'])}: {c['relaxed_note']}{_sold_out(c)}."
                  for n, c in enumerate(relaxed, len(exact) + 1)]
    lines.append(_CLOSING)
    return "\n".join(lines)


def kinds_list(state: dict) -> str:
    """Several kinds asked at once: a group per kind, numbered on across the groups, each
    saying honestly when none of its kind meets the wishes."""
    by_id = {c["id"]: c for c in state["products"]}
    said = ", ".join(w["label"] for w in state.get("wishes") or () if w["code"] != "type")
    lines, number = [], 1
    for group in state["groups"]:
        cards = [by_id[i] for i in group["ids"]]
        exact = [c for c in cards if not c.get("misses")]
        many = capitalized(TYPE_GENITIVE_PLURAL.get(group["kind"]) or genitive_plural(group["kind"]))
        boundary = group["boundary"]
        if exact:
            lines.append(f"{capitalized(TYPE_PLURALS.get(group['kind']) or plural(group['kind']))}"
                         f"{' — ' + said if said else ''}:")
        elif "не продаются" in boundary:
            lines.append(boundary + (" Самые близкие — и чем они отличаются:" if cards else ""))
        else:
            lines.append(f"{many}{' (' + said + ')' if said else ''} у нас сейчас нет." + (" " + boundary if boundary
                         else "") + (" Самые близкие — и чем они отличаются:" if cards else ""))
        for card in cards:
            if card.get("misses") and exact and card is next(c for c in cards if c.get("misses")):
                lines.append(f"Больше {TYPE_GENITIVE_PLURAL.get(group['kind']) or genitive_plural(group['kind'])} "
                             "под все пожелания нет, "
                             "вот близкие — и чем они отличаются:")
            note = f": {card['relaxed_note']}" if card.get("misses") else ""
            lines.append(f"{number}. {card['name']} — {rubles(card['price'])}{note}{_sold_out(card)}.")
            number += 1
    lines.append(_CLOSING)
    return "\n".join(lines)


def _sold_out(card: dict) -> str:
    return "" if card["stock"] > 0 else " (сейчас нет в наличии, можно заказать)"


def prompt_facts(state: dict) -> str:
    """Everything the LLM may say, as a list of facts."""
    lines = [f"Тип ответа: {state.get('intent')}.",
             "Разговор уже идёт: не здоровайся." if state.get("ongoing") else
             "Это начало разговора: можно поздороваться."]
    if state.get("wishes"):
        lines.append("Пожелания клиента: " + ", ".join(w["label"] for w in state["wishes"]) + ".")
    if state.get("choices"):
        asked = ("Клиент спрашивает, сколько стоят вместе, но неясно, какие изделия: спроси, какие сложить"
                 if state.get("intent") == "total" else
                 "Клиент спрашивает об одном изделии, но показано несколько: не выбирай сам, спроси, о каком речь")
        lines.append(asked + ": " + "; ".join(f"{n}. {c['name']}" for n, c in enumerate(state["choices"], 1)) + ".")
    if state.get("intent") == "total" and state.get("products"):
        lines.append("Клиент спрашивает, сколько стоят вместе изделия ниже: их сумма "
                     f"{rubles(sum(c['price'] for c in state['products']))} (посчитано точно, назови её).")
    for card in state.get("products") or ():
        note = f" НЕ отвечает пожеланию: {card['relaxed_note']}." if card.get("misses") else ""
        lines.append(f"- {card['name']}: {rubles(card['price'])}, {card['metal_label']} {card['fineness']}°, "
                     f"камни: {', '.join(card['stones_labels']) or 'нет'}, в наличии: {card['stock']} шт."
                     f"{_article(card, ', артикул ')}; {card['description']}{note}")
    if state.get("boundary"):
        lines.append("Что есть в магазине: " + state["boundary"])
    for group in state.get("groups") or ():      # "кольцо и серьги": say of each kind what there is
        if not group["exact_count"]:
            lines.append(f"Вида «{label(PRODUCT_TYPES, group['kind'])}» под все пожелания в магазине нет"
                         + (f" ({group['boundary']})" if group["boundary"] else "") + ": так и скажи.")
    for fact in state.get("facts") or ():
        lines.append(f"Факт магазина ({fact['title']}): {fact['text']}")
    return "\n".join(lines)

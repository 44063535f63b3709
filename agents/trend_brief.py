"""The short trend answer for customers: 3–5 plain sentences, no index figures, and pieces
from the catalog in the spirit of the trends named.

    brief(state) -> "Если выбирать серьги, сейчас в моде жемчуг, минимализм и цветные
    камни. На подъёме: выращенные бриллианты. Например, у нас есть ... —
    8 890 ₽ и ... — 41 990 ₽. Хотите, расскажу о них подробнее?"

`state` is the trend agent's (`agents.trend.TrendState`): `trends` rows, `emerging`,
`focus` (trends the customer named), `named` (the trends the answer is about, best first),
`subject` (`agents.goods.Goods` fields) and `pieces` (product cards with their `trend`).
Staff get the full figures instead (`agents.trend.draft_answer`).
"""
from __future__ import annotations

from agents.search import rubles
from agents.language.vocabulary import METALS, PRODUCT_TYPES, STONES, label

_GOLDS = {"yellow_gold", "white_gold", "rose_gold"}
_METAL_GENITIVE = {"yellow_gold": "жёлтого золота", "white_gold": "белого золота",
                   "rose_gold": "розового золота", "silver": "серебра", "platinum": "платины"}


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " и " + items[-1]


def subject_phrase(subject: dict) -> str:
    """"серьги", "подвеску из серебра", "украшения с жемчугом": what "Если выбирать ..." takes."""
    types = [t for t in subject.get("types") or () if not (
        t in ("engagement_ring", "wedding_band") and "ring" in subject["types"])]
    kind = label(PRODUCT_TYPES, types[0]) if types else "украшения"
    if kind.endswith("а"):                        # подвеска -> подвеску (the accusative)
        kind = kind[:-1] + "у"
    metals = set(subject.get("metals") or ())
    if metals:
        kind += " из " + ("золота" if metals == _GOLDS else _listed([_METAL_GENITIVE[m] for m in sorted(metals)]))
    stones = subject.get("stones") or ()
    if stones:
        kind += " с " + _listed(["жемчугом" if s == "pearl" else label(STONES, s) + "ами" for s in stones])
    return kind


def verdict(row: dict, place: int, rising: bool) -> str:
    """One sentence on how a named trend is doing, in words rather than figures."""
    name = row["label"][0].upper() + row["label"][1:]
    if not row["mentions"]:
        return f"О теме «{row['label']}» модные журналы в последнее время не пишут."
    if rising:
        return f"Интерес к теме «{row['label']}» сейчас растёт: модные журналы пишут об этом всё чаще."
    if row["recent_mentions"] < row["previous_mentions"]:
        return (f"«{name}» ещё в моде, но интерес понемногу снижается: журналы пишут об этом "
                "реже, чем раньше.")
    if place <= 3:
        return f"«{name}» — одна из главных тенденций: модные журналы пишут об этом постоянно."
    return f"«{name}» сейчас в моде: модные журналы регулярно пишут об этом."


def brief(state: dict) -> str:
    if not state.get("newest"):
        return "Свежих публикаций модных журналов у меня пока нет, поэтому о тенденциях судить рано."
    rows = state["trends"]
    place = {r["code"]: n for n, r in enumerate(rows, 1)}
    by_code = {r["code"]: r for r in rows}
    rising = [e["code"] for e in state["emerging"]]
    named, focus, subject = state["named"], state.get("focus") or [], state.get("subject") or {}
    labels = [by_code[c]["label"] for c in named]
    if state.get("which"):              # "да" to "рассказать подробнее?"
        return which_of_them(state.get("pieces") or [])
    if state.get("more"):               # "покажи такие" after the trends
        return more_of_them(labels, state.get("pieces") or [])
    if focus:
        sentences = [verdict(by_code[c], place[c], c in rising) for c in focus[:2]]
    elif any(subject.get(k) for k in ("types", "metals", "stones")):
        sentences = [f"Если выбирать {subject_phrase(subject)}, сейчас в моде {_listed(labels)}."
                     if labels else f"О тенденциях, которые касаются темы «{subject_phrase(subject)}», "
                                    "модные журналы сейчас не пишут."]
    else:
        sentences = [f"Сейчас в моде {_listed(labels)}."] if labels else []
    new = [by_code[c]["label"] for c in rising if c not in named and c in state.get("relevant", rising)][:2]
    if new and not focus:
        sentences.append(f"На подъёме: {_listed(new)}.")
    pieces = state.get("pieces") or []
    if pieces:
        sentences.append("Например, у нас есть " + _listed([f"{p['name']} — {rubles(p['price'])}" for p in pieces])
                         + ".")
        sentences.append("Хотите, расскажу о нём подробнее?" if len(pieces) == 1
                         else "Хотите, расскажу подробнее о каком-нибудь из них?")
    else:
        sentences.append("Подходящих изделий в нашем каталоге сейчас нет, но я с радостью подберу "
                         "что-нибудь близкое.")
    return " ".join(sentences)


def more_of_them(labels: list[str], pieces: list[dict]) -> str:
    """More pieces of the trends named before, or that there are no others."""
    if not pieces:
        return (f"Других украшений в духе этих тенденций ({_listed(labels)}) у нас сейчас нет. "
                "Хотите, подберу что-нибудь по вашим пожеланиям — например, по металлу или бюджету?"
                if labels else "Других украшений в духе этих тенденций у нас сейчас нет.")
    return (f"Вот ещё украшения в духе тенденций ({_listed(labels)}): "
            + _listed([f"{p['name']} — {rubles(p['price'])}" for p in pieces]) + ". "
            + ("Хотите, расскажу о нём подробнее?" if len(pieces) == 1
               else "Хотите, расскажу подробнее о каком-нибудь из них?"))


def which_of_them(pieces: list[dict]) -> str:
    """"Да" to the offer to tell more: the pieces shown, numbered, to choose from."""
    if len(pieces) == 1:
        return f"Конечно! Напишите «расскажи о нём» — и я расскажу о {pieces[0]['name']} подробнее."
    listed = "; ".join(f"{n}. {p['name']} — {rubles(p['price'])}" for n, p in enumerate(pieces, 1))
    return f"Конечно! О каком из них рассказать подробнее: {listed}? Напишите номер или название."

"""Conversations with the consultant that an earlier round missed: "а из чего она?" after a
list of several pieces asks which one; "сколько вместе?" adds up the pieces in focus; two
kinds in one request are both answered; a child is a recipient of her own; the LLM's
search tool knows plain "gold".
"""
import json
from types import SimpleNamespace

from agents.tools import run_tool
from agents.wording import rubles
from jewelstream import seed
from tests.conversation_kit import RINGS, ask, check_turn, kind, plain, run_conversation, stone

C = "consultant"
CATALOG = seed.build_catalog()
GOLDS = {"yellow_gold", "white_gold", "rose_gold"}


def test_the_search_tool_takes_plain_gold_as_every_gold():
    result = run_tool("search_catalog", {"kind": "ring", "metals": ["gold"], "limit": 8},
                      SimpleNamespace(catalog=CATALOG), staff=False)
    found = json.loads(result.content)
    assert result.products and found["matching"] == sum(
        p["type"] in RINGS and p["metal"] in GOLDS for p in CATALOG)
    assert {p["metal"] for p in result.products} <= GOLDS
    assert len({p["metal"] for p in result.products}) > 1, "plain gold is more than the yellow one"


def test_the_search_tool_takes_gold_or_silver():
    result = run_tool("search_catalog", {"kind": "chain", "metals": ["gold", "silver"], "limit": 8},
                      SimpleNamespace(catalog=CATALOG), staff=False)
    assert result.products and {p["metal"] for p in result.products} <= GOLDS | {"silver"}
    assert json.loads(result.content)["matching"] == sum(
        p["type"] == "chain" and p["metal"] != "platinum" for p in CATALOG)


def names_of(meta):
    return [p["name"] for p in meta.get("products") or ()]


async def test_it_after_a_list_of_several_asks_which_piece(offline_client):
    history = []
    _agent, listed, _text = await ask(offline_client, "which1", "покажите кольца с фианитами", history)
    assert len(listed["products"]) > 1
    agent, meta, text = await ask(offline_client, "which1", "а из чего она?")
    assert agent == C and not meta.get("products"), text
    assert "о каком" in plain(text) and "подобрала" not in plain(text)
    for product in listed["products"]:
        assert plain(product["name"]) in plain(text)
    # the answer names the piece: that one is told about
    _agent, meta, text = await ask(offline_client, "which1", "второе")
    assert names_of(meta) == [listed["products"][1]["name"]]
    assert listed["products"][1]["metal_label"].split()[0] in plain(text)


async def test_it_after_one_piece_is_that_piece(offline_client):
    _agent, listed, _text = await ask(offline_client, "which2", "покажите серьги с жемчугом")
    first = listed["products"][0]
    await ask(offline_client, "which2", "расскажите про первое")
    agent, meta, text = await ask(offline_client, "which2", "а из чего она?")
    assert names_of(meta) == [first["name"]] and meta["intent"] == "details", text
    assert first["metal_label"] in plain(text)


async def test_it_after_the_llm_named_one_piece_is_that_piece(client, fake_llm):
    def words(body):
        if "из чего" in body["messages"][-1]["content"]:
            return ["Ответ."]
        return ["Посмотрите ", CHOSEN["name"], "."]
    CHOSEN = {}
    _agent, listed, _text = await ask(client, "which3", "покажите серьги с жемчугом")
    CHOSEN.update(listed["products"][2])
    fake_llm.respond = words
    _agent, meta, _text = await ask(client, "which3", "а ещё какие есть?")
    assert len(meta["products"]) == 1
    named = meta["products"][0]
    _agent, meta, _text = await ask(client, "which3", "а из чего она?")
    assert meta["intent"] == "details" and names_of(meta) == [named["name"]]


def total_said(cards) -> str:
    return plain(rubles(sum(c["price"] for c in cards)))


async def test_how_much_together_adds_up_the_pieces_shown(offline_client):
    _agent, listed, _text = await ask(offline_client, "sum1", "покажите серьги с жемчугом")
    agent, meta, text = await ask(offline_client, "sum1", "сколько вместе выйдет?")
    assert agent == C and meta["intent"] == "total", text
    assert total_said(listed["products"]) in plain(text) and "подобрала" not in plain(text)
    assert names_of(meta) == names_of(listed)


async def test_both_adds_up_the_two_named(offline_client):
    _agent, listed, _text = await ask(offline_client, "sum2", "покажите серьги с жемчугом")
    agent, meta, text = await ask(offline_client, "sum2", "первые и третьи — сколько будет за оба?")
    chosen = [listed["products"][0], listed["products"][2]]
    assert meta["intent"] == "total" and names_of(meta) == names_of({"products": chosen}), text
    assert total_said(chosen) in plain(text)


async def test_a_ring_and_earrings_from_a_list_of_both_kinds(offline_client):
    _agent, listed, _text = await ask(offline_client, "sum5", "покажите кольцо и серьги с фианитами")
    _agent, meta, text = await ask(offline_client, "sum5", "сколько будет за кольцо и серьги из списка?")
    assert meta["intent"] == "total" and not meta.get("products") and "какие" in plain(text), text
    _agent, meta, text = await ask(offline_client, "sum5", "первое и четвертое вместе сколько?")
    chosen = [listed["products"][0], listed["products"][3]]
    assert {p["type"] for p in chosen} == {"ring", "earrings"} and total_said(chosen) in plain(text), text


async def test_both_after_four_asks_which_two(offline_client):
    _agent, listed, _text = await ask(offline_client, "sum3", "покажите серьги с жемчугом")
    agent, meta, text = await ask(offline_client, "sum3", "сколько будет за оба?")
    assert agent == C and not meta.get("products") and "подобрала" not in plain(text), text
    assert all(plain(p["name"]) in plain(text) for p in listed["products"])


async def test_together_counts_the_piece_told_about_and_the_one_found_to_go_with_it(offline_client):
    _agent, listed, _text = await ask(offline_client, "sum4", "покажите кольца с фианитами")
    _agent, ring, _text = await ask(offline_client, "sum4", "расскажите про первое")
    _agent, pairs, _text = await ask(offline_client, "sum4", "подберите к нему серьги")
    assert pairs["products"] and all(p["type"] == "earrings" for p in pairs["products"])
    chosen = [ring["products"][0], pairs["products"][1]]
    agent, meta, text = await ask(offline_client, "sum4", "а кольцо и вторые серьги вместе сколько?")
    assert meta["intent"] == "total" and sorted(names_of(meta)) == sorted(p["name"] for p in chosen), text
    assert total_said(chosen) in plain(text)


async def test_two_kinds_in_one_request_are_both_answered(offline_client):
    for user, message, kinds, wish in (("kinds1", "покажите кольцо и серьги с фианитами", (RINGS, ("earrings",)),
                                        stone("cubic_zirconia")),
                                       ("kinds2", "подберите цепочку и кулон", (("chain",), ("pendant",)), None)):
        agent, meta, text = await ask(offline_client, user, message)
        assert agent == C, text
        exact = [p for p in meta["products"] if not p.get("misses")]
        for types in kinds:
            assert any(p["type"] in types for p in exact), (message, text)
        assert all(any(p["type"] in types for types in kinds) for p in meta["products"])
        assert wish is None or all(wish(p) for p in exact)
        check_turn({"agent": C}, agent, meta, text, message)     # honest: each card meets or says


async def test_two_kinds_say_honestly_when_one_has_nothing(offline_client):
    agent, meta, text = await ask(offline_client, "kinds3", "покажите цепочку и брошь с аметистом")
    chains = [p for p in CATALOG if p["type"] == "chain" and "amethyst" in p["stones"]]
    brooches = [p for p in CATALOG if p["type"] == "brooch" and "amethyst" in p["stones"]]
    assert not chains and brooches, "the seed has amethyst brooches and no chains with stones"
    assert any(p["type"] == "brooch" and not p.get("misses") for p in meta["products"]), text
    assert not any(p["type"] == "chain" and not p.get("misses") for p in meta["products"]), text
    assert "цепочки с аметистом у нас сейчас не продаются" in plain(text)
    check_turn({"agent": C}, agent, meta, text, "цепочку и брошь")


async def test_a_kind_to_go_with_another_is_one_kind(offline_client):
    for message, wanted in (("подберите серьги к кольцу", "earrings"), ("нужна цепочка для кулона", "chain")):
        _agent, meta, text = await ask(offline_client, "kinds4", message)
        assert {p["type"] for p in meta["products"]} == {wanted}, (message, text)


async def test_two_kinds_then_a_change_keeps_both(offline_client):
    await ask(offline_client, "kinds5", "покажите кольцо и серьги с фианитами")
    _agent, meta, text = await ask(offline_client, "kinds5", "а в золоте?")
    assert {p["type"] for p in meta["products"]} >= {"ring", "earrings"}, text


ADULT_ONLY = ("cufflinks", "engagement_ring", "wedding_band")


def for_a_girl(product):
    return product["recipient"] != "men" and product["type"] not in ADULT_ONLY and product["style"] != "luxury"


async def test_a_girl_is_a_recipient_of_her_own(offline_client):
    for user, message, kind_wanted in (("girl1", "подарок девочке 10 лет", None),
                                       ("girl2", "для дочки 10 лет серьги", "earrings"),
                                       ("girl3", "внучке на день рождения", None)):
        agent, meta, text = await ask(offline_client, user, message)
        assert agent == C and meta["extracted_preferences"]["recipient"] == "girl", text
        assert "для девочки" in plain(text) and "для женщины" not in plain(text), text
        exact = [p for p in meta["products"] if not p.get("misses")]
        assert exact and all(for_a_girl(p) for p in exact), text
        assert all(p["recipient"] != "men" for p in meta["products"]), text
        assert kind_wanted is None or all(p["type"] == kind_wanted for p in meta["products"])
        check_turn({"agent": C}, agent, meta, text, message)


async def test_a_grown_daughter_stays_a_woman(offline_client):
    agent, meta, text = await ask(offline_client, "girl4", "дочке 25 лет серьги")
    assert meta["extracted_preferences"]["recipient"] == "daughter", text


async def test_a_young_son_is_a_boy(offline_client):
    agent, meta, text = await ask(offline_client, "boy1", "сыну 8 лет цепочку")
    assert meta["extracted_preferences"]["recipient"] == "boy" and "для мальчика" in plain(text), text
    assert all(p["recipient"] != "women" and p["style"] != "luxury" for p in meta["products"]
               if not p.get("misses")), text


SIGNETS_AND_RINGS = ("Артикул;Наименование;Вид изделия;Металл;Камни;Цена;Остаток;Для кого\n"
                     "П-1;Мужское кольцо «Барон»;печатка;Серебро 925;;8900;2;для мужчин\n"
                     "П-2;Мужское кольцо «Граф»;Печатка;Золото 585;оникс;45900;1;для мужчин\n"
                     "К-1;Кольцо «Сияние»;кольцо;Белое золото 585;бриллиант;89900;3;для женщин\n"
                     "К-2;Кольцо «Ода»;кольцо;Серебро 925;;4900;3;для мужчин\n"
                     "Ш-1;Шарм «Сердце»;шарм;Серебро 925;;2900;5;для женщин\n"
                     "Ш-2;Шарм «Ключик»;шарм;Серебро 925;фианит;3400;5;для женщин\n")


async def own_catalog(tmp_path, aiohttp_client, db_path, text):
    from jewelstream.app import create_app
    from jewelstream.config import Settings
    from jewelstream.data.__main__ import main
    path = tmp_path / "own.csv"
    path.write_text(text, encoding="utf-8")
    assert main(["import", "catalog", str(path), "--db", db_path]) == 0
    return await aiohttp_client(create_app(Settings(llm="offline", db_path=db_path, offline_pace=0)))


async def test_a_signet_from_the_shops_own_catalog_is_asked_for_by_its_name(tmp_path, aiohttp_client, db_path):
    client = await own_catalog(tmp_path, aiohttp_client, db_path, SIGNETS_AND_RINGS)
    agent, meta, text = await ask(client, "signet1", "покажите печатку")
    exact = [p["name"] for p in meta["products"] if not p.get("misses")]
    assert sorted(exact) == ["Мужское кольцо «Барон»", "Мужское кольцо «Граф»"], text
    assert all("печатк" in p["relaxed_note"] for p in meta["products"] if p.get("misses")), text
    check_turn({"agent": C}, agent, meta, text, "печатку")
    _agent, meta, text = await ask(client, "signet2", "покажите кольца")
    assert {p["name"] for p in meta["products"]} >= {"Кольцо «Ода»", "Мужское кольцо «Барон»"}, text


def test_the_catalogs_own_kinds_are_exported_as_they_came(tmp_path, db_path):
    from jewelstream.data.__main__ import main
    (tmp_path / "own.csv").write_text(SIGNETS_AND_RINGS, encoding="utf-8")
    assert main(["import", "catalog", str(tmp_path / "own.csv"), "--db", db_path]) == 0
    assert main(["export", "catalog", str(tmp_path / "out.csv"), "--db", db_path]) == 0
    cells = [line.split(";")[3] for line in (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[1:]]
    assert sorted(cells) == ["кольцо", "кольцо", "печатка", "печатка", "шарм", "шарм"]


async def test_a_kind_the_vocabulary_does_not_know_is_found_by_its_own_name(tmp_path, aiohttp_client, db_path):
    client = await own_catalog(tmp_path, aiohttp_client, db_path, SIGNETS_AND_RINGS)
    agent, meta, text = await ask(client, "charm1", "есть шармы?")
    assert sorted(p["name"] for p in meta["products"] if not p.get("misses")) == ["Шарм «Ключик»", "Шарм «Сердце»"]
    _agent, meta, text = await ask(client, "charm1", "а с фианитом?")
    assert [p["name"] for p in meta["products"] if not p.get("misses")] == ["Шарм «Ключик»"], text


async def test_a_signet_in_the_demo_catalog(offline_client):
    agent, meta, text = await ask(offline_client, "signet3", "хочу печатку из серебра")
    exact = [p for p in meta["products"] if not p.get("misses")]
    assert exact and all("печатк" in plain(p["name"]) for p in exact), text
    assert "кольцо, а не печатка" in plain(text) or all(not p.get("misses") for p in meta["products"])
    check_turn({"agent": C}, agent, meta, text, "печатку")


async def test_a_cross_the_shop_does_not_sell_is_said_so(offline_client):
    agent, meta, text = await ask(offline_client, "cross1", "хочу подарить крестик")
    assert not [p for p in meta["products"] if not p.get("misses")], text
    assert "крестик" in plain(text) and "не продаются" in plain(text), text


async def test_common_misspellings_of_a_ring_and_a_diamond_are_read(offline_client):
    agent, meta, text = await ask(offline_client, "typo1", "покажите колцо с брилиантом до 50к")
    prefs = meta["extracted_preferences"]
    assert prefs["type"] == "ring" and prefs["stones"] == ["diamond"], text
    assert all(p["type"] in RINGS for p in meta["products"]), text


async def test_which_is_better_compares_the_pieces_shown(offline_client):
    _agent, listed, _text = await ask(offline_client, "better1", "покажите серьги с изумрудами")
    agent, meta, text = await ask(offline_client, "better1", "какое из них лучше?")
    assert agent == C and meta["intent"] == "details" and "подобрала" not in plain(text), text
    assert "сравним" in plain(text) and len(meta["products"]) >= 2
    assert {p["id"] for p in meta["products"]} <= {p["id"] for p in listed["products"]}
    check_turn({"agent": C}, agent, meta, text, "какое лучше")


async def test_the_dearest_of_those_shown(offline_client):
    _agent, listed, _text = await ask(offline_client, "dear1", "подарок мужу")
    agent, meta, text = await ask(offline_client, "dear1", "сколько стоит самый дорогой из них?")
    dearest = max(listed["products"], key=lambda p: p["price"])
    assert meta["intent"] == "details" and names_of(meta) == [dearest["name"]], text
    _agent, meta, text = await ask(offline_client, "dear1", "а самый дешевый из них?")
    cheapest = min(listed["products"], key=lambda p: p["price"])
    assert names_of(meta) == [cheapest["name"]], text


async def test_together_after_a_piece_to_go_with_one_asks_which_to_add(offline_client):
    _agent, listed, _text = await ask(offline_client, "pair1", "покажите серьги")
    _agent, earrings, _text = await ask(offline_client, "pair1", "третьи подробнее")
    _agent, rings, _text = await ask(offline_client, "pair1", "а к ним кольцо есть?")
    assert len(rings["products"]) > 1
    _agent, meta, text = await ask(offline_client, "pair1", "сколько вместе выйдет?")
    assert not meta.get("products") and plain(earrings["products"][0]["name"]) in plain(text), text
    _agent, meta, text = await ask(offline_client, "pair1", "с первым кольцом сколько вместе?")
    chosen = [earrings["products"][0], rings["products"][0]]
    assert sorted(names_of(meta)) == sorted(p["name"] for p in chosen) and total_said(chosen) in plain(text), text


async def test_a_length_in_centimetres_is_a_wish_for_chains_and_bracelets(offline_client):
    for message, kind_wanted, length in (("браслет на руку 16 см", "bracelet", 16),
                                         ("цепочку из золота 55 см", "chain", 55)):
        agent, meta, text = await ask(offline_client, f"len{length}", message)
        assert f"длина {length} см" in plain(text), text
        exact = [p for p in meta["products"] if not p.get("misses")]
        assert exact and all(p["type"] == kind_wanted and length in p["sizes"] for p in exact), text
        check_turn({"agent": C}, agent, meta, text, message)


def test_the_search_tool_finds_a_kind_by_its_name():
    result = run_tool("search_catalog", {"kind_name": "печатка", "limit": 8}, SimpleNamespace(catalog=CATALOG),
                      staff=False)
    assert result.products and all("печатк" in plain(p["name"]) for p in result.products)
    charms = [{**CATALOG[0], "id": "c1", "type": "шарм", "name": "Шарм «Ключик»"}, *CATALOG[1:]]
    result = run_tool("search_catalog", {"kind_name": "шармы"}, SimpleNamespace(catalog=charms), staff=False)
    assert [p["name"] for p in result.products] == ["Шарм «Ключик»"]


async def test_they_after_a_list_is_every_piece_side_by_side(offline_client):
    _agent, listed, _text = await ask(offline_client, "they1", "покажите кольца из серебра")
    agent, meta, text = await ask(offline_client, "they1", "а размеры у них какие?")
    assert meta["intent"] == "details" and "сравним" in plain(text), text
    assert [p["id"] for p in meta["products"]] == [p["id"] for p in listed["products"]]
    assert "размеры в наличии" in plain(text)
    check_turn({"agent": C}, agent, meta, text, "у них")


async def test_a_bare_ring_size_after_a_ring_list_is_a_size(offline_client):
    await ask(offline_client, "bare1", "кольцо на помолвку")
    await ask(offline_client, "bare1", "а в платине?")
    agent, meta, text = await ask(offline_client, "bare1", "17,5 есть?")
    assert meta["extracted_preferences"]["size"] == 17.5 and "17,5" in plain(text), text
    exact = [p for p in meta["products"] if not p.get("misses")]
    assert all(17.5 in p["sizes"] and p["metal"] == "platinum" for p in exact), text
    check_turn({"agent": C}, agent, meta, text, "17,5")


async def test_a_chain_and_a_cross(offline_client):
    agent, meta, text = await ask(offline_client, "cross2", "мне бы цепочку и крестик")
    assert any(p["type"] == "chain" for p in meta["products"]), text
    assert "крестик" in plain(text) and "подвески:" not in plain(text), text
    assert not any(p["type"] == "pendant" and not p.get("misses") for p in meta["products"]), text
    check_turn({"agent": C}, agent, meta, text, "цепочку и крестик")


async def test_nothing_on_his_hands(offline_client):
    await ask(offline_client, "hands1", "мужу на день рождения что нибудь")
    agent, meta, text = await ask(offline_client, "hands1", "он не носит украшения на руках")
    assert meta["products"] and not any(p["type"] in (*RINGS, "bracelet") for p in meta["products"]), text


async def test_with_the_llm_the_facts_ask_which_piece_and_give_the_sum(client, fake_llm):
    _agent, listed, _text = await ask(client, "llm1", "покажите серьги с жемчугом")
    await ask(client, "llm1", "а из чего она?")
    system = fake_llm.requests[-1]["messages"][0]["content"]
    assert "спроси, о каком речь" in system and all(p["name"] in system for p in listed["products"])
    await ask(client, "llm1", "сколько вместе выйдет?")
    system = fake_llm.requests[-1]["messages"][0]["content"]
    assert rubles(sum(p["price"] for p in listed["products"])) in system


async def test_a_bare_number_after_a_budget_is_the_new_budget(offline_client):
    await ask(offline_client, "budget1", "хочу кольцо с бриллиантом но бюджет небольшой тысяч 15")
    agent, meta, text = await ask(offline_client, "budget1", "а если 25")
    prefs = meta["extracted_preferences"]
    assert prefs["budget_max"] == 25000 and prefs["stones"] == ["diamond"] and prefs["type"] == "ring", text
    check_turn({"agent": C}, agent, meta, text, "а если 25")


async def test_her_age_said_as_ej_12(offline_client):
    _agent, meta, text = await ask(offline_client, "girl5", "сережки для дочки ей 12")
    assert meta["extracted_preferences"]["recipient"] == "girl", text
    _agent, meta, text = await ask(offline_client, "granny1", "посоветуйте что подарить бабушке на 80 лет")
    assert meta["extracted_preferences"]["recipient"] == "mother" and "для женщины" in plain(text), text
    _agent, meta, text = await ask(offline_client, "studs1", "серьги гвоздики золотые")
    assert all("пусет" in plain(p["name"]) for p in meta["products"] if not p.get("misses")), text


async def test_in_stock_after_a_list_answers_for_each_piece(offline_client):
    _agent, listed, _text = await ask(offline_client, "stock1", "покажите кольца с сапфиром")
    agent, meta, text = await ask(offline_client, "stock1", "а есть в наличии?")
    assert meta["intent"] == "details" and "подобрала" not in plain(text), text
    assert [p["id"] for p in meta["products"]] == [p["id"] for p in listed["products"]]
    assert all(plain(p["name"]) in plain(text) for p in listed["products"]) and "в наличии" in plain(text)
    check_turn({"agent": C}, agent, meta, text, "в наличии")


async def test_a_bare_length_after_chains(offline_client):
    await ask(offline_client, "len3", "хочу цепочку")
    agent, meta, text = await ask(offline_client, "len3", "а 60 см есть?")
    exact = [p for p in meta["products"] if not p.get("misses")]
    assert exact and all(p["type"] == "chain" and 60 in p["sizes"] for p in exact) and "длина 60 см" in plain(text)


async def test_numbers_named_after_asking_which_to_add_are_added_up(offline_client):
    _agent, listed, _text = await ask(offline_client, "sum6", "покажите кольцо и серьги с фианитами")
    await ask(offline_client, "sum6", "сколько будет за кольцо и серьги из списка?")
    _agent, meta, text = await ask(offline_client, "sum6", "первое и четвертое")
    chosen = [listed["products"][0], listed["products"][3]]
    assert meta["intent"] == "total" and total_said(chosen) in plain(text), text
    _agent, meta, text = await ask(offline_client, "sum6", "второе")
    assert meta["intent"] == "details", text


def test_a_catalogs_catch_all_group_is_no_kind_to_ask_for():
    from agents.language.kinds import own_kind_in, own_kinds
    kinds = own_kinds([{"type": "Другое"}, {"type": "Прочее"}, {"type": "шарм"}])
    assert own_kind_in(["а", "есть", "другой", "вариант"], kinds) is None
    assert own_kind_in(["есть", "шармы"], kinds) == "шарм"

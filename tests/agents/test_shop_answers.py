"""What a jewelry shop does not sell, and questions about whether its stones and metal are
real: said plainly, never answered with a list of pieces; a search that merely mentions a
natural stone is still a search."""
import pytest

from tests.conversation_kit import ask, plain

C = "consultant"


@pytest.mark.parametrize("message,said", [
    ("у вас есть часы?", "часов у нас, к сожалению, нет"),
    ("ищу мужской ремень", "ремней у нас, к сожалению, нет"),
    ("а бижутерия есть?", "бижутерии у нас, к сожалению, нет"),
])
async def test_goods_the_shop_does_not_sell_are_said_so(offline_client, message, said):
    agent, meta, text = await ask(offline_client, "notsold", message)
    assert agent == C and not meta.get("products"), text
    assert said in plain(text)
    assert "показанных" not in plain(text)              # nothing was shown yet


@pytest.mark.parametrize("message,topic", [
    ("а часы работы какие?", "работаем каждый день"),
    ("за сколько часов сделаете гравировку?", "гравировку"),
])
async def test_hours_are_time_not_watches(offline_client, message, topic):
    _agent, meta, text = await ask(offline_client, "hours", message)
    assert topic in plain(text) and "часов у нас" not in plain(text) and not meta.get("products")


async def test_are_they_real_after_a_list_is_answered_not_listed_again(offline_client):
    _agent, listed, _text = await ask(offline_client, "real1", "покажите серьги с бриллиантами")
    assert listed["products"]
    for question in ("а сертификат на бриллиант есть?", "они натуральные?", "а это золото настоящее?"):
        agent, meta, text = await ask(offline_client, "real1", question)
        assert agent == C and not meta.get("products"), (question, text)
        assert "уточните" in plain(text) and "подарочные сертификаты" not in plain(text), (question, text)


async def test_a_gift_certificate_is_the_gift_one(offline_client):
    _agent, meta, text = await ask(offline_client, "gift1", "можно купить подарочный сертификат?")
    assert "подарочные сертификаты" in plain(text) and not meta.get("products")


async def test_a_search_that_mentions_a_natural_stone_is_a_search(offline_client):
    _agent, meta, text = await ask(offline_client, "nat1", "хочу кольцо с натуральным камнем до 20000")
    assert meta["products"] and all(p["price"] <= 20000 for p in meta["products"])


@pytest.mark.parametrize("message", ["что лучше: рубин или бриллиант?", "изумруд или бриллиант?"])
async def test_a_diamond_against_a_coloured_stone_gets_advice(offline_client, message):
    agent, meta, text = await ask(offline_client, "stones-vs", message)
    assert agent == C and not meta.get("products"), text
    assert "твердый" in plain(text) and "сапфир или рубин" in plain(text)


async def test_too_dear_after_a_list_shows_cheaper_pieces(offline_client):
    _agent, listed, _text = await ask(offline_client, "dear1", "покажите кольца с сапфиром")
    _agent, meta, text = await ask(offline_client, "dear1", "это дорого")
    dearest = max(p["price"] for p in listed["products"])
    assert "подешевле" in plain(text) and meta["products"], text
    assert all(p["price"] < dearest for p in meta["products"]), text


async def test_trying_on_after_a_list_is_no_list(offline_client):
    await ask(offline_client, "try1", "покажите кольца с сапфиром")
    _agent, meta, text = await ask(offline_client, "try1", "а можно примерить?")
    assert not meta.get("products") and "уточните" in plain(text), text

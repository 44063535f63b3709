"""agents.trends_math: mention counting, recency-weighted scores and emerging trends, on
synthetic articles and on the seed's year of magazine articles."""
import pytest

from agents.language import words
from agents.language.vocabulary import TRENDS
from agents.trends_math import HALF_LIFE_DAYS, count_mentions, emerging_trends, score_trends, trends_in
from jewelstream.seed.articles import FADING, RISING, build_articles

PAIR = {"pearls": TRENDS["pearls"], "brooches": TRENDS["brooches"]}


def article(published, text, title="Заметка", magazine="Карат"):
    return {"id": published + text[:5], "magazine": magazine, "title": title,
            "published": published, "text": text}


def mentions(text, code):
    return count_mentions(words(text), TRENDS).get(code, 0)


@pytest.fixture(scope="module")
def seed_rows():
    return score_trends(build_articles(), TRENDS)


def test_newer_mentions_score_higher():
    """The same two mentions each; the brooches were written about 120 days later."""
    rows = score_trends([article("2026-01-01", "Жемчуг и снова жемчужные нити."),
                         article("2026-05-01", "Брошь на лацкане и брошки на шляпе.")], PAIR)
    by_code = {r["code"]: r for r in rows}
    assert by_code["pearls"]["mentions"] == by_code["brooches"]["mentions"] == 2
    assert [r["code"] for r in rows] == ["brooches", "pearls"]
    assert by_code["brooches"]["score"] == 1.0
    assert by_code["pearls"]["score"] == pytest.approx(0.5 ** (120 / HALF_LIFE_DAYS))


def test_scores_are_normalised_and_recent_counted_in_window():
    rows = score_trends([article("2026-10-01", "жемчуг"), article("2026-03-01", "жемчуг брошь"),
                         article("2026-06-15", "брошь")], PAIR)
    assert max(r["score"] for r in rows) == 1.0 and all(0 <= r["score"] <= 1 for r in rows)
    by_code = {r["code"]: r for r in rows}
    assert (by_code["pearls"]["recent_mentions"], by_code["pearls"]["previous_mentions"]) == (1, 0)
    assert (by_code["brooches"]["recent_mentions"], by_code["brooches"]["previous_mentions"]) == (0, 1)
    assert score_trends([], PAIR)[0]["score"] == 0.0


def test_multi_word_stems():
    assert mentions("Массивные цепи снова в моде, и крупные цепочки тоже.", "chunky_chains") == 2
    assert mentions("Массивный браслет и тонкая цепь.", "chunky_chains") == 0
    assert mentions("Цепи массивные", "chunky_chains") == 0              # order matters
    assert mentions("Носите несколько цепочек сразу — это многослойность.", "layering") == 2


def test_one_place_counts_once_and_false_friends_do_not_count():
    # "цветные камни" matches two stems of the same trend at one place.
    assert mentions("Цветные камни повсюду.", "colored_stones") == 1
    assert mentions("Брошенный жакет, брошюра и брошь.", "brooches") == 1
    assert mentions("Жёлтое золото вернулось, о жёлтом золоте пишут все.", "yellow_gold_revival") == 2


def test_emerging_on_synthetic_data():
    rows = [{"code": code, "label": code, "recent_mentions": recent, "previous_mentions": previous}
            for code, recent, previous in [("growing", 6, 2), ("flat", 5, 5), ("new_small", 2, 0),
                                           ("new_big", 4, 0), ("fading", 1, 8)]]
    found = emerging_trends(rows)
    assert [e["code"] for e in found] == ["new_big", "growing"]
    assert found[1] == {"code": "growing", "label": "growing", "growth": 3.0, "recent": 6, "previous": 2}


def test_emerging_on_the_seed(seed_rows):
    emerging = {e["code"] for e in emerging_trends(seed_rows)}
    assert emerging & RISING                        # a trend the seed makes rise appears...
    assert not emerging & FADING                    # ...and none that it lets fade
    assert all(e["growth"] >= 1.5 for e in emerging_trends(seed_rows))


def test_seed_scores_rank_recency_over_volume(seed_rows):
    by_code = {r["code"]: r for r in seed_rows}
    # The recency weight favours what is written about lately: against a fading trend, a
    # rising one scores better than its plain mention count alone would say.
    for rising in RISING:
        for fading in FADING:
            up, down = by_code[rising], by_code[fading]
            assert up["score"] / down["score"] > up["mentions"] / down["mentions"]
    assert seed_rows[0]["score"] == 1.0
    assert all(r["articles"] for r in seed_rows)


def test_trends_named_in_a_message():
    assert trends_in("Что с жемчугом?", TRENDS) == ["pearls"]
    assert trends_in("А массивные цепи ещё носят? И броши?", TRENDS) == ["chunky_chains", "brooches"]
    assert trends_in("Что сейчас модно?", TRENDS) == []

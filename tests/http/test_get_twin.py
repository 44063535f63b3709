"""The GET twins (for EventSource) take the messages the POSTs take: a message of the
full 4,000 characters, percent-encoded in the URL (Cyrillic: six bytes a letter, an emoji
twelve), is answered; one character more is the JSON 422, not the HTTP parser's text."""
from tests.kit import CONSULTATION
from tests.sse_reader import collect

LONGEST = "Кольцо💍 " * 500                     # 4,000 characters, about 36 KB in a URL


async def test_a_message_of_the_longest_length_fits_in_the_get_twin(offline_client):
    assert len(LONGEST) == 4000
    response = await offline_client.get(CONSULTATION.format("long"), params={"message": LONGEST})
    assert response.status == 200
    assert (await collect(response))[-1]["type"] == "done"
    longer = await offline_client.get(CONSULTATION.format("long"), params={"message": LONGEST + "!"})
    assert longer.status == 422 and (await longer.json())["error"] == "message_too_long"

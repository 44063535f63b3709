"""Product pictures: the shop's photos from JEWELSTREAM_MEDIA, or the generated drawing."""
import sqlite3
import xml.etree.ElementTree as ET

import pytest

from jewelstream.app import create_app
from jewelstream.config import Settings
from jewelstream.data.__main__ import main
from jewelstream.illustration import METAL_COLOURS, SHAPES, STONE_COLOURS, UNKNOWN_STONE, draw_product
from tests.png import solid_png

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_every_kind_is_drawn_in_its_metal_with_its_stones(kind):
    svg = draw_product({"type": kind, "metal": "rose_gold", "stones": ["emerald", "шпинель"], "name": "x"})
    tree = ET.fromstring(svg)
    colours = {node.get(attr) for node in tree.iter() for attr in ("fill", "stop-color", "stroke")}
    assert set(METAL_COLOURS["rose_gold"]) <= colours
    assert STONE_COLOURS["emerald"] in colours
    assert len(list(tree.iter())) > 6
    assert draw_product({"type": kind, "metal": "silver", "stones": [], "name": "x"}) != svg


def test_a_name_in_the_drawing_is_text_never_markup():
    name = '</title><script>alert(1)</script> & «Луна»'
    tree = ET.fromstring(draw_product({"type": "ring", "metal": "silver", "stones": ["шпинель"], "name": name}))
    assert tree.find(f"{SVG}title").text == name
    assert not list(tree.iter(f"{SVG}script"))
    assert UNKNOWN_STONE in {node.get("fill") for node in tree.iter()}


@pytest.fixture
def media_dir(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    (folder / "ER-0001.png").write_bytes(solid_png(32, 24, (200, 30, 30)))
    (tmp_path / "secret.png").write_bytes(solid_png(2, 2, (0, 0, 0)))
    return folder


@pytest.fixture
async def media_client(aiohttp_client, db_path, media_dir):
    return await aiohttp_client(create_app(Settings(llm="offline", db_path=db_path, media_dir=str(media_dir))))


async def test_a_product_with_a_photo_gets_the_photo_with_caching_headers(media_client, media_dir):
    response = await media_client.get("/api/products/p0001/image")
    assert response.status == 200 and response.content_type == "image/png"
    assert await response.read() == (media_dir / "ER-0001.png").read_bytes()
    assert response.headers["Cache-Control"] == "public, max-age=600" and response.headers["ETag"]
    again = await media_client.get("/api/products/p0001/image", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status == 304


async def test_a_product_without_a_photo_gets_its_drawing_and_a_repeat_gets_304(media_client):
    response = await media_client.get("/api/products/p0002/image")
    assert response.status == 200 and response.content_type == "image/svg+xml"
    assert ET.fromstring(await response.text()).tag == f"{SVG}svg"
    assert response.headers["Cache-Control"] == "public, max-age=600"
    again = await media_client.get("/api/products/p0002/image", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status == 304 and await again.read() == b""
    other = await media_client.get("/api/products/p0003/image")
    assert other.headers["ETag"] != response.headers["ETag"]


async def test_unknown_products_and_files_outside_the_folder_are_never_served(media_client, db_path):
    missing = await media_client.get("/api/products/nope/image")
    assert missing.status == 404 and (await missing.json())["error"] == "not_found"
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE products SET image = '../secret.png' WHERE id = 'p0002'")
    response = await media_client.get("/api/products/p0002/image")
    assert response.content_type == "image/svg+xml"


async def test_the_image_column_names_the_photo_and_withdrawn_products_keep_theirs(
        media_client, media_dir, db_path, tmp_path):
    (media_dir / "луна.png").write_bytes(solid_png(10, 10, (0, 90, 200)))
    path = tmp_path / "one.csv"
    path.write_text("название;тип;металл;цена;фото\nКольцо «Луна»;кольцо;серебро 925;5990;луна.png\n",
                    encoding="utf-8")
    assert main(["import", "catalog", str(path), "--db", db_path]) == 0
    new = await media_client.get("/api/products/p0336/image")
    assert await new.read() == (media_dir / "луна.png").read_bytes()
    withdrawn = await media_client.get("/api/products/p0001/image")    # in old conversations' cards
    assert withdrawn.status == 200 and withdrawn.content_type == "image/png"

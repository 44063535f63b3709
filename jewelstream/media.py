"""Product pictures for the cards: the shop's photo, or a drawing of the product.

`GET /api/products/{product_id}/image` answers with the photo from the JEWELSTREAM_MEDIA
folder (named in the catalog's `image` column, or `<article number>.jpg|.jpeg|.png|.webp`),
else with jewelstream/illustration.py's SVG, so a card never shows an empty frame. Both
carry caching headers (Cache-Control, ETag; a repeat asks and gets 304). Products withdrawn
by an import still have their picture, for the cards of old conversations.

Left out: resizing photos (the page sizes them; a shop should not ship 20 MB originals)
and uploads: photos are files the shop copies into the folder.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from aiohttp import web

from jewelstream import keys
from jewelstream.illustration import draw_product

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
CACHE_CONTROL = "public, max-age=600"       # a re-imported photo shows within ten minutes


def find_photo(media_dir: str | None, product: dict) -> Path | None:
    """The product's photo in `media_dir`, if there is one (never a file outside it)."""
    if not media_dir:
        return None
    folder = Path(media_dir).resolve()
    names = [product["image"]] if product.get("image") else []
    if product.get("article"):
        names += [product["article"] + suffix for suffix in PHOTO_SUFFIXES]
    for name in names:
        path = (folder / name).resolve()
        if path.suffix.lower() in PHOTO_SUFFIXES and path.is_relative_to(folder) and path.is_file():
            return path
    return None


async def product_image(request: web.Request) -> web.StreamResponse:
    product = await request.app[keys.STORE].product(request.match_info["product_id"])
    if product is None:
        raise web.HTTPNotFound()
    headers = {"Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}
    photo = find_photo(request.app[keys.SETTINGS].media_dir, product)
    if photo is not None:
        return web.FileResponse(photo, headers=headers)    # ETag, Last-Modified and 304 included
    svg = draw_product(product).encode()
    etag = hashlib.sha256(svg).hexdigest()[:32]
    if any(tag.value == etag for tag in request.if_none_match or ()):
        response = web.Response(status=304, headers=headers)
    else:
        response = web.Response(body=svg, content_type="image/svg+xml", headers=headers)
    response.etag = etag
    return response



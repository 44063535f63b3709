"""A drawing of a product for the kiosk when the shop has no photo of it: an SVG of its
kind (ring, earrings, pendant...) in its metal's colour with its stones' colours.

    svg = draw_product({"type": "ring", "metal": "rose_gold", "stones": ["ruby"], "name": ...})

Plain SVG text made here: no external assets, fonts or scripts; the only text in it is the
product's name in <title>, escaped. The drawing is deterministic (same product, same
bytes), so its hash is a good ETag. Left out: sizes, carats, shading beyond one gradient.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

# metal code -> (light, dark) for a top-to-bottom gradient
METAL_COLOURS = {"yellow_gold": ("#f6dd8a", "#b8892a"), "white_gold": ("#f4f4f6", "#a9aab3"),
                 "rose_gold": ("#f3c2b4", "#b76e5d"), "silver": ("#eef0f2", "#8e939b"),
                 "platinum": ("#f2f2ef", "#9b9c98")}
STONE_COLOURS = {"diamond": "#f4fbff", "sapphire": "#2747b8", "emerald": "#1f8f5c", "ruby": "#c3173f",
                 "pearl": "#f6f0df", "topaz": "#6cc4ea", "amethyst": "#8d5cc4", "garnet": "#7c1d2c",
                 "citrine": "#eab33b", "aquamarine": "#86dcd4", "cubic_zirconia": "#ffffff"}
UNKNOWN_STONE = "#d9d6e3"        # a stone the vocabulary does not know: a soft lilac-grey
BACKGROUND = "#fbf7f0"


def draw_product(product: dict) -> str:
    light, dark = METAL_COLOURS.get(product.get("metal"), ("#e6e6e6", "#999999"))
    stones = [STONE_COLOURS.get(s, UNKNOWN_STONE) for s in product.get("stones") or []] or [None]
    shape = SHAPES.get(product.get("type"), _ring)(stones)
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200" '
            'role="img">'
            f'<title>{escape(str(product.get("name") or ""))}</title>'
            '<defs><linearGradient id="metal" gradientUnits="userSpaceOnUse" x1="0" y1="30" x2="0" y2="180">'
            f'<stop offset="0" stop-color="{light}"/><stop offset="1" stop-color="{dark}"/>'
            '</linearGradient></defs>'
            f'<rect width="200" height="200" fill="{BACKGROUND}"/>{shape}</svg>')


def _gem(x: float, y: float, r: float, colour: str | None) -> str:
    """A round stone with a highlight; a small metal bead when there is no stone."""
    if colour is None:
        return f'<circle cx="{x}" cy="{y}" r="{r * 0.6:g}" fill="url(#metal)" stroke="#7a6a55" stroke-width="1"/>'
    return (f'<circle cx="{x}" cy="{y}" r="{r}" fill="{colour}" stroke="#5b5565" stroke-width="1.5"/>'
            f'<circle cx="{x - r * 0.35:g}" cy="{y - r * 0.35:g}" r="{r * 0.28:g}" fill="#ffffff" opacity="0.7"/>')


def _band(cx, cy, rx, ry, width) -> str:
    return (f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}" fill="none" stroke="url(#metal)" '
            f'stroke-width="{width}"/>')


def _ring(stones) -> str:
    return _band(100, 118, 52, 50, 10) + _gem(100, 64, 14, stones[0]) + "".join(
        _gem(100 + dx, 70, 6, colour) for dx, colour in zip((-22, 22), stones[1:] * 2))


def _engagement_ring(stones) -> str:
    prongs = "".join(f'<path d="M{100 + dx} 70 L{100 + dx * 0.4:g} 44" stroke="url(#metal)" stroke-width="4"/>'
                     for dx in (-14, 14))
    return _band(100, 124, 50, 48, 8) + prongs + _gem(100, 50, 20, stones[0])


def _wedding_band(stones) -> str:
    row = "".join(_gem(x, 74, 4, stones[0]) for x in (78, 92, 108, 122)) if stones[0] else ""
    return _band(100, 110, 56, 44, 18) + row


def _earrings(stones) -> str:
    out = ""
    for x in (64, 136):
        out += (f'<circle cx="{x}" cy="46" r="8" fill="none" stroke="url(#metal)" stroke-width="4"/>'
                f'<path d="M{x} 54 L{x} 92" stroke="url(#metal)" stroke-width="3"/>'
                f'<path d="M{x} 92 C{x - 22} 118 {x - 14} 150 {x} 152 C{x + 14} 150 {x + 22} 118 {x} 92 Z" '
                f'fill="url(#metal)"/>' + _gem(x, 128, 11, stones[0]))
    return out


def _necklace(stones) -> str:
    beads = "".join(_gem(x, y, 7, stones[i % len(stones)])
                    for i, (x, y) in enumerate(((58, 104), (76, 124), (100, 132), (124, 124), (142, 104))))
    return ('<path d="M30 40 C40 150 160 150 170 40" fill="none" stroke="url(#metal)" stroke-width="5"/>'
            + beads)


def _pendant(stones) -> str:
    return ('<path d="M40 30 L100 100 L160 30" fill="none" stroke="url(#metal)" stroke-width="3"/>'
            '<circle cx="100" cy="104" r="6" fill="none" stroke="url(#metal)" stroke-width="3"/>'
            '<path d="M100 110 L128 140 L100 176 L72 140 Z" fill="url(#metal)"/>' + _gem(100, 142, 13, stones[0]))


def _chain(stones) -> str:
    links = "".join(f'<ellipse cx="{x}" cy="{y}" rx="11" ry="7" fill="none" stroke="url(#metal)" '
                    f'stroke-width="4" transform="rotate({angle} {x} {y})"/>'
                    for x, y, angle in ((36, 60, 60), (50, 96, 50), (72, 126, 30), (100, 138, 0),
                                        (128, 126, -30), (150, 96, -50), (164, 60, -60)))
    return links + (_gem(100, 152, 8, stones[0]) if stones[0] else "")


def _bracelet(stones) -> str:
    gems = "".join(_gem(x, y, 7, stones[i % len(stones)]) for i, (x, y) in
                   enumerate(((62, 128), (82, 140), (100, 143), (118, 140), (138, 128)))) if stones[0] else ""
    return _band(100, 110, 72, 36, 12) + gems


def _brooch(stones) -> str:
    petals = "".join(f'<ellipse cx="100" cy="72" rx="16" ry="30" fill="url(#metal)" '
                     f'transform="rotate({angle} 100 100)"/>' for angle in range(0, 360, 60))
    return petals + _gem(100, 100, 16, stones[0])


def _cufflinks(stones) -> str:
    return "".join(f'<rect x="{x}" y="70" width="56" height="56" rx="8" fill="url(#metal)"/>'
                   f'<rect x="{x + 24}" y="126" width="8" height="24" fill="url(#metal)"/>'
                   + _gem(x + 28, 98, 12, stones[0]) for x in (30, 114))


SHAPES = {"ring": _ring, "engagement_ring": _engagement_ring, "wedding_band": _wedding_band,
          "earrings": _earrings, "necklace": _necklace, "pendant": _pendant, "chain": _chain,
          "bracelet": _bracelet, "brooch": _brooch, "cufflinks": _cufflinks}

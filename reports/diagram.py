"""The leg diagram: front and back of both legs, the reported locations shaded.

Pure and built only from known codes (unknown ones are dropped), so the markup
is safe to embed as is: in the PDF and, via `{{ svg|safe }}`, in the intake
page. No scripts, no styles, no external references: presentation attributes only.
"""

from collections.abc import Callable, Iterable

from intake.document.codes import LOCATIONS, SIDES

WIDTH, HEIGHT = 480, 436
LEGS_DOWN = 12  # the legs are drawn from y=32: this moves them below the two-line titles
SHADED_FILL, PLAIN_FILL, OUTLINE = "#3b6fb6", "#f4f4f4", "#555555"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'

Shape = Callable[[float], str]  # leg centre x -> an SVG shape element, attributes open


def _polygon(*points: tuple[float, float]) -> Shape:
    return lambda cx: '<polygon points="{}"'.format(
        " ".join(f"{cx + dx:g},{y:g}" for dx, y in points)
    )


def _ellipse(cy: float, rx: float, ry: float) -> Shape:
    return lambda cx: f'<ellipse cx="{cx:g}" cy="{cy:g}" rx="{rx:g}" ry="{ry:g}"'


def _path(*steps: tuple[str, tuple[tuple[float, float], ...]]) -> Shape:
    """A path of (command, points) steps, x given as offsets from the leg's centre."""
    return lambda cx: '<path d="{}"'.format(
        " ".join(
            command + " ".join(f"{cx + dx:g},{y:g}" for dx, y in points)
            for command, points in steps
        )
    )


_THIGH = _polygon((-30, 60), (30, 60), (22, 170), (-22, 170))
_ANKLE = _polygon((-13, 300), (13, 300), (13, 318), (-13, 318))

# Drawing order matters: later shapes sit on top (the buttock over the thigh).
# Each view: (location code or None for an outline-only part, shape).
VIEWS: dict[str, tuple[tuple[str | None, Shape], ...]] = {
    "front": (
        ("thigh", _THIGH),
        ("knee", _ellipse(185, 21, 16)),
        ("shin", _polygon((-20, 200), (20, 200), (13, 300), (-13, 300))),
        ("ankle", _ANKLE),
        ("foot", _polygon((-14, 318), (14, 318), (20, 345), (-20, 345))),
        ("toes", _polygon((-21, 345), (21, 345), (19, 358), (-19, 358))),
    ),
    "back": (
        ("thigh", _THIGH),
        ("buttock", _ellipse(72, 32, 30)),
        (None, _polygon((-22, 170), (22, 170), (20, 200), (-20, 200))),  # back of the knee
        (
            "calf",
            _path(
                ("M", ((-20, 200),)),
                ("C", ((-29, 230), (-20, 260), (-13, 300))),
                ("L", ((13, 300),)),
                ("C", ((20, 260), (29, 230), (20, 200))),
                ("Z", ()),
            ),
        ),
        ("ankle", _ANKLE),
        (
            "foot",  # the heel
            _path(
                ("M", ((-13, 318),)),
                ("L", ((13, 318), (15, 340))),
                ("Q", ((0, 354), (-15, 340))),
                ("Z", ()),
            ),
        ),
    ),
}

# Leg centres per view, viewer's left first. Front: the patient faces us, so their right
# leg is on our left; back: we see their left leg on our left.
PANELS = (
    ("front", 0, (("right", 75.0), ("left", 155.0)), ("Front", "(patient's right | left)")),
    ("back", 250, (("left", 75.0), ("right", 155.0)), ("Back", "(patient's left | right)")),
)
SIDE_LEGS = {"left": ("left",), "right": ("right",), "both": ("left", "right")}
SIDE_WORDS = {"left": "left leg", "right": "right leg", "both": "both legs"}


def known_locations(locations: Iterable[str]) -> tuple[str, ...]:
    """The known location codes among `locations`, in the spec's order, each once."""
    given = set(locations)
    return tuple(code for code in LOCATIONS if code in given)


def shaded_regions(sides: str, locations: Iterable[str]) -> tuple[str, ...]:
    """The region names (`view-leg-location`) to shade; unknown codes shade nothing."""
    legs = SIDE_LEGS.get(sides, ())
    wanted = known_locations(locations)
    return tuple(
        f"{view}-{leg}-{code}"
        for view, _, centres, _ in PANELS
        for leg, _ in centres
        if leg in legs
        for code, _ in VIEWS[view]
        if code in wanted
    )


def _label(sides: str, locations: tuple[str, ...]) -> str:
    if sides not in SIDES or not locations:
        return "Leg diagram, front and back. No location reported."
    return (
        "Leg diagram, front and back. Shaded = reported: "
        f"{SIDE_WORDS[sides]}, {', '.join(locations)}."
    )


def _text(x: float, y: float, words: str, size: int, weight: str = "normal") -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" text-anchor="middle" font-size="{size}" '
        f'font-weight="{weight}" {FONT} fill="#222222">{words}</text>'
    )


def _leg(view: str, leg: str, cx: float, shaded: set[str]) -> list[str]:
    shapes = []
    for code, shape in VIEWS[view]:
        if code is None:
            attributes, fill = 'class="outline"', PLAIN_FILL
        else:
            region = f"{view}-{leg}-{code}"
            is_shaded = region in shaded
            attributes = f'class="region{" shaded" * is_shaded}" data-region="{region}"'
            fill = SHADED_FILL if is_shaded else PLAIN_FILL
        shapes.append(
            f'{shape(cx)} {attributes} fill="{fill}" stroke="{OUTLINE}" stroke-width="1.2"/>'
        )
    shapes.append(_text(cx, 376, leg.capitalize(), 15))
    return shapes


def leg_diagram_svg(sides: str, locations: Iterable[str]) -> str:
    """An inline, accessible SVG of both legs, front and back, with the reported parts shaded."""
    wanted = known_locations(locations)
    shaded = set(shaded_regions(sides, wanted))
    label = _label(sides, wanted)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{label}" class="leg-diagram">',
        f"<title>{label}</title>",
    ]
    for view, offset, centres, (title, sides_note) in PANELS:
        parts.append(_text(offset + 115, 17, title, 17, "bold"))
        parts.append(_text(offset + 115, 36, sides_note, 14))
        parts.append(f'<g transform="translate({offset},{LEGS_DOWN})">')
        # The hips, so the two legs read as one body.
        parts.append(
            f'<rect x="40" y="32" width="150" height="34" rx="14" '
            f'fill="{PLAIN_FILL}" stroke="{OUTLINE}" stroke-width="1.2"/>'
        )
        for leg, centre in centres:
            parts += _leg(view, leg, centre, shaded)
        parts.append("</g>")
    parts.append(
        f'<rect x="160" y="{HEIGHT - 20}" width="14" height="14" fill="{SHADED_FILL}" '
        f'stroke="{OUTLINE}"/>'
        f'<text x="180" y="{HEIGHT - 8}" font-size="15" {FONT} fill="#222222">'
        "shaded = reported</text>"
    )
    parts.append("</svg>")
    return "".join(parts)

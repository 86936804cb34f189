"""The leg diagram: shading follows the answers, and the markup is safe, valid SVG."""

import xml.etree.ElementTree as ET

import pytest

from intake.document.codes import LOCATIONS
from reports.diagram import SHADED_FILL, leg_diagram_svg, shaded_regions

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own markup; parsing is the validity check


def _regions(svg: str) -> dict[str, bool]:
    """Each shadeable region's name and whether it is shaded."""
    root = _parse(svg)
    return {
        element.get("data-region"): "shaded" in element.get("class", "").split()
        for element in root.iter()
        if element.get("data-region")
    }


@pytest.mark.parametrize(
    ("sides", "locations", "shaded"),
    [
        ("left", ["calf"], {"back-left-calf"}),
        ("right", ["shin", "knee"], {"front-right-shin", "front-right-knee"}),
        ("right", ["buttock"], {"back-right-buttock"}),
        ("left", ["thigh"], {"front-left-thigh", "back-left-thigh"}),
        ("left", ["toes"], {"front-left-toes"}),
        (
            "both",
            ["foot", "ankle"],
            {
                f"{view}-{leg}-{code}"
                for view in ("front", "back")
                for leg in ("left", "right")
                for code in ("foot", "ankle")
            },
        ),
    ],
    ids=["left-calf", "right-shin-knee", "buttock", "thigh-both-views", "toes", "both-feet"],
)
def test_shaded_regions_match_the_answers(sides, locations, shaded):
    svg = leg_diagram_svg(sides, locations)

    regions = _regions(svg)
    assert {name for name, is_shaded in regions.items() if is_shaded} == shaded
    assert set(shaded_regions(sides, locations)) == shaded


def test_every_location_has_a_region_on_each_leg():
    regions = _regions(leg_diagram_svg("both", LOCATIONS))

    for code in LOCATIONS:
        for leg in ("left", "right"):
            assert any(name.endswith(f"-{leg}-{code}") for name in regions), (leg, code)
    assert all(regions.values())


def test_shaded_regions_are_filled_and_the_rest_plain():
    root = _parse(leg_diagram_svg("left", ["calf"]))

    fills = {
        element.get("data-region"): element.get("fill")
        for element in root.iter()
        if element.get("data-region")
    }
    assert fills.pop("back-left-calf") == SHADED_FILL
    assert SHADED_FILL not in fills.values()


def test_unknown_codes_are_ignored():
    svg = leg_diagram_svg("left", ["calf", "elbow", '"><script>alert(1)</script>'])

    assert {name for name, shaded in _regions(svg).items() if shaded} == {"back-left-calf"}
    assert "elbow" not in svg
    assert "<script" not in svg.lower()


def test_an_unknown_side_shades_nothing():
    svg = leg_diagram_svg('left"><script>', ["calf"])

    assert not any(_regions(svg).values())
    assert "<script" not in svg.lower()
    assert "No location reported" in svg


def test_svg_is_accessible_self_contained_and_labelled():
    svg = leg_diagram_svg("both", ["toes"])
    root = _parse(svg)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == (
        "Leg diagram, front and back. Shaded = reported: both legs, toes."
    )
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    texts = [element.text for element in root.iter(f"{SVG}text")]
    for words in ("Front", "(patient's right | left)", "Back", "(patient's left | right)"):
        assert words in texts
    assert texts.count("Left") == 2 and texts.count("Right") == 2
    assert "shaded = reported" in texts
    for forbidden in ("<script", "href", "url(", "<style", "<image", "<foreignobject", " on"):
        assert forbidden not in svg.lower()


def test_front_view_shows_the_patients_right_leg_on_the_viewers_left():
    root = _parse(leg_diagram_svg("right", ["shin"]))

    leg_labels = []
    for panel in root.iter(f"{SVG}g"):
        offset = float(panel.get("transform").removeprefix("translate(").split(",")[0])
        leg_labels += [
            (offset + float(text.get("x")), text.text)
            for text in panel.iter(f"{SVG}text")
            if text.text in ("Left", "Right")
        ]

    assert [words for _, words in sorted(leg_labels)] == ["Right", "Left", "Left", "Right"]

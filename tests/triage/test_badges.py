import pytest

from triage.templatetags.triage_badges import level_badge


@pytest.mark.parametrize(
    ("level", "shown"),
    [
        ("emergency", "⚠ Emergency"),
        ("urgent", "! Urgent"),
        ("attention", "Attention"),  # once drawn as "Routine" beside an "Attention" badge
        ("routine", "Routine"),
        ("something-new", "something-new"),  # never dressed up as a calmer level
    ],
)
def test_each_level_reads_as_itself(level, shown):
    assert f">{shown}</span>" in level_badge(level)


def test_the_badge_escapes_what_it_is_given():
    assert "<script>" not in level_badge("<script>")

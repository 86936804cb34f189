"""The nesting limit: found without recursion, in parsed JSON and in JSON text alike."""

import json

import pytest
from hypothesis import given, settings

from intake.document import DocumentInvalid, Problem, parse_document
from intake.document.nesting import (
    MAX_DEPTH,
    TOO_DEEP,
    document_path,
    too_deep,
    too_deep_in_text,
)
from tests.builders import benign_data
from tests.strategies import deep_json


def first_too_deep(value: object, location: tuple = ()) -> tuple | None:
    """The reference, written the obvious (recursive) way."""
    if not isinstance(value, dict | list):
        return None
    if len(location) == MAX_DEPTH:
        return location
    children = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in children:
        if (found := first_too_deep(child, (*location, key))) is not None:
            return found
    return None


def lists(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


@settings(max_examples=200, deadline=None)
@given(deep_json())
def test_the_limit_is_found_where_a_recursive_walk_finds_it_in_values_and_in_text(value):
    expected = first_too_deep(value)
    assert too_deep(value) == expected
    assert too_deep_in_text(json.dumps(value)) == expected


@pytest.mark.parametrize(("depth", "found"), [(MAX_DEPTH, None), (MAX_DEPTH + 1, (0,) * MAX_DEPTH)])
def test_max_depth_lists_are_allowed_and_one_more_is_not(depth, found):
    assert too_deep(lists(depth)) == found
    assert too_deep_in_text(json.dumps(lists(depth))) == found


def test_brackets_inside_strings_and_escaped_keys_are_text():
    text = '{"a\\"[{": ["[[[[", {"k": "]]]}"}]}'
    assert too_deep(json.loads(text)) is None
    assert too_deep_in_text(text) is None
    deep = '{"a\\"[{": [1, "x", ' + "[" * MAX_DEPTH
    assert too_deep_in_text(deep) == ('a"[{', 2, *(0,) * (MAX_DEPTH - 2))


def test_text_far_too_deep_for_json_is_read_without_recursion():
    assert too_deep_in_text("[" * 1_000_000) == (0,) * MAX_DEPTH


def test_a_document_nested_past_the_limit_is_refused_at_that_path_alone():
    data = benign_data() | {"notes": lists(MAX_DEPTH), "shoe_size": 9}
    with pytest.raises(DocumentInvalid) as refused:
        parse_document(data)
    where = document_path(("notes", *(0,) * (MAX_DEPTH - 1)))
    assert refused.value.problems == (Problem(where, TOO_DEEP),)


def test_a_document_up_to_the_limit_is_read_as_usual():
    data = benign_data() | {"notes": lists(MAX_DEPTH - 1)}
    with pytest.raises(DocumentInvalid) as refused:
        parse_document(data)
    assert refused.value.problems == (Problem("notes", "must be text"),)

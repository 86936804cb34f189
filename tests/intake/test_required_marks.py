"""Issue #17, item 3: the required marks are true. A question marked required is refused when
left empty, and a question refused when left empty is marked: by its field, or, for a
follow-up, by the mark it carries whenever it shows (app.css, on data-asked-when)."""

from __future__ import annotations

import pytest

from intake.steps import STEPS, bind_step
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory
from tests.intake.formdata import as_the_forms_ask, step_data

pytestmark = pytest.mark.django_db

# Vignette 17 says it changed suddenly and vignette 01 that it comes and goes: each
# follow-up of the symptoms step applies in one of them.
DOCS = [
    as_the_forms_ask(VIGNETTES[name]["document"])
    for name in ("01-positional-transient", "17-sudden-clumsy-leg-since-yesterday-dalteparin")
]


def marked(form, name: str) -> bool:
    field = form.fields[name]
    return field.required or "data-asked-when" in field.widget.attrs


@pytest.mark.parametrize("doc", DOCS, ids=["comes-and-goes", "sudden"])
@pytest.mark.parametrize("step", [step for step in STEPS[1:] if step.form_class], ids=str)
def test_a_question_left_empty_is_refused_only_when_marked_required(step, doc):
    intake = IntakeFactory()
    data = step_data(step.slug, doc, revision=intake.revision)
    assert bind_step(step, intake, data).is_valid()  # the answers as given are accepted
    for name in bind_step(step, intake, data).form.fields:
        bound = bind_step(step, intake, {**data, name: ""})
        refused = not bound.is_valid() and name in bound.form.errors
        if refused:
            assert marked(bound.form, name), f"{name} is refused empty but not marked"
        elif bound.form.fields[name].required:
            pytest.fail(f"{name} is marked required but taken empty")

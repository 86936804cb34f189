"""Patient searches are kept in the session, never in a URL.

A name or MRN in a query string ends up in browser history, server and proxy access logs
and Referer headers. So search forms POST to a small view that keeps the term in the
user's session (server-side, ended at sign-out or idle logoff) and redirects to a URL
without it; the page then reads the term back from the session.
"""

from __future__ import annotations

from django.forms import Form
from django.http import HttpRequest

SESSION_KEY = "search_terms"
MAX_LENGTH = 100  # longer than any name or MRN; the forms say the same


def remember(request: HttpRequest, page: str, term: str) -> None:
    """Keep `term` as the page's search; an empty term ends the search."""
    terms = dict(request.session.get(SESSION_KEY, {}))
    term = term.strip()[:MAX_LENGTH]
    if term:
        terms[page] = term
    else:
        terms.pop(page, None)
    request.session[SESSION_KEY] = terms


def recall(request: HttpRequest, page: str) -> str:
    """The page's search, or "" when there is none."""
    return request.session.get(SESSION_KEY, {}).get(page, "")


def form_problems(form: Form) -> str:
    """A refused search form's errors, each after its field's label, for a flash message."""
    return " ".join(
        f"{form[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
    )

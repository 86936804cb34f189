"""Patient searches are kept in the session, never in a URL.

A name or MRN in a query string ends up in browser history, server and proxy access logs
and Referer headers. So search forms POST to a small view that keeps the term in the
user's session (server-side, ended at sign-out or idle logoff) under a random token, and
redirects to the page with `?search=<token>`: the page reads the term back through it.

The token, not the session alone, decides that a page is searched: the worklist reached
from the navigation bar is never narrowed by a search made an hour before (it would hide
a new emergency), exactly as when the term rode in the URL.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.http import HttpRequest

from intake.forms import SEARCH_TERM_MAX_LENGTH

SESSION_KEY = "search_terms"
PARAMETER = "search"
KEPT = 20  # a session keeps its newest searches; an older link opens unsearched


def remember(request: HttpRequest, term: str) -> str:
    """Keep `term` in the session; the token that stands for it ("" for no search)."""
    term = term.strip()[:SEARCH_TERM_MAX_LENGTH]
    if not term:
        return ""
    token = secrets.token_urlsafe(6)
    terms = {**request.session.get(SESSION_KEY, {}), token: term}
    request.session[SESSION_KEY] = dict(list(terms.items())[-KEPT:])
    return token


def recall(request: HttpRequest) -> str:
    """The search the URL's token stands for, or "" when there is none."""
    token = request.GET.get(PARAMETER, "")
    return request.session.get(SESSION_KEY, {}).get(token, "") if token else ""


def searched_url(url: str, token: str, **params: str) -> str:
    """`url` with the search's token and the other (not identifying) parameters given."""
    query = {name: value for name, value in {**params, PARAMETER: token}.items() if value}
    return f"{url}?{urlencode(query)}" if query else url

"""Every URL the project defines, with sample arguments, from the URL resolver.

Tests that must cover every page (login required, roles, audit) walk this list,
so a new URL is covered the day it is added.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

SAMPLE_ARGUMENTS = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": str(uuid.UUID(int=1)),
    "path": "sample",
}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when unnamed
    path: str  # a concrete path with sample arguments


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> list[Route]:
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            child_ns = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            routes += _walk(entry, prefix + _concrete(entry), child_ns)
        elif isinstance(entry, URLPattern):
            path = "/" + prefix + _concrete(entry)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or path)
            routes.append(Route(name=name.lstrip(":"), path=path))
    return routes


def _concrete(entry: URLPattern | URLResolver) -> str:
    route = str(entry.pattern)
    if not isinstance(entry.pattern, RoutePattern):
        # A regex route (the admin's): put a sample in each named group.
        return re.sub(r"\(\?P<\w+>[^)]*\)", "1", route).lstrip("^").rstrip("$").replace("\\", "")
    return re.sub(
        r"<(?:(\w+):)?\w+>", lambda match: SAMPLE_ARGUMENTS[match.group(1) or "str"], route
    )


def all_routes() -> list[Route]:
    return _walk(get_resolver(), "", "")


def project_routes() -> list[Route]:
    """The project's own pages: everything but the Django admin's generated ones."""
    return [route for route in all_routes() if not route.name.startswith("admin:")]

"""The pre-visit summary as a PDF: the content dict, a Django template, WeasyPrint.

PDF generators that fetch URLs are a known server-side request forgery and
local-file-read path, so every resource goes through `StaticOnlyFetcher`: files
under this app's static/ directory only, everything else refused (and logged).
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from intake.levels import Level
from reports.diagram import leg_diagram_svg

logger = logging.getLogger(__name__)

STATIC_ROOT = Path(__file__).resolve().parent / "static"
TEMPLATE = "reports/summary_pdf.html"
PageSize = Literal["A4", "letter"]
PAGE_SIZES: tuple[PageSize, ...] = ("A4", "letter")

# What each red-flag box tells the reader to do (clinical-content.md §2).
EMERGENCY_HEADING = "Emergency: call 911 / send to the emergency department now"
URGENT_HEADING = "Urgent: a clinician should see these today"


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    pdf: bytes
    pages: int


class FetchRefused(ValueError):
    """A resource outside the static directory was asked for; WeasyPrint logs it and goes on."""


class StaticOnlyFetcher(URLFetcher):
    """Serves `file:` URLs that resolve (symlinks and `..` included) inside `root`; refuses
    every other URL (http, https, data, files elsewhere) with FetchRefused."""

    def __init__(self, root: Path = STATIC_ROOT) -> None:
        super().__init__(allowed_protocols=("file",))
        self.root = Path(os.path.realpath(root))

    def resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"only local static files may be loaded, not {url[:100]!r}")
        try:
            path = Path(os.path.realpath(url2pathname(parts.path)))
        except (ValueError, OSError) as error:  # e.g. an embedded NUL byte
            raise FetchRefused(f"unusable path in {url[:100]!r}") from error
        if not path.is_relative_to(self.root) or not path.is_file():
            raise FetchRefused(f"{url[:100]!r} is not a file under {self.root}")
        return path

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        try:
            path = self.resolve(url)
        except FetchRefused as refusal:
            logger.warning("PDF resource refused: %s", refusal)
            raise
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def html_to_pdf(html: str) -> RenderedPdf:
    """Render HTML whose relative URLs resolve against the static directory."""
    document = HTML(
        string=html, base_url=f"{STATIC_ROOT.as_uri()}/", url_fetcher=StaticOnlyFetcher()
    ).render()
    return RenderedPdf(pdf=document.write_pdf(), pages=len(document.pages))


def _when(iso: str | None) -> str:
    """An ISO datetime in the clinic's time zone, to the minute."""
    if not iso:
        return ""
    moment = dt.datetime.fromisoformat(iso)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def _with_times(flags: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{**flag, "acknowledged_when": _when(flag.get("acknowledged_at"))} for flag in flags]


def render_summary_pdf(content: Mapping[str, Any], *, page_size: PageSize = "A4") -> RenderedPdf:
    """The summary PDF for a `build_summary_content` dict."""
    if page_size not in PAGE_SIZES:  # it is written into the page's CSS
        raise ValueError(f"page_size must be one of {PAGE_SIZES}")
    red_flags = _with_times(content["red_flags"])
    diagram = content["diagram"]
    context = {
        "c": content,
        "patient": content["patient"],
        "page_size": page_size,
        "submitted": _when(content.get("submitted_at")),
        "desk_action_when": _when((content.get("desk_action") or {}).get("at")),
        # Page 1 (docs/decisions/0026): the emergency box first, then the reason for the
        # visit, the patient's own words and the other flags.
        "entry": content.get("entry") or {},
        "emergency_heading": EMERGENCY_HEADING,
        "urgent_heading": URGENT_HEADING,
        "emergency_flags": [f for f in red_flags if f["severity"] == Level.EMERGENCY],
        "urgent_flags": [f for f in red_flags if f["severity"] == Level.URGENT],
        "attention": _with_times(content["attention"]),
        "alerts": [
            {
                **alert,
                "raised_when": _when(alert["raised_at"]),
                "acknowledged_when": _when(alert["acknowledged_at"]),
                "withdrawn_when": _when(alert["withdrawn_at"]),
                "actions": [{**a, "when": _when(a["at"])} for a in alert["actions"]],
            }
            for alert in content.get("alerts", ())
        ],
        # Rebuilt from codes, never taken as markup from the stored content.
        "diagram_svg": leg_diagram_svg(diagram["sides"], diagram["locations"]),
    }
    return html_to_pdf(render_to_string(TEMPLATE, context))


def warm_up() -> None:
    """Render a tiny document once so the first real summary does not pay for imports,
    font loading and the stylesheet (a worker calls this at start)."""
    html_to_pdf(
        '<link rel="stylesheet" href="reports/summary_pdf.css">'
        f"<h1>Warm-up</h1><p><strong>bold</strong> text</p>{leg_diagram_svg('both', ())}"
    )

"""The summary PDF: sections, a header on every page, escaping, and a fetcher that loads
nothing but the app's own static files."""

import http.server
import io
import logging
import threading
from collections.abc import Iterator

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from intake.document import parse_document
from reports.pdf import (
    STATIC_ROOT,
    TEMPLATE,
    FetchRefused,
    RenderedPdf,
    StaticOnlyFetcher,
    html_to_pdf,
    render_summary_pdf,
    warm_up,
)
from reports.summary import NOTICE, build_summary_content
from tests.builders import VIGNETTES, load_vignette, with_answers
from triage.engine import evaluate_triage

XSS = "<script>alert(1)</script> and <b>bold</b>"


def _vignette(stem: str) -> dict:
    return load_vignette(next(path for path in VIGNETTES if path.stem == stem))["document"]


def _content(data: dict, **kwargs) -> dict:
    doc = parse_document(data)
    return build_summary_content(doc, evaluate_triage(doc), **kwargs)


def _pages(rendered: RenderedPdf) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(rendered.pdf)).pages]


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def diabetic() -> tuple[dict, RenderedPdf]:
    data = with_answers(
        _vignette("05-diabetic-feet"),
        {
            "patient.mrn": "A-204817",
            "medications": [{"name": "Metformin", "dose": "1000 mg", "kind": "prescription"}],
            "symptoms.description": XSS,
            "notes": '<img src="http://127.0.0.1:9/x.png"> & more',
        },
    )
    content = _content(data)
    return content, render_summary_pdf(content)


@pytest.fixture(scope="module")
def emergency() -> tuple[dict, RenderedPdf]:
    acknowledgements = {
        "recent_injury": {"by": "Casey Lee", "at": "2026-11-20T15:30:00+00:00"},
    }
    content = _content(
        with_answers(_vignette("09-recent-fall-head"), {"symptoms.associated": ["leg_weakness"]}),
        acknowledgements=acknowledgements,
    )
    return content, render_summary_pdf(content)


def test_summary_has_its_sections_and_the_header(diabetic):
    content, rendered = diabetic
    pages = _pages(rendered)
    text = _one_line(" ".join(pages))

    assert rendered.pdf.startswith(b"%PDF-")
    assert rendered.pages == len(pages)
    for heading in (
        "Pre-visit summary",
        "No red flags",
        "Reason for visit",
        "To discuss",
        "Suggested tests to consider",
        "Timeline",
        "Medications and supplements",
        "History",
        "In the patient's own words",
    ):
        assert heading.lower() in text.lower(), heading
    assert _one_line(content["reason_for_visit"]) in text
    assert "Metformin" in text and "1000 mg" in text
    assert NOTICE in text
    assert f"page 1 of {rendered.pages}" in pages[0]
    for number, page in enumerate(pages, start=1):
        assert "Ana Lopez" in page
        assert "DOB 1971-04-02" in page and "MRN A-204817" in page
        assert f"page {number} of {rendered.pages}" in page


def test_summary_lists_every_suggested_test_with_first_line_marked(diabetic):
    content, rendered = diabetic
    text = _one_line(" ".join(_pages(rendered)))

    for test in content["suggested_tests"]:
        assert _one_line(test["name"]) in text
    assert text.count("✓ first-line") == 3  # B12, glucose/HbA1c, protein electrophoresis


def test_patient_text_prints_as_literal_text(diabetic):
    content, rendered = diabetic
    text = _one_line(" ".join(_pages(rendered)))
    html = render_to_string(TEMPLATE, {"c": content, "patient": content["patient"]})

    assert "<script>alert(1)</script> and <b>bold</b>" in text
    assert '<img src="http://127.0.0.1:9/x.png"> & more' in text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html


def test_emergency_flags_are_boxed_at_the_top_with_evidence(emergency):
    _, rendered = emergency
    first_page = _one_line(_pages(rendered)[0])

    emergency_box = first_page.index("Emergency: call 911 / send to the emergency department now")
    urgent_box = first_page.index("Urgent: a clinician should see these today")
    # The emergency first; the urgent flags with the others, after the patient's own words.
    assert emergency_box < first_page.index("Reason for visit") < urgent_box
    assert "Recent back, head or neck injury" in first_page
    assert "Injury: Head injury, 2026-11-17, Fall" in first_page  # evidence in words
    assert "Acknowledged by Casey Lee, 2026-11-20 10:30" in first_page  # America/New_York
    weakness = "Weakness in the affected leg: Do you also have any of these?: Weakness in the leg."
    assert f"{weakness} Not yet acknowledged" in first_page
    assert "CT scan" in first_page


def test_a_long_summary_has_the_header_on_every_page():
    medications = [
        {"name": f"Medication number {i}", "dose": f"{i} mg", "kind": "prescription"}
        for i in range(1, 61)
    ]
    content = _content(with_answers(_vignette("05-diabetic-feet"), {"medications": medications}))

    rendered = render_summary_pdf(content)

    pages = _pages(rendered)
    assert rendered.pages == len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert "Ana Lopez" in page
        assert f"page {number} of {rendered.pages}" in page
    assert "Medication number 60" in pages[-1] or "Medication number 60" in pages[-2]


@pytest.mark.parametrize(
    ("page_size", "width", "height"), [("A4", 595, 842), ("letter", 612, 792)], ids=str
)
def test_page_size(page_size, width, height, emergency):
    content, _ = emergency

    rendered = render_summary_pdf(content, page_size=page_size)

    box = PdfReader(io.BytesIO(rendered.pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (width, height)


def test_an_unknown_page_size_is_refused(emergency):
    with pytest.raises(ValueError, match="page_size"):
        render_summary_pdf(emergency[0], page_size="A4; } body { display: none")


def test_positional_summary_says_when_to_come_back():
    content = _content(_vignette("01-positional-transient"))

    text = _one_line(" ".join(_pages(render_summary_pdf(content))))

    assert "Fits positional compression" in text
    assert "is consistent with pressure on a nerve" in text  # §3 of 2026.12.1
    assert "it persists or comes back often" in text
    assert "Suggested tests to consider: none: no answer calls for a test." in text


def test_warm_up_renders():
    warm_up()


# --- The fetcher -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "https://example.com/style.css",
        "file:///etc/passwd",
        "file://evil.example.com/reports/summary_pdf.css",
        "data:text/css,body{}",
        "ftp://127.0.0.1/x",
        f"{STATIC_ROOT.as_uri()}/reports/../../pdf.py",
        f"{STATIC_ROOT.as_uri()}/reports/%2e%2e/%2e%2e/pdf.py",
        f"{STATIC_ROOT.as_uri()}/../../config/settings.py",
        f"{STATIC_ROOT.as_uri()}/reports/missing.css",
        f"{STATIC_ROOT.as_uri()}/reports",
        f"{STATIC_ROOT.as_uri()}/reports/summary_pdf.css%00.png",
        "reports/summary_pdf.css",
    ],
)
def test_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_a_file_under_the_static_directory():
    response = StaticOnlyFetcher().fetch(f"{STATIC_ROOT.as_uri()}/reports/summary_pdf.css")

    body = response.read()
    response.close()
    assert b"@page" in body
    assert response.content_type == "text/css"


def test_fetcher_refuses_a_symlink_out_of_its_root(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (root / "inside.txt").write_text("fine")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    fetcher = StaticOnlyFetcher(root)

    assert fetcher.fetch((root / "inside.txt").as_uri()).read() == b"fine"
    with pytest.raises(FetchRefused):
        fetcher.fetch((root / "link.txt").as_uri())


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    _CountingHandler.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", _CountingHandler.requests
    finally:
        server.shutdown()
        server.server_close()


def test_rendering_never_fetches_outside_resources(local_server, caplog):
    base, requests = local_server
    html = (
        f'<link rel="stylesheet" href="{base}/evil.css">'
        f'<p>Hello</p><img src="{base}/pixel.png"><img src="file:///etc/passwd">'
        '<img src="../../../../../../etc/hostname">'
        f'<p style="background: url({base}/bg.png)">styled</p>'
    )

    with caplog.at_level(logging.WARNING, logger="reports.pdf"):
        rendered = html_to_pdf(html)

    assert rendered.pages == 1
    assert requests == []
    refused = [record.getMessage() for record in caplog.records if record.name == "reports.pdf"]
    assert any("/evil.css" in message for message in refused)
    assert any("/pixel.png" in message for message in refused)
    assert any("file:///etc/passwd" in message for message in refused)
    assert any("/etc/hostname" in message for message in refused)


def test_urls_typed_by_the_patient_are_never_fetched(local_server):
    base, requests = local_server
    content = _content(
        with_answers(
            _vignette("05-diabetic-feet"),
            {
                "symptoms.description": f'<img src="{base}/a.png"><img src="file:///etc/passwd">',
                "notes": f'<link rel="stylesheet" href="{base}/b.css">',
                "medications": [{"name": f'<img src="{base}/c.png">'}],
            },
        )
    )

    text = _one_line(" ".join(_pages(render_summary_pdf(content))))

    assert requests == []
    assert f'<img src="{base}/a.png">' in text

"""Benchmark the pre-visit summary PDF in one warm process; prints Markdown (or JSON).

    .venv/bin/python bench/bench_pdf.py [--renders 200] [--long-renders 10] [--json]

Measures: the cold first render (imports, fonts), a typical two-page summary
(median and p95), ms per page of a long summary (60 medications), resident
memory after 20 and after all renders (WeasyPrint is known to grow in long-lived
workers), and, if ReportLab is installed, the same content drawn with it as a
reference point (ReportLab is a dev dependency only; that part is skipped without it).
`make bench` (bench/run_bench.py) runs this with --json for docs/performance.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import logging
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()
# The settings log INFO at the root: WeasyPrint's per-step progress log would flood the output.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

_import_start = time.perf_counter()
import weasyprint  # noqa: E402

IMPORT_MS = (time.perf_counter() - _import_start) * 1000

from intake.document import parse_document  # noqa: E402
from reports.pdf import render_summary_pdf, warm_up  # noqa: E402
from reports.summary import build_summary_content  # noqa: E402
from tests.builders import VIGNETTES, days_before, load_vignette, with_answers  # noqa: E402
from triage.engine import evaluate_triage  # noqa: E402

Content = dict[str, Any]


def typical_content(extra_medications: int = 0) -> Content:
    """Vignette 05 (diabetic feet) with the answers a real intake tends to have."""
    data = load_vignette(next(path for path in VIGNETTES if path.stem == "05-diabetic-feet"))
    medications = [
        {"name": "Metformin", "dose": "1000 mg twice daily", "kind": "prescription"},
        {"name": "Omeprazole", "dose": "20 mg daily", "kind": "prescription"},
        {"name": "Atorvastatin", "dose": "20 mg at night", "kind": "prescription"},
        {"name": "Ibuprofen", "dose": "400 mg as needed", "kind": "over_the_counter"},
        {"name": "Vitamin D3", "dose": "1000 IU daily", "kind": "supplement"},
    ] + [
        {"name": f"Medication {i}", "dose": f"{i} mg", "kind": "prescription"}
        for i in range(1, extra_medications + 1)
    ]
    document = with_answers(
        data["document"],
        {
            "patient.mrn": "A-204817",
            "symptoms.associated": ["burning", "muscle_spasms", "touch_sensitivity"],
            "symptoms.other_symptoms": ["muscle_cramps"],
            "symptoms.description": "Both feet feel numb and burn at night, worse after a "
            "long walk. Socks feel like they are bunched up under my toes.",
            "medications": medications,
            "vaccinations": [{"name": "Influenza", "date": days_before(30)}],
            "injuries": [{"kind": "broken_leg", "date": "2019-03-02", "mechanism": "sports"}],
            "conditions": ["diabetes", "kidney_disease"],
            "lifestyle": {"alcohol_drinks_per_week": 4, "diet": "omnivore", "smoking": "former"},
            "notes": "Works night shifts standing at a till.",
        },
    )
    doc = parse_document(document)
    return build_summary_content(doc, evaluate_triage(doc))


def rss_mib() -> float:
    """Current resident memory (VmRSS); peak RSS where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(render: Callable[[], object]) -> float:
    start = time.perf_counter()
    render()
    return (time.perf_counter() - start) * 1000


def reportlab_renderer() -> Callable[[Content], int] | None:
    """Draws the same sections with ReportLab's platypus; returns the page count."""
    try:
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    except ImportError:
        return None
    from xml.sax.saxutils import escape  # Paragraph parses markup: patient text is escaped

    styles = getSampleStyleSheet()
    grid = TableStyle(
        [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    )

    def render(content: Content) -> int:
        patient = content["patient"]

        def header(canvas: Any, doc: Any) -> None:
            canvas.setFont("Helvetica", 8)
            canvas.drawString(
                14 * mm, 287 * mm, f"{patient['name']} · DOB {patient['date_of_birth']}"
            )
            canvas.drawRightString(196 * mm, 287 * mm, f"page {doc.page}")

        def para(text: str, style: str = "BodyText") -> Paragraph:
            return Paragraph(escape(text), styles[style])

        story: list[Any] = [para(patient["name"], "Title"), para(content["reason_for_visit"])]
        story += [para(flag["title"], "Heading3") for flag in content["red_flags"]] or [
            para("No red flags", "Heading3")
        ]
        story.append(para("Suggested tests to consider", "Heading2"))
        rows = [
            [para(t["name"]), para("; ".join(t["reasons"])), para("✓" * t["first_line"])]
            for t in content["suggested_tests"]
        ]
        story.append(Table(rows, colWidths=[50 * mm, 110 * mm, 20 * mm], style=grid, repeatRows=0))
        story.append(para("Medications and supplements", "Heading2"))
        rows = [
            [para(m["name"]), para(m["dose"]), para(m["kind"] or "")]
            for m in content["medications"]
        ]
        story.append(Table(rows or [[""]], style=grid))
        story += [Spacer(1, 4 * mm), para(content["description"]), para(content["notice"])]
        doc = SimpleDocTemplate(io.BytesIO(), pagesize=A4)
        doc.build(story, onFirstPage=header, onLaterPages=header)
        return doc.page

    return render


@dataclasses.dataclass
class PdfFigures:
    """Times in ms, memory in MiB."""

    import_ms: float
    warm_up_ms: float
    pages: int
    typical_ms: list[float]
    long_pages: int
    long_ms: list[float]
    rss_start: float
    rss_at_20: float | None
    rss_at_end: float
    reportlab_pages: int | None = None
    reportlab_ms: list[float] = dataclasses.field(default_factory=list)
    reportlab_long_pages: int | None = None
    reportlab_long_ms: list[float] = dataclasses.field(default_factory=list)

    @property
    def long_ms_per_page(self) -> float:
        return statistics.median(self.long_ms) / self.long_pages

    @property
    def reportlab_long_ms_per_page(self) -> float | None:
        if not self.reportlab_long_ms or not self.reportlab_long_pages:
            return None
        return statistics.median(self.reportlab_long_ms) / self.reportlab_long_pages


def measure(renders: int = 200, long_renders: int = 10) -> PdfFigures:
    typical, long = typical_content(), typical_content(extra_medications=60)
    rss_start = rss_mib()
    warm_up_ms = timed(warm_up)
    pages = render_summary_pdf(typical).pages
    times: list[float] = []
    rss_at_20 = None
    for count in range(1, renders + 1):
        times.append(timed(lambda: render_summary_pdf(typical)))
        if count == 20:
            rss_at_20 = rss_mib()
    rss_at_end = rss_mib()
    figures = PdfFigures(
        import_ms=IMPORT_MS,
        warm_up_ms=warm_up_ms,
        pages=pages,
        typical_ms=times,
        long_pages=render_summary_pdf(long).pages,
        long_ms=[timed(lambda: render_summary_pdf(long)) for _ in range(long_renders)],
        rss_start=rss_start,
        rss_at_20=rss_at_20,
        rss_at_end=rss_at_end,
    )
    reportlab = reportlab_renderer()
    if reportlab is not None:
        reportlab(typical)  # its own warm-up
        figures.reportlab_ms = [timed(lambda: reportlab(typical)) for _ in range(min(renders, 50))]
        figures.reportlab_pages = reportlab(typical)
        figures.reportlab_long_ms = [timed(lambda: reportlab(long)) for _ in range(long_renders)]
        figures.reportlab_long_pages = reportlab(long)
    return figures


def markdown(figures: PdfFigures, renders: int) -> str:
    f = figures
    rows = [
        ("`import weasyprint`", f"{f.import_ms:.0f} ms"),
        ("first render in the process (`warm_up()`: fonts, caches)", f"{f.warm_up_ms:.0f} ms"),
        (
            f"typical summary ({f.pages} pages), median of {len(f.typical_ms)}",
            f"{statistics.median(f.typical_ms):.0f} ms",
        ),
        (
            f"typical summary ({f.pages} pages), p95 of {len(f.typical_ms)}",
            f"{p95(f.typical_ms):.0f} ms",
        ),
        (
            f"long summary (65 medications, {f.long_pages} pages), median",
            f"{statistics.median(f.long_ms):.0f} ms",
        ),
        ("long summary, per page", f"{f.long_ms_per_page:.0f} ms/page"),
        ("RSS before rendering", f"{f.rss_start:.0f} MiB"),
    ]
    if f.rss_at_20 is not None:
        rows.append(("RSS after 20 renders", f"{f.rss_at_20:.0f} MiB"))
    rows.append((f"RSS after {renders} renders", f"{f.rss_at_end:.0f} MiB"))
    if not f.reportlab_ms:
        rows.append(("ReportLab reference", "skipped (reportlab not installed)"))
    else:
        rows.append(
            (
                f"ReportLab, same typical content ({f.reportlab_pages} pages), median",
                f"{statistics.median(f.reportlab_ms):.1f} ms",
            )
        )
        rows.append(
            ("ReportLab, long summary, per page", f"{f.reportlab_long_ms_per_page:.1f} ms/page")
        )
    lines = [
        "# Pre-visit summary PDF benchmark\n",
        f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs; A4; one warm process.\n",
        "| measure | value |\n|---|---|",
        *(f"| {measure} | {value} |" for measure, value in rows),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--renders", type=int, default=200, help="typical renders (RSS at 20 and at the end)"
    )
    parser.add_argument("--long-renders", type=int, default=10, help="renders of the long summary")
    parser.add_argument("--json", action="store_true", help="the raw figures, for run_bench.py")
    args = parser.parse_args()
    figures = measure(args.renders, args.long_renders)
    if args.json:
        print(json.dumps(dataclasses.asdict(figures)))
    else:
        print(markdown(figures, args.renders))


if __name__ == "__main__":
    main()

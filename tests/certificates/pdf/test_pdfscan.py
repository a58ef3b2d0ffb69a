"""Rendering an uploaded page is bounded: absurd page boxes are refused, the pixel budget is fixed, and the
renderer child runs under memory and CPU limits (issue 14 §3). Time is measured in benchmarks, not here."""

from __future__ import annotations

import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from certificates.pdf.scan import RenderLimits, render_page, scan_printed_qr
from tests.certificates.pdf.pdf_world import World, huge_page
from tests.certificates.pdf.test_pdf import POPPLER

REPO = Path(__file__).resolve().parents[3]
MB = 1024 * 1024


def costly_page(paths: int = 200_000) -> bytes:
    """An A4 page of `paths` long strokes: ~20 KB on disk, minutes of rasterising without a limit."""
    content = zlib.compress(b"0 0 m 595 842 l 10 0 l 300 800 l S\n" * paths, 6)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def test_an_absurd_page_box_is_refused_before_rendering(world: World) -> None:
    # No renderer is even looked for: the box alone decides.
    scanned = scan_printed_qr(huge_page(world.pdf), page_size_mm=(5000.0, 5000.0), pdftoppm="/nonexistent")
    assert scanned.text is None
    assert scanned.reason == "the page is 5000 × 5000 mm, not a certificate page; it was not rendered"
    tiny = scan_printed_qr(world.pdf, page_size_mm=(10.0, 10.0), pdftoppm="/nonexistent")
    assert tiny.text is None and "not rendered" in tiny.reason


@POPPLER
def test_a_5_metre_page_renders_at_the_fixed_pixel_budget_in_a_small_child(
    world: World, tmp_path: Path
) -> None:
    """Even rendered (the box check bypassed), the 5 m × 5 m page costs the child a few MB: -scale-to
    fixes the bitmap, whatever the page claims. Peak RSS of the child, measured in a fresh process."""
    (tmp_path / "huge.pdf").write_bytes(huge_page(world.pdf))
    script = (
        "import resource, shutil, sys, tempfile; from pathlib import Path\n"
        "from certificates.pdf.scan import RenderLimits, render_page\n"
        "with tempfile.TemporaryDirectory() as folder:\n"
        "    image, reason = render_page(Path(sys.argv[1]).read_bytes(), Path(folder),\n"
        "                                pdftoppm=shutil.which('pdftoppm'), limits=RenderLimits())\n"
        "print(len(image or b''), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "huge.pdf")], cwd=REPO,
                            capture_output=True, text=True, check=True, timeout=120)  # fmt: skip
    size, peak_kib = map(int, result.stdout.split())
    assert 0 < size <= 2000 * 2000 + 64  # the pixel budget, not 29,528 × 29,528 at 150 dpi
    assert peak_kib * 1024 < 200 * MB, f"pdftoppm peaked at {peak_kib / 1024:.0f} MB"


@POPPLER
def test_a_page_too_costly_to_render_is_stopped_by_the_cpu_limit(tmp_path: Path) -> None:
    image, reason = render_page(costly_page(), tmp_path, pdftoppm="pdftoppm",
                                limits=RenderLimits(cpu_seconds=1, wall_seconds=30))  # fmt: skip
    assert image is None
    assert reason == "rendering the page exceeded its resource limits and was stopped (SIGKILL)"


@POPPLER
def test_the_memory_limit_applies_to_the_renderer(world: World, tmp_path: Path) -> None:
    image, reason = render_page(world.pdf, tmp_path, pdftoppm="pdftoppm",
                                limits=RenderLimits(memory_bytes=4 * MB))  # fmt: skip
    assert image is None and reason
    fine, _ = render_page(world.pdf, tmp_path, pdftoppm="pdftoppm", limits=RenderLimits())
    assert fine is not None and fine.startswith(b"P5")

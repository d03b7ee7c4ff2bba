"""Reader throughput over the developer corpus, and the PDF libraries side by side.

usage: python benchmarks/read.py [--corpus ../shared/corpus] [--repeat 3] [--libs pypdfium2,pypdf,pdfminer]

Part 1 reads every file of the corpus manifest with ``unmask.documents.read`` and
prints, per format, MB/s and (for PDFs) pages/s; each file counts with the best of
``--repeat`` runs. Part 2 runs pypdfium2, pypdf and pdfminer.six on the same PDFs
in one run (one pass each) and prints speed and text-quality proxies:

- ``chars``: characters of text extracted;
- ``hashes``: MD5/SHA-1/SHA-256 hex strings found (IOC recall: a hash broken by a
  bad line or column join is lost);
- ``glued``: alphabetic tokens longer than 20 letters per 10,000 tokens (words run
  together because spaces were lost — lower is better).

pdfminer.six is not a dependency of unmask; ``pip install pdfminer.six`` to include it.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import re
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
MB = 1024 * 1024

_HASH = re.compile(r"\b(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{40}|[0-9a-fA-F]{32})\b")
_ALPHA = re.compile(r"[A-Za-z]+")


@dataclass
class Row:
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    pages: int = 0
    chars: int = 0
    errors: list[str] = field(default_factory=list)


def _entries(corpus: Path) -> list[dict[str, object]]:
    manifest = corpus / "manifest.jsonl"
    if not manifest.exists():
        sys.exit(f"no manifest at {manifest}; pass --corpus")
    return [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line.strip()]


def bench_readers(corpus: Path, repeat: int) -> dict[str, Row]:
    from unmask.documents import read
    from unmask.errors import DocumentError

    rows: dict[str, Row] = defaultdict(Row)
    for entry in _entries(corpus):
        path = corpus / str(entry["file"])
        data = path.read_bytes()
        row = rows[str(entry["format"])]
        best = float("inf")
        doc = None
        error = None
        for _ in range(repeat):
            started = time.perf_counter()
            try:
                doc = read(path)
            except DocumentError as exc:
                error = f"{path.name}: {type(exc).__name__}"
            best = min(best, time.perf_counter() - started)
        row.files += 1
        row.bytes += len(data)
        row.seconds += best
        if doc is not None:
            row.pages += len(doc.pages)
            row.chars += len(doc.text)
        if error:
            row.errors.append(error)
    return dict(rows)


def _pypdfium2(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return out
    finally:
        pdf.close()


def _pypdf(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _pdfminer(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    return ["".join(el.get_text() for el in layout if isinstance(el, LTTextContainer))
            for layout in extract_pages(io.BytesIO(data))]


LIBS: dict[str, tuple[str, Callable[[bytes], list[str]]]] = {
    "pypdfium2": ("pypdfium2", _pypdfium2),
    "pypdf": ("pypdf", _pypdf),
    "pdfminer": ("pdfminer", _pdfminer),
}


@dataclass
class LibRow:
    seconds: float = 0.0
    bytes: int = 0
    pages: int = 0
    chars: int = 0
    hashes: int = 0
    tokens: int = 0
    glued: int = 0
    failures: list[str] = field(default_factory=list)


def bench_pdf_libs(corpus: Path, libs: list[str]) -> dict[str, LibRow | str]:
    pdfs = [corpus / str(e["file"]) for e in _entries(corpus) if e["format"] == "pdf"]
    files = [(p.name, p.read_bytes()) for p in pdfs]
    results: dict[str, LibRow | str] = {}
    for name in libs:
        module, extract = LIBS[name]
        try:
            __import__(module)
        except ImportError:
            results[name] = "not installed"
            continue
        row = LibRow()
        for filename, data in files:
            started = time.perf_counter()
            try:
                pages = extract(data)
            except Exception as exc:  # a benchmark reports any library failure
                row.failures.append(f"{filename}: {type(exc).__name__}")
                continue
            row.seconds += time.perf_counter() - started
            row.bytes += len(data)
            text = "\n".join(pages)
            tokens = _ALPHA.findall(text)
            row.pages += len(pages)
            row.chars += len(text)
            row.hashes += len(_HASH.findall(text))
            row.tokens += len(tokens)
            row.glued += sum(1 for t in tokens if len(t) > 20)
        results[name] = row
    return results


def _rate(amount: float, seconds: float) -> str:
    return f"{amount / seconds:,.1f}" if seconds > 0 else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="runs per file for part 1 (best counts)")
    parser.add_argument("--libs", default="pypdfium2,pypdf,pdfminer",
                        help="PDF libraries for part 2, comma-separated ('' to skip)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # pypdf and pdfminer.six are chatty about odd fonts
    warnings.simplefilter("ignore")

    rows = bench_readers(args.corpus, args.repeat)
    print(f"Readers (unmask.documents.read), corpus {args.corpus}, best of {args.repeat}")
    print(f"{'format':<10} {'files':>5} {'MB':>7} {'seconds':>8} {'MB/s':>7} {'pages':>6} {'pages/s':>8}  errors")
    total = Row()
    for fmt in sorted(rows):
        row = rows[fmt]
        total.files += row.files
        total.bytes += row.bytes
        total.seconds += row.seconds
        total.pages += row.pages
        pages_rate = _rate(row.pages, row.seconds) if row.pages else "-"
        print(f"{fmt:<10} {row.files:>5} {row.bytes / MB:>7.2f} {row.seconds:>8.3f} "
              f"{_rate(row.bytes / MB, row.seconds):>7} {row.pages or '-':>6} {pages_rate:>8}  "
              f"{', '.join(row.errors) or '-'}")
    print(f"{'all':<10} {total.files:>5} {total.bytes / MB:>7.2f} {total.seconds:>8.3f} "
          f"{_rate(total.bytes / MB, total.seconds):>7} {total.pages:>6} {_rate(total.pages, total.seconds):>8}")

    libs = [name.strip() for name in args.libs.split(",") if name.strip()]
    if not libs:
        return
    print()
    print("PDF libraries on the same files (one pass each)")
    print(f"{'library':<10} {'seconds':>8} {'MB/s':>7} {'pages':>6} {'pages/s':>8} {'chars':>9} "
          f"{'hashes':>7} {'glued/10k':>9}  failures")
    for name, result in bench_pdf_libs(args.corpus, libs).items():
        if isinstance(result, str):
            print(f"{name:<10} {result}")
            continue
        glued = f"{10_000 * result.glued / result.tokens:.1f}" if result.tokens else "-"
        print(f"{name:<10} {result.seconds:>8.2f} {_rate(result.bytes / MB, result.seconds):>7} "
              f"{result.pages:>6} {_rate(result.pages, result.seconds):>8} {result.chars:>9,} "
              f"{result.hashes:>7} {glued:>9}  {', '.join(result.failures) or '-'}")


if __name__ == "__main__":
    main()

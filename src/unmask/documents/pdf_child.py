"""PDFium in a child process with a memory and a time limit.

PDFium cannot be bounded from inside a process: a content stream that inflates to
gigabytes makes it allocate until an allocation fails, and then it aborts the whole
process (SIGABRT: ``unmask ingest`` lost its batch with no message). So each PDF is
read in a short-lived child with its address space capped (``RLIMIT_AS``,
:func:`~unmask.documents.limits.pdf_memory_bytes`) and a time limit
(:func:`~unmask.documents.limits.pdf_seconds`); a child that dies or runs out of time
becomes a :class:`~unmask.errors.DocumentError` naming the limit. The page and
character budgets are checked inside the child, page by page, before a page's text is
copied out.

The children are forked by one helper process per unmask process (``python -m
unmask.documents.pdf_child``, started on the first PDF, with pypdfium2 loaded once): it
is single-threaded, so forking it is safe even when the caller runs threads (the web
server), and it imports nothing of the caller's main module. The helper and its
children die with their parent (``PR_SET_PDEATHSIG`` on Linux). Requests and answers
are length-prefixed pickles over the helper's standard input and output.

Where ``fork`` does not exist (Windows), or with ``UNMASK_PDF_IN_PROCESS=1``, PDFs are
read in this process with the page and character budgets only.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO, Any

from unmask.errors import DocumentError, EncryptedDocumentError, TooLargeError

__all__ = ["PdfLimits", "PdfPages", "read_pdf_pages"]

_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
_PR_SET_PDEATHSIG = 1
_HEADER = struct.Struct("!Q")
_HELPER_LOCK = threading.Lock()
_HELPER: subprocess.Popen[bytes] | None = None


@dataclass(frozen=True, slots=True)
class PdfLimits:
    """Budgets for reading one PDF (see :mod:`unmask.documents.limits`)."""

    max_pages: int
    max_chars: int
    memory_bytes: int
    seconds: int


@dataclass(frozen=True, slots=True)
class PdfPages:
    """What PDFium gave: each page's cleaned text, the pages it could not load, the
    document information dictionary."""

    texts: list[str]
    unreadable: list[int]
    info: dict[str, str]


def read_pdf_pages(data: bytes, *, source: str, limits: PdfLimits) -> PdfPages:
    """The pages of the PDF ``data``, read within ``limits`` (in a child process where
    the platform allows)."""
    if os.environ.get("UNMASK_PDF_IN_PROCESS") == "1" or not hasattr(os, "fork"):
        return _raise_for(_extract(data, limits), source, limits)
    with _HELPER_LOCK:
        outcome = _ask_helper(data, limits)
    return _raise_for(outcome, source, limits)


def _ask_helper(data: bytes, limits: PdfLimits) -> tuple[Any, ...]:
    global _HELPER
    for attempt in range(2):
        helper = _HELPER
        if helper is None or helper.poll() is not None:
            if helper is not None:
                _close(helper)
            else:
                atexit.register(_stop_helper)
            helper = _HELPER = subprocess.Popen(
                [sys.executable, "-m", "unmask.documents.pdf_child", str(os.getpid())],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True)
        assert helper.stdin is not None and helper.stdout is not None
        try:
            _send(helper.stdin, (data, limits))
            answer = _receive(helper.stdout, timeout=limits.seconds + 30)
        except (OSError, EOFError):
            answer = None
        if answer is not None:
            return tuple(answer)
        helper.kill()  # broken or stuck: start a fresh one
        _close(helper)
        _HELPER = None
        if attempt:
            break
    return ("unreadable", "the PDF reader process failed")


def _close(helper: subprocess.Popen[bytes]) -> None:
    for stream in (helper.stdin, helper.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    try:
        helper.wait(5)
    except subprocess.TimeoutExpired:
        helper.kill()
        helper.wait()


def _stop_helper() -> None:
    """At exit: the helper sees its input close and ends."""
    global _HELPER
    with _HELPER_LOCK:
        if _HELPER is not None:
            _close(_HELPER)
            _HELPER = None


def _send(stream: IO[bytes], value: Any) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _receive(stream: IO[bytes], *, timeout: float | None = None) -> Any:
    fd = stream.fileno()
    deadline = None if timeout is None else time.monotonic() + timeout

    def read(size: int) -> bytes:
        parts: list[bytes] = []
        while size:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    raise EOFError("no answer in time")
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                raise EOFError("closed")
            parts.append(chunk)
            size -= len(chunk)
        return b"".join(parts)

    (length,) = _HEADER.unpack(read(_HEADER.size))
    return pickle.loads(read(length))  # noqa: S301 - our own child process


def _raise_for(outcome: tuple[Any, ...], source: str, limits: PdfLimits) -> PdfPages:
    kind = outcome[0]
    if kind == "ok":
        return PdfPages(outcome[1], outcome[2], outcome[3])
    if kind == "password":
        raise EncryptedDocumentError(
            source, "PDF is encrypted and needs a password",
            hint="decrypt it first, e.g. qpdf --decrypt --password=... in.pdf out.pdf")
    if kind == "pages":
        raise TooLargeError(source, f"PDF has {outcome[1]:,} pages, over the "
                            f"{limits.max_pages:,}-page limit",
                            hint="raise it with UNMASK_MAX_PAGES")
    if kind == "chars":
        raise TooLargeError(source, f"PDF text is over the {limits.max_chars:,}-character "
                            f"limit by page {outcome[1]:,}",
                            hint="raise it with UNMASK_MAX_CHARS")
    if kind == "timeout":
        raise DocumentError(source, f"PDF took more than {limits.seconds} s to read",
                            hint="raise the limit with UNMASK_PDF_SECONDS if the file is trusted")
    if kind == "died":
        raise DocumentError(
            source, f"PDF could not be read within {limits.memory_bytes >> 20} MB of memory "
            f"(the reader ended with {outcome[1]}; a decompression bomb?)",
            hint="raise the limit with UNMASK_PDF_MEMORY_MB if the file is trusted")
    raise DocumentError(source, f"is not a readable PDF ({outcome[1]})")


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def _serve(parent: int) -> None:
    """The helper: one request at a time, each read in a forked, capped child."""
    _die_with_parent()
    if os.getppid() != parent:
        return
    import pypdfium2  # noqa: F401 - loaded once, shared by every fork

    import unmask.documents.pdf  # noqa: F401

    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            data, limits = _receive(requests)
        except EOFError:
            return
        _send(answers, _read_in_child(data, limits))


def _read_in_child(data: bytes, limits: PdfLimits) -> tuple[Any, ...]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: capped, reads, answers, exits
        os.close(read_end)
        code = 0
        try:
            import resource

            _die_with_parent()
            resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
            cpu = limits.seconds + 1
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            with os.fdopen(write_end, "wb") as out:
                _send(out, _extract(data, limits))
        except BaseException:  # noqa: BLE001 - a child must never return into the server
            code = 3
        os._exit(code)
    os.close(write_end)
    outcome: tuple[Any, ...] = ()
    try:
        with os.fdopen(read_end, "rb") as answers:
            try:
                outcome = tuple(_receive(answers, timeout=limits.seconds))
            except EOFError:
                outcome = ()
    finally:
        with contextlib.suppress(ProcessLookupError):
            if not outcome:
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if outcome:
        return outcome
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGKILL, signal.SIGXCPU):
        return ("timeout",)
    if os.WIFSIGNALED(status):
        return ("died", f"signal {signal.Signals(os.WTERMSIG(status)).name}")
    return ("died", f"exit {os.WEXITSTATUS(status)}")


def _extract(data: bytes, limits: PdfLimits) -> tuple[Any, ...]:
    """Read the pages; the outcome as a tuple that pickles (no exception objects)."""
    import pypdfium2 as pdfium

    from unmask.documents.pdf import _page_text

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PASSWORD_ERROR:
            return ("password",)
        return ("unreadable", str(exc))
    try:
        count = len(pdf)
        if count > limits.max_pages:
            return ("pages", count)
        texts: list[str] = []
        unreadable: list[int] = []
        total = 0
        for index in range(count):
            try:
                page = pdf[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        if total + textpage.count_chars() > limits.max_chars:
                            return ("chars", index + 1)
                        text = _page_text(textpage.get_text_range())
                    finally:
                        textpage.close()
                finally:
                    page.close()
            except pdfium.PdfiumError:
                texts.append("")
                unreadable.append(index + 1)
                continue
            total += len(text)
            if total > limits.max_chars:
                return ("chars", index + 1)
            texts.append(text)
        try:
            info = dict(pdf.get_metadata_dict(skip_empty=True))
        except pdfium.PdfiumError:
            info = {}
        return ("ok", texts, unreadable, info)
    finally:
        pdf.close()


if __name__ == "__main__":
    _serve(int(sys.argv[1]))

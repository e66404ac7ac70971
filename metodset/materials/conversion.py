"""Files that a browser cannot show (presentations, old Word documents) turned into PDF.

LibreOffice does the conversion, headless, in the task worker. Where it is not installed
the page says so and offers the download; nothing else depends on it. Each run has a
profile directory of its own, so two workers can convert at the same time.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO, Final

from django.conf import settings

# Kinds (core.uploads codes) that are shown as PDF after conversion.
CONVERTIBLE_KINDS: Final = frozenset({"pptx", "ppt", "odp", "doc"})
SUFFIXES: Final = {"pptx": ".pptx", "ppt": ".ppt", "odp": ".odp", "doc": ".doc"}


class ConversionUnavailableError(Exception):
    """No office suite on this server: viewing falls back to the download."""


class ConversionFailedError(Exception):
    """The suite could not read the file (broken, protected, or it took too long)."""


def office_binary() -> str | None:
    """The LibreOffice program to run, or None when this server has none."""
    configured: str | None = settings.OFFICE_BINARY
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def is_available() -> bool:
    return office_binary() is not None


def to_pdf(source: IO[bytes], kind: str) -> bytes:
    """The PDF of a file of one of CONVERTIBLE_KINDS."""
    if kind not in CONVERTIBLE_KINDS:
        raise ValueError(f"Kind {kind!r} is not converted.")
    binary = office_binary()
    if binary is None:
        raise ConversionUnavailableError
    with tempfile.TemporaryDirectory(prefix="metodset-office-") as work:
        folder = Path(work)
        document = folder / f"document{SUFFIXES[kind]}"
        with document.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        command = [
            binary,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "out"),
            str(document),
        ]
        try:
            subprocess.run(  # noqa: S603 - a fixed program and argument list, no shell
                command,
                check=False,
                capture_output=True,
                timeout=settings.OFFICE_CONVERSION_TIMEOUT,
                cwd=folder,
            )
        except subprocess.TimeoutExpired as error:
            raise ConversionFailedError(
                f"conversion took longer than {settings.OFFICE_CONVERSION_TIMEOUT} s"
            ) from error
        except OSError as error:
            raise ConversionUnavailableError from error
        result = folder / "out" / "document.pdf"
        if not result.is_file() or result.stat().st_size == 0:
            raise ConversionFailedError("the office suite produced no PDF")
        return result.read_bytes()

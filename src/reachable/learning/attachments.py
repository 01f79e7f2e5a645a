"""What a practice example's file may be, judged by its content, and the text search reads
from it.

A file's name can say anything, so the type is decided by its first bytes and, for the office
formats (which are zip archives), by the archive's own declaration of what it holds; the name's
extension must then agree. Only the archive's list of names and its small ``mimetype`` member
are read, never the whole archive, so a zip bomb is not unpacked.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError

# extension: (content type, what a reader calls it)
KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint slides",
    ),
    "odp": ("application/vnd.oasis.opendocument.presentation", "OpenDocument slides"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
    "odt": ("application/vnd.oasis.opendocument.text", "OpenDocument text"),
}
ALLOWED = ", ".join(label for _, label in KINDS.values())
# The part each Office Open XML format must hold.
OOXML_PARTS = {"pptx": "ppt/presentation.xml", "docx": "word/document.xml"}
MAX_PAGES_READ = 200
MAX_TEXT = 200_000
SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    extension: str
    content_type: str
    content: bytes
    sha256: str
    text: str


def max_bytes() -> int:
    return int(settings.REACHABLE_LEARNING_ATTACHMENT_MAX_MB) * 1024 * 1024


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _kind_of(content: bytes) -> str | None:
    """The extension the content really has, or None for anything not allowed."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return next((ext for ext, (ctype, _) in KINDS.items() if ctype == declared), None)
            if "[Content_Types].xml" in names:
                return next((ext for ext, part in OOXML_PARTS.items() if part in names), None)
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        NotImplementedError,  # a compression method zipfile does not read
        RuntimeError,  # an encrypted member
        EOFError,
        zlib.error,
    ):
        return None
    return None


def pdf_text(content: bytes) -> str:
    """The text of a PDF's pages, for search; refuses one that cannot be read by everyone."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise _refuse(
                "The PDF is protected by a password, so not everyone could open it: save it "
                "without a password and upload it again."
            )
        parts: list[str] = []
        length = 0
        for page in reader.pages[:MAX_PAGES_READ]:
            piece = page.extract_text() or ""
            parts.append(piece)
            length += len(piece)
            if length >= MAX_TEXT:
                break
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise _refuse(
            "The PDF could not be read: it may be damaged. Save it as a PDF again and upload it."
        ) from exc
    # A NUL is refused by PostgreSQL's text columns; other control characters are noise.
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", "\n".join(parts))[:MAX_TEXT]


def safe_filename(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name
    cleaned = SAFE_NAME.sub("-", base).strip(" .-") or "attachment"
    stem, dot, ext = cleaned.rpartition(".")
    return (stem[: 110 - len(ext)] + dot + ext) if dot else cleaned[:110]


def file_check(name: str, content: bytes) -> CheckedFile:
    """Check an uploaded file's size and type; read a PDF's text. Raises ValidationError on
    ``file`` with what to do, so a form shows it beside the field."""
    limit_mb = settings.REACHABLE_LEARNING_ATTACHMENT_MAX_MB
    if not content:
        raise _refuse("The file is empty: choose the file again.")
    if len(content) > max_bytes():
        raise _refuse(
            f"The file is {len(content) / 1024 / 1024:.1f} MB: the limit is {limit_mb} MB. "
            "Make it smaller (for slides, save the pictures compressed) or link to it instead."
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    kind = _kind_of(content)
    if kind is None:
        raise _refuse(f"The file must be one of: {ALLOWED}. For a video, give its link instead.")
    if extension != kind:
        raise _refuse(
            f"The file's name ends .{extension or '(nothing)'} but it holds "
            f"{KINDS[kind][1]}: rename it to end .{kind} or choose the right file."
        )
    text = pdf_text(content) if kind == "pdf" else ""
    return CheckedFile(
        filename=safe_filename(name),
        extension=kind,
        content_type=KINDS[kind][0],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        text=text,
    )

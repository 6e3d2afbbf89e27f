"""What kind of file a workspace path names: how the editor shows it, how it is served."""

from __future__ import annotations

from pathlib import PurePosixPath

EDITOR_LANGUAGES = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "typescript",
}

# Not worth opening in a text editor (anything else is tried, and refused if not UTF-8).
BINARY_SUFFIXES = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".bmp",
        ".ico",
        ".svgz",
        ".pdf",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".tar",
        ".whl",
        ".so",
        ".pyc",
        ".npy",
        ".npz",
        ".pkl",
        ".pickle",
        ".parquet",
        ".feather",
        ".sqlite",
        ".db",
        ".mp3",
        ".mp4",
        ".wav",
        ".ogg",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".xlsx",
        ".docx",
    ]
)

# Raster images are safe to show inline; SVG is a document that can carry script, so it is
# only ever shown through <img> (which runs none) and served as a sandboxed attachment.
RASTER_IMAGES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
}
SVG = "image/svg+xml"


def suffix(path: str) -> str:
    return PurePosixPath(path).suffix.lower()


def editor_language(path: str) -> str | None:
    """The editor mode for `path` ("python", "javascript", "typescript", "text"), or None
    when it is not a text file."""
    ext = suffix(path)
    if ext in BINARY_SUFFIXES:
        return None
    return EDITOR_LANGUAGES.get(ext, "text")


def image_type(path: str) -> str | None:
    """The image content type to show `path` inline with (<img>), or None."""
    ext = suffix(path)
    return SVG if ext == ".svg" else RASTER_IMAGES.get(ext)


def is_csv(path: str) -> bool:
    """Whether `path` opens in the table view."""
    return suffix(path) == ".csv"

"""An input that could not be read: it becomes a dead letter, so nothing disappears silently."""

from __future__ import annotations

from typing import Literal

from transforms.errors import Failure, RejectedArticle
from transforms.models import Origin

# Every reason the read stage can give; the run report counts them.
READ_FAILURE_REASONS: frozenset[str] = frozenset(
    {
        "not_found",  # a path on the command line does not exist, or a file vanished before it was read
        "unreadable",  # permission denied or another OS error
        "unsupported_format",  # a suffix other than .txt/.html/.htm/.json/.jsonl/.ndjson (+ .gz), or not a file
        "broken_symlink",  # the link target does not exist
        "symlink_outside_input",  # a link leaving the input folder, and follow_symlinks is off
        "symlink_loop",  # a link to the folder that contains it, or a cycle of links
        "too_large",  # document > max_file_bytes, or a .gz inflating past max_decompressed_bytes
        "gzip_bomb",  # a .gz whose compression ratio exceeds max_compression_ratio
        "corrupt_archive",  # a .gz that is not gzip, or is truncated
        "empty_input",  # empty or whitespace-only content, or a JSONL file with no records
        "binary_content",  # NUL bytes or control characters: an image or archive under a text name
        "invalid_json",  # malformed JSON (one JSONL line, or a whole .json file)
        "line_too_long",  # a JSONL line longer than max_line_bytes
        "not_an_object",  # a JSON value that is not an object (e.g. an array)
        "missing_text",  # no body/text/content field
        "invalid_field",  # a known field with a value of the wrong type (e.g. a dict as title)
        "too_many_bad_lines",  # a JSONL file given up after max_consecutive_bad_lines failed records in a row
        "unexpected_error",  # a bug in the reader: reported, never fatal to the run
    }
)


class ReadFailure(Failure):
    """A failure of the read stage (one file, or one line of a JSONL file): the one failure type, with its stage
    fixed, so readers need not name it."""

    stage: Literal["read"] = "read"

    @classmethod
    def from_rejection(cls, origin: Origin, rejection: RejectedArticle) -> ReadFailure:
        return cls(origin=origin, reason=rejection.reason, detail=rejection.detail)

"""What the ``hub`` command writes to a terminal: never raw control characters, quiet on a closed pipe.

Package data (names, messages quoting a file, problem texts) is untrusted and reaches almost
every line the CLI prints. Escaping at the stream rather than at each ``print`` covers every
command, including those other modules register, and the ones still to come.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from typing import Any, TextIO

# C0 controls except tab and newline, a carriage return not ending a CRLF line (CSV output
# uses CRLF), DEL, C1 controls, and the Unicode characters that reorder or break lines
# (bidi overrides and isolates, line and paragraph separators): each can forge or hide output.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)")

EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a program ended by SIGPIPE (`yes | head`)


def escape_controls(text: str) -> str:
    r"""``text`` with every dangerous control character written as a visible ``\uXXXX`` escape.

    ``\uXXXX`` rather than ``\xXX``: in JSON output the escape is the same character again.
    """
    return _CONTROLS.sub(lambda m: "".join(f"\\u{ord(ch):04x}" for ch in m.group()), text)


class EscapingStream:
    """A text stream that escapes control characters before they reach the wrapped stream."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape_controls(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding, buffer …
        return getattr(self._stream, name)


@contextlib.contextmanager
def safe_output() -> Iterator[None]:
    """Escape control characters in everything written to stdout and stderr meanwhile."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(out), EscapingStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null, so the interpreter's last flush is quiet too."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)

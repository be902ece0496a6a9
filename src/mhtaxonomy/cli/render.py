"""Terminal layout for the command line: wrapped to the terminal's width, safe to print.

Measured rather than assumed (see the changelog): importing ``rich`` costs about
as much start-up time as ``attrs`` and ``cattrs`` together, more than the whole
budget the command line has over them, so the layout here is the standard
library's :mod:`textwrap`. Every piece of text from the data passes through
:func:`clean`, so a data file cannot send control sequences to the terminal.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import argparse

__all__ = ["Page", "clean", "colour_wanted", "help_formatter", "terminal_width"]

#: Characters that would move the cursor, change colours or reorder text: C0 and C1 controls,
#: zero-width and bidirectional formatting marks.
#: (A pattern, compiled on first use: most text is printable and never needs it.)
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
_NARROWEST = 20
#: Text textwrap leaves as it is when it fits: no whitespace but inner spaces (and, checked too, no
#: other whitespace at the end).
_ONE_LINE = re.compile(r"[^\t\n\x0b\x0c\r ](?:[^\t\n\x0b\x0c\r]*[^\t\n\x0b\x0c\r ])?\Z")


#: The characters textwrap counts as whitespace (its ``_whitespace``).
_TEXTWRAP_SPACE = frozenset("\t\n\x0b\x0c\r ")


def _simple_wrap(text: str, width: int, first: str, rest: str) -> list[str] | None:
    """What ``textwrap`` (not breaking on hyphens) gives words apart by spaces, none too long; else ``None``.

    Importing :mod:`textwrap` compiles its patterns, which costs a command a few
    milliseconds; most lines that need wrapping are plain words, and filling greedily
    is then exactly what textwrap does: a run of spaces stays inside a line and goes
    at its end. Anything else (spaces at either end, tabs or line breaks, a word or a
    run of spaces longer than a line, a word of other blanks, which textwrap drops at
    the ends of lines) is left to textwrap itself.
    """
    tokens = text.split(" ")
    room = width - max(len(first), len(rest))
    if room < 1 or not tokens[0] or not tokens[-1]:
        return None
    pieces: list[tuple[int, str]] = []  # (spaces before, word)
    gap = 0
    for token in tokens:
        if not token:
            gap += 1
            continue
        if token.isspace() or len(token) > room or gap >= room or not _TEXTWRAP_SPACE.isdisjoint(token):
            return None
        pieces.append((gap, token))
        gap = 1
    lines: list[str] = []
    line, used = [pieces[0][1]], len(first) + len(pieces[0][1])
    for gap, word in pieces[1:]:
        if used + gap + len(word) <= width:
            line.append(" " * gap + word)
            used += gap + len(word)
        else:
            lines.append((rest if lines else first) + "".join(line))
            line, used = [word], len(rest) + len(word)
    lines.append((rest if lines else first) + "".join(line))
    return lines


def clean(text: str) -> str:
    r"""``text`` with every terminal control character written as an escape.

    >>> clean("LCSW\x1b[2J")
    'LCSW\\x1b[2J'
    >>> clean("plain text")
    'plain text'
    """
    if text.isprintable():  # every character _UNSAFE matches is unprintable: most text needs no look
        return text
    return re.sub(_UNSAFE, lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def terminal_width() -> int:
    """The columns to fit: ``COLUMNS`` if set, the terminal's width, or 80 when not a terminal.

    What :func:`shutil.get_terminal_size` answers, without importing :mod:`shutil` (and
    the compression modules it imports), which would cost the command line more than
    answering most questions.
    """
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return max(columns or 80, _NARROWEST)


def help_formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's help formatter at :func:`terminal_width` (its default would import :mod:`shutil`)."""
    import argparse

    return argparse.HelpFormatter(prog, width=terminal_width() - 2)


def colour_wanted(stream: TextIO) -> bool:
    """Colour only on a terminal, and never with ``NO_COLOR`` set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


class Page:
    """Lines of output built up by a command, each wrapped to ``width`` columns.

    >>> page = Page(width=24)
    >>> page.heading("who can provide Psychotherapy")
    >>> page.items("only", ["Alpha", "Beta", "Gamma", "Delta"], indent=2, limit=2)
    >>> print(page)
    who can provide
      Psychotherapy
      only: Alpha; Beta ...
        and 2 more
    """

    def __init__(self, width: int | None = None, colour: bool = False) -> None:
        self.width = width if width is not None else terminal_width()
        self._colour = colour
        self._lines: list[str] = []

    def _wrap(self, text: str, indent: int, hang: int) -> list[str]:
        text = clean(text)
        if indent + len(text) <= self.width and _ONE_LINE.match(text) and text.rstrip() == text:
            return [" " * indent + text]  # what textwrap gives a line that fits, without importing it
        first, rest = " " * indent, " " * min(indent + hang, self.width // 2)
        simple = _simple_wrap(text, self.width, first, rest)
        if simple is not None:
            return simple
        import textwrap

        wrapper = textwrap.TextWrapper(width=self.width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)
        return wrapper.wrap(text) or [""]

    def line(self, text: str, indent: int = 0, hang: int = 2) -> None:
        """One line of text, wrapped; continuation lines indented ``hang`` more."""
        self._lines.extend(self._wrap(text, indent, hang))

    def heading(self, text: str) -> None:
        """A heading (bold on a colour terminal)."""
        lines = self._wrap(text, 0, 2)
        self._lines.extend(f"\033[1m{line}\033[0m" if self._colour else line for line in lines)

    def blank(self) -> None:
        """An empty line."""
        self._lines.append("")

    def items(self, label: str, items: Sequence[str], indent: int = 0, limit: int | None = None) -> None:
        """``label: a; b; c``, wrapped, cut to ``limit`` items and "... and N more".

        Items are separated by semicolons: names may contain commas.
        """
        shown = list(items if limit is None else items[:limit])
        rest = len(items) - len(shown)
        text = "; ".join(shown) + (f" ... and {rest} more" if rest else "")
        self.line(f"{label}: {text or '-'}" if label else text, indent, hang=2)

    @property
    def lines(self) -> tuple[str, ...]:
        """The lines so far."""
        return tuple(self._lines)

    def __str__(self) -> str:
        return "\n".join(self._lines)

    def write(self, stream: TextIO | None = None) -> None:
        """Print the page to ``stream`` (default: standard output)."""
        if self._lines:
            print(self, file=stream or sys.stdout)

"""Text from users' files, made harmless wherever it is shown.

Names, codes and messages come from files anyone can write. Shown raw, a name could move a
terminal's cursor, break an XML report, become a spreadsheet formula, or turn into a heading, an
image or a link in the explorer's Markdown. Each output has one function here, and every writer
of that output calls it; the model refuses control characters on the way in
(`refuse_control_characters`), so these are a second line, not the only one.

>>> one_line("NHS Somewhere\\x1b[2J\\nCCG")
'NHS Somewhere[2J CCG'
>>> csv_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> print(markdown("# ![x](http://evil/a.png)").replace("\\u200b", "|"))
\\# \\!\\[x\\]\\(http\\:|//evil/a\\.png\\)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

__all__ = [
    "CONTROL",
    "csv_cell",
    "csv_table",
    "markdown",
    "markdown_link",
    "one_line",
    "printable",
    "refuse_control_characters",
    "xml_text",
]

# C0 controls but tab, newline and carriage return; DEL; C1 controls (ESC-like in some terminals);
# bidirectional overrides and isolates, which reorder what a reader sees ("Trojan Source").
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\t\r\n\u2028\u2029]+")
# Not allowed anywhere in an XML 1.0 document, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=^&])")


def refuse_control_characters(value: str) -> str:
    """Raise ValueError if `value` holds a control character (a pydantic validator's body).

    >>> refuse_control_characters("NHS Medway")
    'NHS Medway'
    >>> refuse_control_characters("a\\x00b")
    Traceback (most recent call last):
    ...
    ValueError: contains the control character U+0000
    """
    found = CONTROL.search(value)
    if found:
        raise ValueError(f"contains the control character U+{ord(found.group()):04X}")
    return value


def printable(text: object) -> str:
    """`text` without control characters (terminal escapes among them); line breaks kept."""
    return CONTROL.sub("", str(text))


def one_line(text: object) -> str:
    """`text` for one line of a terminal table: no control characters, breaks become spaces."""
    return _LINE_BREAKS.sub(" ", printable(text))


def xml_text(text: object) -> str:
    """`text` without what XML 1.0 forbids (ElementTree escapes the rest) nor terminal escapes."""
    return _NOT_XML.sub("", printable(text))


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will not run: text starting like a formula gets a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header and rows as CSV text (no final newline), each cell as `csv_cell` makes it and
    None left blank.

    >>> print(csv_table(["code", "n"], [["=1+1", 2], ["X", None]]))
    code,n
    '=1+1,2
    X,
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([csv_cell("" if v is None else str(v)) for v in row] for row in rows)
    return out.getvalue().rstrip("\n")


def markdown(text: object) -> str:
    """`text` shown literally in Markdown: no headings, links, images, emphasis or directives.

    Escaping is not enough for what the page's renderer finds in plain text after parsing: bare
    web and e-mail addresses (GFM autolinks) and `:material/...:` icons or `:emoji:` codes. A
    zero-width space after each `:`, `@` and `www` breaks those patterns without changing what
    is seen.

    >>> print(markdown("NHS :material/lock: https://x.example www.y.example a@b.example").replace("\u200b", "|"))
    NHS \\:|material/lock\\:| https\\:|//x\\.example www|\\.y\\.example a@|b\\.example
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text))
    return _AUTOLINKED.sub(lambda m: m.group(0) + "\u200b", escaped)


_AUTOLINKED = re.compile(r"\\:|@|(?<![\w])www(?=\\\.)", re.I)


def markdown_link(label: str, url: object) -> str:
    """A link to `url` when it is a plain web address, else the address shown as text: the one
    place a link reaches the page from data (a published fact's source).

    >>> markdown_link("source", "https://www.england.nhs.uk/2013/01/ccg-authorisation/")
    '[source](<https://www.england.nhs.uk/2013/01/ccg-authorisation/>)'
    >>> markdown_link("source", "javascript:alert(1)") == markdown("javascript:alert(1)")
    True
    """
    text = str(url)
    if re.fullmatch(r"https?://[^\s<>()\[\]\\`\x00-\x1f]{1,2000}", text):
        return f"[{markdown(label)}](<{text}>)"
    return markdown(text)

"""What free text people type may hold: no control characters, no hidden line breaks.

Such text ends up in files other programs parse (a project's trac.ini), in mail headers
and in logs, where a carriage return or a line separator starts a new line of the
reader's choosing. Single-line fields refuse every control character; multi-line ones
keep newlines and tabs only.
"""
import unicodedata

# Control characters (\r, \n, \v, \f, \x1c-\x1e and \x85 among them), and the line and
# paragraph separators: each ends a line for some reader. Lone surrogates cannot even be
# written as UTF-8.
_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp", "Cs"})
MULTILINE_ALLOWED = frozenset("\n\t")


class FreeTextError(ValueError):
    """Text that cannot be taken; the message is safe to show."""


def has_control_characters(text: str, allowed: frozenset[str] = frozenset()) -> bool:
    return any(unicodedata.category(c) in _LINE_BREAKING and c not in allowed
               for c in text)


def check_single_line(text: str, what: str) -> str:
    """`text` unchanged; FreeTextError names `what` if it holds a control character."""
    if has_control_characters(text):
        raise FreeTextError(f"{what} must be one line, without control characters.")
    return text


def check_multiline(text: str, what: str) -> str:
    """`text` with Windows line ends made plain; FreeTextError if it holds any other
    control character."""
    text = text.replace("\r\n", "\n")
    if has_control_characters(text, MULTILINE_ALLOWED):
        raise FreeTextError(f"{what} may not contain control characters.")
    return text

"""Output encoding: text from codebooks, config files, parameters or the command line, made safe
for the context it is printed in (HTML, Markdown), and HTML fragments sanitized before publishing.

Escaping is the first line (the text shows as typed); :func:`sanitize_fragment` is the second
(whatever HTML a notebook output holds, only inert markup survives); the pages' Content-Security-
Policy (:data:`CONTENT_SECURITY_POLICY`) is the third (a slip still cannot run or fetch anything).
Rules follow the OWASP XSS Prevention Cheat Sheet (rules 1-2: entity-encode in element content and
quoted attributes) and CommonMark 0.31 §2.4 (a backslash makes any ASCII punctuation literal).
"""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "escape_markdown_text",
    "html_escape",
    "safe_href",
    "sanitize_fragment",
]

#: No script, no network, no frames, no forms: pages embed their images (``data:``) and styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "script-src 'none'; object-src 'none'; frame-src 'none'; connect-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)

_HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
# Every other ASCII punctuation character CommonMark lets a backslash escape.
_MARKDOWN_PUNCTUATION = set("\\`*_{}[]()#+-.!|~=:$")


def html_escape(value: Any) -> str:
    """``value`` as text for HTML element content or a quoted attribute (``& < > " '``)."""
    return html.escape("" if value is None else str(value), quote=True)


def escape_markdown_text(value: Any) -> str:
    """``value`` as literal text inside Markdown: shows as typed, starts no markup or HTML.

    HTML-significant characters become entities (Markdown passes entities through), other ASCII
    punctuation is backslash-escaped, and line breaks become spaces so a value cannot open a new
    block (a heading, a list, a raw HTML block).
    """
    text = "" if value is None else str(value)
    out = []
    for char in re.sub(r"[\r\n\t\f\v]+", " ", text):
        if char in _HTML_ENTITIES:
            out.append(_HTML_ENTITIES[char])
        elif char in _MARKDOWN_PUNCTUATION:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


# Markup a reader's page needs from notebook outputs (tables, figures, text); nothing active.
_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul",
})
_COMMON = ("class", "id", "title", "lang", "dir", "role", "aria-label", "aria-describedby")
_SAFE_HREF = re.compile(r"^(?:https?:|mailto:|#|[^:/?#]+(?:[/?#]|$)|\.{0,2}/)", re.I)
_SAFE_IMG = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.I)


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    if name in _COMMON:
        return True
    if tag == "a" and name == "href":
        return bool(_SAFE_HREF.match(value.strip()))
    if tag == "img":
        if name == "src":
            return bool(_SAFE_IMG.match(value.strip()))
        return name in {"alt", "width", "height"}
    if tag in {"td", "th"}:
        return name in {"colspan", "rowspan", "scope", "headers"}
    if tag in {"col", "colgroup"}:
        return name == "span"
    if tag == "details":
        return name == "open"
    if tag == "table":
        return name == "border"
    if tag == "div" and name == "tabindex":  # a table's scroll box, reachable by keyboard
        return value.strip() in {"0", "-1"}
    return False


def safe_href(value: Any) -> str:
    """A link target for ``href``: relative, in-page, http(s) or mailto; anything else (such as
    ``javascript:``) becomes ``#``. Escape the result for the attribute as usual."""
    text = "" if value is None else str(value).strip()
    return text if _SAFE_HREF.match(text) else "#"


_SRCLESS_IMG = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>", re.I)


def sanitize_fragment(fragment: Any) -> str:
    """An HTML fragment with every script, event handler, style, frame, form and non-``data:``
    image removed (bleach's html5lib parser, so malformed markup is parsed as a browser would)."""
    import bleach

    text = fragment.decode() if isinstance(fragment, bytes) else str(fragment or "")
    cleaned = bleach.clean(text, tags=_TAGS, attributes=_attribute_allowed,
                           protocols={"http", "https", "mailto", "data"}, strip=True,
                           strip_comments=True)
    return _SRCLESS_IMG.sub("", cleaned)  # an image whose source was refused shows nothing

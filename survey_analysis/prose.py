"""Prose written in the notebook, with its numbers and comparative words bound to results.

A notebook cell starting with ``%%prose`` (after ``%load_ext survey_analysis``) is a Jinja
template filled from the kernel's variables and shown as Markdown, so an analyst edits the
sentence and the page shows it with this wave's numbers::

    %%prose
    Of the {{ a.n | count }} respondents who {{ a.base_label }}, {{ split.either | value_ci }}
    use TensorFlow or PyTorch. TensorFlow users run ML in production
    {{ compare(profiles.production.difference, "TensorFlow users", "PyTorch users") }}.

A result printed as ``{{ r }}`` reads "43.0% (95% CI 41.2–44.8%; n = 2,910)"; filters ``value``,
``ci``, ``base``, ``value_ci``, ``verdict`` and the helpers of :mod:`survey_analysis.phrases`
(``compare``, ``times``, ``change``) give the parts. Strings from data are escaped.

**The build fails on an unsupported claim** (:class:`UnsupportedClaim`): a sentence whose own
words (not those of a phrase helper) claim a difference ("more", "fewer", "higher", "rose", ...)
while it quotes a comparison that is not significant, or that says "no clear difference" while
the comparison it quotes is significant. Let a helper word such sentences, or wrap them in
``{% if r.significant %}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from survey_analysis import phrases
from survey_analysis.escaping import escape_markdown_text
from survey_analysis.results import Result

_RESULT, _PHRASE, _END = "\ue000", "\ue001", "\ue002"
_SPAN = re.compile(f"([{_RESULT}{_PHRASE}])(\\d+)\ue003(.*?){_END}", re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*_(\"“])|\n\s*\n|\n\s*[-*] ")
COMPARATIVE = re.compile(
    r"\b(more|less|fewer|higher|lower|larger|smaller|greater|bigger|rose|risen|fell|fallen|"
    r"grew|grown|increased?|decreased?|declined?|gained|ahead|behind|outnumbers?|exceeds?)\b",
    re.I)
NO_DIFFERENCE = re.compile(r"\bno (clear )?(difference|change)\b", re.I)


class UnsupportedClaim(ValueError):
    """Authored text claims a difference its result does not support (or denies one it does)."""


def _environment():
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                             keep_trailing_newline=True)
    env.filters.update(value=phrases.value, ci=phrases.ci, base=phrases.base,
                       value_ci=phrases.value_ci, verdict=phrases.verdict, figure=phrases.figure,
                       p=phrases.p_value, verdict_words=phrases.verdict_words,
                       upper_first=phrases.upper_first, count=lambda n: f"{int(n):,}")
    env.globals.update(compare=phrases.compare, times=phrases.times, change=phrases.change,
                       listing=phrases.listing, unavailable=phrases.unavailable)
    return env


def render_prose(template: str, namespace: Mapping[str, Any]) -> str:
    """Fill ``template`` from ``namespace`` and check its claims; returns Markdown.

    Raises :class:`UnsupportedClaim` naming the sentence and the result when authored words
    claim what the quoted comparison does not support.
    """
    import jinja2

    quoted: list[tuple[Result, ...]] = []

    def finalize(value: Any) -> str:
        # Every inserted text shows as typed: no Markdown or HTML from data or results.
        if isinstance(value, phrases.Phrase):
            quoted.append(value.about)
            return f"{_PHRASE}{len(quoted) - 1}\ue003{escape_markdown_text(value)}{_END}"
        if isinstance(value, Result):
            quoted.append((value,))
            return (f"{_RESULT}{len(quoted) - 1}\ue003"
                    f"{escape_markdown_text(phrases.figure(value))}{_END}")
        if value is None:
            return ""
        return escape_markdown_text(value)

    env = _environment()
    env.finalize = finalize
    try:
        filled = env.from_string(template).render(**namespace)
    except jinja2.TemplateError as error:
        raise ValueError(f"prose template: {type(error).__name__}: {error}") from None
    _check_claims(filled, quoted)
    return _SPAN.sub(lambda m: m.group(3), filled)


def _check_claims(filled: str, quoted: list[tuple[Result, ...]]) -> None:
    for sentence in _SENTENCE_END.split(filled):
        spans = list(_SPAN.finditer(sentence))
        if not spans:
            continue
        authored = _SPAN.sub(" ", sentence)
        comparisons = [r for m in spans for r in quoted[int(m.group(2))]
                       if r.is_comparison and r.shown]
        if not comparisons:
            continue
        readable = _SPAN.sub(lambda m: m.group(3), sentence).strip()
        claim = COMPARATIVE.search(authored)
        if claim:
            weak = [r for r in comparisons if not r.significant]
            if weak:
                raise UnsupportedClaim(
                    f"the sentence says {claim.group(0)!r} but {weak[0].id} is not significant "
                    f"({phrases.verdict(weak[0])}): {readable!r}; let a phrase helper such as "
                    "compare() word it, or guard it with {% if ….significant %}")
        denial = NO_DIFFERENCE.search(authored)
        if denial:
            strong = [r for r in comparisons if r.significant]
            if strong:
                raise UnsupportedClaim(
                    f"the sentence says {denial.group(0)!r} but {strong[0].id} is significant: "
                    f"{readable!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext survey_analysis``: registers the ``%%prose`` cell magic."""
    from IPython.display import Markdown, display

    def prose(line: str, cell: str) -> None:
        display(Markdown(render_prose(cell, ipython.user_ns)))

    ipython.register_magic_function(prose, magic_kind="cell", magic_name="prose")

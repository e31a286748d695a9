"""Words for results: a figure with its interval and base, and comparisons worded by significance.

Each helper returns a :class:`Phrase` (a ``str``) that remembers the results it speaks about, so
the prose checker (:mod:`survey_analysis.prose`) knows its comparative words came from a result
and not from an author. Suppressed or not-asked figures read as such, never as a number.
"""

from __future__ import annotations

from collections.abc import Sequence

from survey_analysis.formatting import format_base, format_bounds, format_interval, format_value
from survey_analysis.results import FLAG_NOT_ASKED, Result


class Phrase(str):
    """Text produced from results (``about``): its words are backed by them."""

    about: tuple[Result, ...]

    def __new__(cls, text: str, about: Sequence[Result] = ()) -> Phrase:
        phrase = super().__new__(cls, text)
        phrase.about = tuple(about)
        return phrase


def unavailable(*results: Result) -> str | None:
    """Why a figure cannot be quoted ("not asked in this wave", "too few respondents"), or None."""
    if any(r.flag == FLAG_NOT_ASKED for r in results):
        return "not asked in this wave"
    if any(not r.shown for r in results):
        return "too few respondents"
    return None


def figure(result: Result) -> Phrase:
    """``43.0% (95% CI 41.2–44.8%; n = 2,910)``, or why it is not shown."""
    return Phrase(format_interval(result), [result])


def value(result: Result) -> Phrase:
    """The bare value (``43.0%``, ``+3.1 pp``, ``3.41×``), or why it is not shown."""
    why = unavailable(result)
    return Phrase(why or format_value(result.estimate, result.kind, result.unit), [result])


def ci(result: Result) -> Phrase:
    """``95% CI 41.2–44.8%``."""
    if unavailable(result):
        return Phrase("", [result])
    return Phrase(f"{round(100 * result.level)}% CI {format_bounds(result, result.unit)}",
                  [result])


def base(result: Result) -> Phrase:
    """``n = 2,910`` (two groups: ``n = 1,094 vs 321``)."""
    return Phrase(format_base(result), [result])


def value_ci(result: Result) -> Phrase:
    """``43.0% (95% CI 41.2–44.8%)``: value and interval, the base said elsewhere."""
    why = unavailable(result)
    if why:
        return Phrase(why, [result])
    caution = " [read with care]" if result.cautioned else ""
    return Phrase(f"{format_value(result.estimate, result.kind, result.unit)} ({ci(result)})"
                  f"{caution}", [result])


def verdict(result: Result) -> Phrase:
    """``significant``, ``no clear difference`` (``... after adjustment``), or why not shown."""
    why = unavailable(result)
    if why:
        return Phrase(why, [result])
    if result.significant:
        return Phrase("significant", [result])
    excludes_null = _excludes_null(result)
    return Phrase("no clear difference" + (" after adjustment" if excludes_null else ""),
                  [result])


def _excludes_null(result: Result) -> bool:
    null = 1.0 if result.kind == "ratio" else 0.0
    return result.lower is not None and (result.lower > null or result.upper < null)


def compare(difference: Result, first: str, second: str, more: str = "more common among",
            none: str = "no clear difference") -> Phrase:
    """A difference (first minus second) in words that follow its significance.

    ``compare(d, "TensorFlow users", "PyTorch users")`` gives "more common among TensorFlow
    users" or "more common among PyTorch users" when significant, else "no clear difference".
    """
    why = unavailable(difference)
    if why:
        return Phrase(why, [difference])
    if not difference.significant:
        after = " after adjusting for the page's several comparisons" \
            if _excludes_null(difference) else ""
        return Phrase(none + after, [difference])
    leader = first if difference.estimate > (1 if difference.kind == "ratio" else 0) else second
    return Phrase(f"{more} {leader}", [difference])


def times(ratio: Result, first: str, second: str) -> Phrase:
    """A ratio of two communities in words: "TensorFlow's community is 3.41 times PyTorch's"."""
    why = unavailable(ratio)
    if why:
        return Phrase(f"the relative size of the {first} and {second} communities cannot be "
                      f"reported ({why})", [ratio])
    level = round(100 * ratio.level)
    if not ratio.significant:
        return Phrase(f"there is no clear difference in size between the {first} and {second} "
                      f"communities (ratio {ratio.estimate:.2f}, {level}% CI "
                      f"{format_bounds(ratio)})", [ratio])
    if ratio.estimate >= 1:
        return Phrase(f"{first}'s community is {ratio.estimate:.2f} times {second}'s "
                      f"({level}% CI {format_bounds(ratio)})", [ratio])
    low, high = 1 / ratio.upper, 1 / ratio.lower
    return Phrase(f"{second}'s community is {1 / ratio.estimate:.2f} times {first}'s "
                  f"({level}% CI {low:.2f}–{high:.2f})", [ratio])


def change(result: Result, rose: str = "rose", fell: str = "fell",
           held: str = "showed no clear change") -> Phrase:
    """A change between waves as "rose" / "fell" / "showed no clear change"."""
    why = unavailable(result)
    if why:
        return Phrase(why, [result])
    if not result.significant:
        return Phrase(held, [result])
    up = result.estimate > (1 if result.kind == "ratio" else 0)
    return Phrase(rose if up else fell, [result])


def p_value(result: Result) -> Phrase:
    """The (adjusted) p-value as printed: ``< 0.001`` or ``= 0.042``."""
    from survey_analysis.formatting import format_p_value

    if result.p_value is None:
        return Phrase("–", [result])
    text = format_p_value(result.p_value)
    return Phrase(text if text.startswith("<") else f"= {text}", [result])


def verdict_words(verdict: str) -> Phrase:
    """A claim check's verdict as a reader reads it ("consistent with this wave", ...)."""
    from survey_analysis.tables import VERDICT_WORDS

    return Phrase(VERDICT_WORDS.get(verdict, verdict))


def upper_first(text: str) -> str:
    """The text with its first letter capitalised (a phrase stays a phrase)."""
    out = text[:1].upper() + text[1:]
    return Phrase(out, text.about) if isinstance(text, Phrase) else out


def listing(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = [str(i) for i in items]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]

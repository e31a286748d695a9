"""``show()``: one call that puts a table, chart, text or result on the page (or skips None)."""

from __future__ import annotations

from typing import Any

import pandas as pd


def show(*objects: Any, caption: str = "", css_class: str = "figures") -> None:
    """Display each object for readers: a DataFrame as an accessible table with ``caption``, a
    string as Markdown, ``None`` (e.g. a chart with nothing left to show) as nothing."""
    from IPython.display import HTML, Markdown, display

    from survey_analysis.tables import to_html

    for obj in objects:
        if obj is None or (isinstance(obj, str) and not obj.strip()):
            continue
        if isinstance(obj, pd.DataFrame):
            display(HTML(to_html(obj, caption=caption, css_class=css_class)))
        elif isinstance(obj, str):
            display(Markdown(obj))
        else:
            display(obj)

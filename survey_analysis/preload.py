"""The imports a page's notebook makes, made ahead in a kernel started for the next page.

A kernel started ahead (:mod:`survey_analysis.render.kernels`) runs :func:`import_public_api`
while the previous page is still executing, so the page's own import cell finds every module
loaded. Only modules are loaded: no data, no figure, no name in the notebook's namespace.
"""

from __future__ import annotations

import importlib

# The code a kernel started ahead runs at start-up (IPython ``exec_lines``): it leaves no name
# behind, and a failing import is left for the notebook's own import cell to report.
WARM_UP = ("import survey_analysis.preload as _survey_preload; "
           "_survey_preload.import_public_api(); del _survey_preload")


def import_public_api() -> list[str]:
    """Import every module behind ``survey_analysis``'s public names; return those that failed."""
    import survey_analysis

    modules = sorted({*survey_analysis._EXPORTS.values(),
                      *(f"survey_analysis.{name}" for name in survey_analysis._MODULES),
                      "survey_analysis.prose"})
    failed = []
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception:  # the notebook's own import raises it, with its traceback
            failed.append(module)
    return failed

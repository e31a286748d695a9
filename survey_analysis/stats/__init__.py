"""Interval estimates, tests and weights for survey reports.

Pure functions over counts and numpy arrays, each returning a small frozen
result (``Interval``, ``Comparison``, ``TestResult``, ``AdjustedPValues``,
``RakeResult``, ``PresentationDecision``). Methods are chosen by name; an unknown name raises
``ValueError`` listing the valid ones. See docs/statistics.md.
"""

from ._result import AdjustedPValues, Comparison, Interval, RakeResult, TestResult
from .difference import DIFFERENCE_METHODS, difference_interval
from .effective_n import N_EFFECTIVE_METHODS, design_effective_n, korn_graubard_interval
from .means import mean_difference_interval, mean_interval
from .multiplicity import ADJUST_METHODS, adjust_p_values
from .overlap import OVERLAP_METHODS, overlap_mean_difference, overlap_share_difference
from .paired import (
    PAIRED_DIFFERENCE_METHODS,
    PAIRED_RATIO_METHODS,
    paired_difference_interval,
    paired_ratio_interval,
)
from .presentation import (
    BASE_POLICIES,
    PRESENTATION_KINDS,
    RULES_TEXT,
    PresentationDecision,
    fixed_decision,
    nchs_share_decision,
    presentation_decision,
)
from .proportion import SHARE_METHODS, share_interval
from .ratio import RATIO_METHODS, ratio_interval
from .testing import mcnemar_test, two_proportion_test
from .weighted import WEIGHTED_SHARE_METHODS, weighted_difference_interval, weighted_share_interval
from .weighted_paired import weighted_paired_comparison
from .weights import design_effect, kish_effective_n, rake

__all__ = [
    "ADJUST_METHODS",
    "BASE_POLICIES",
    "DIFFERENCE_METHODS",
    "N_EFFECTIVE_METHODS",
    "OVERLAP_METHODS",
    "PAIRED_DIFFERENCE_METHODS",
    "PAIRED_RATIO_METHODS",
    "PRESENTATION_KINDS",
    "RATIO_METHODS",
    "RULES_TEXT",
    "SHARE_METHODS",
    "WEIGHTED_SHARE_METHODS",
    "AdjustedPValues",
    "Comparison",
    "Interval",
    "PresentationDecision",
    "RakeResult",
    "TestResult",
    "adjust_p_values",
    "design_effect",
    "design_effective_n",
    "difference_interval",
    "fixed_decision",
    "kish_effective_n",
    "korn_graubard_interval",
    "mcnemar_test",
    "mean_difference_interval",
    "mean_interval",
    "nchs_share_decision",
    "overlap_mean_difference",
    "overlap_share_difference",
    "paired_difference_interval",
    "paired_ratio_interval",
    "presentation_decision",
    "rake",
    "ratio_interval",
    "share_interval",
    "two_proportion_test",
    "weighted_difference_interval",
    "weighted_paired_comparison",
    "weighted_share_interval",
]

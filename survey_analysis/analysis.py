"""The generic analysis layer: figures of any variable of any source, collected as results.

An :class:`Analysis` is bound to one loaded wave and a base (e.g. the respondents who answered a
question). Each verb computes figures with the statistics core, applies the base policy in one
place, and keeps them in the analysis's :class:`~survey_analysis.results.ResultSet`, which
``publish()`` hands to the renderer::

    a = Analysis(load_wave("demo", "2018-h2"), base="frameworks")
    tf, pt = a.option("frameworks", "tensorflow"), a.option("frameworks", "pytorch")
    a.share(tf)                            # share.tensorflow
    split = a.split(tf, pt)                # both / only / either / neither, paired ratio and diff
    family = a.compare_all(["production"], tf, pt)   # overlapping groups, Holm-adjusted
    a.publish()

The verbs know variables and groups, never an article: an article is a notebook of such calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from survey_analysis import estimates, stats
from survey_analysis.measures import Measure, source_measures
from survey_analysis.policy import BasePolicy
from survey_analysis.results import Result, ResultSet
from survey_analysis.variables import canonical_variables, get_variable
from survey_analysis.wave import SurveyWave

SHARE_KINDS = ("share", "conditional")


@dataclass(frozen=True, slots=True)
class Settings:
    """The statistical choices a page states in its methods appendix."""

    level: float = 0.95
    share_method: str = "wilson"
    weighted_share_method: str = "logit"  # on the design-based n: coverage in docs/statistics.md
    ratio_method: str = "tang"
    difference_method: str = "newcombe"
    overlap_method: str = "mover-wilson"
    multiplicity: str = "holm"
    weighted: bool = False
    base_policy: str = "nchs"
    min_base: int = 30
    suppression_floor: int = 10

    def __post_init__(self) -> None:
        if isinstance(self.level, bool) or not isinstance(self.level, (int, float)) \
                or not 0 < self.level < 1:
            raise ValueError(f"confidence_level must be a number in (0, 1), e.g. 0.95; "
                             f"got {self.level!r}")
        if self.share_method not in stats.SHARE_METHODS:
            raise ValueError(f"share_method {self.share_method!r} unknown; valid: "
                             f"{', '.join(stats.SHARE_METHODS)}")
        if self.multiplicity not in ("holm", "benjamini-hochberg"):
            raise ValueError(f"multiplicity {self.multiplicity!r} unknown; valid: holm, "
                             "benjamini-hochberg")
        for name in ("min_base", "suppression_floor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of respondents, e.g. 30; "
                                 f"got {value!r}")
        if not self.suppression_floor <= self.min_base:
            raise ValueError(
                f"suppression_floor ({self.suppression_floor}) must not exceed min_base "
                f"({self.min_base})")
        BasePolicy.named(self.base_policy, self.min_base, self.suppression_floor)

    @property
    def alpha(self) -> float:
        return 1 - self.level

    @property
    def policy(self) -> BasePolicy:
        return BasePolicy.named(self.base_policy, self.min_base, self.suppression_floor)


@dataclass(frozen=True, eq=False)
class Group:
    """Respondents of an analysis's base: a key for result ids, a name and a reader label."""

    key: str
    name: str
    mask: np.ndarray
    asked: bool = True
    label: str = ""

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", f"{self.name} users")

    @property
    def size(self) -> int:
        return int(self.mask.sum())

    def only(self, other: Group) -> Group:
        """Members of this group who are not in ``other`` (e.g. TensorFlow-only users)."""
        return Group(f"{self.key}_only", f"{self.name} only", self.mask & ~other.mask,
                     self.asked and other.asked, f"{self.name}-only users")

    def __and__(self, other: Group) -> Group:
        return Group(f"{self.key}_and_{other.key}", f"both {self.name} and {other.name}",
                     self.mask & other.mask, self.asked and other.asked,
                     f"users of both {self.name} and {other.name}")

    def __or__(self, other: Group) -> Group:
        return Group(f"{self.key}_or_{other.key}", f"{self.name} or {other.name}",
                     self.mask | other.mask, self.asked and other.asked,
                     f"users of {self.name} or {other.name}")

    def __repr__(self) -> str:
        return f"Group({self.key!r}, {self.label!r}, n={self.size:,})"


class Figures(Mapping[str, Result]):
    """Named results of one verb (e.g. a split's ``both``, ``ratio``), readable as attributes."""

    def __init__(self, figures: Mapping[str, Result], **info: Any) -> None:
        self._figures = dict(figures)
        self.info = info

    def __getitem__(self, key: str) -> Result:
        return self._figures[key]

    def __iter__(self):
        return iter(self._figures)

    def __len__(self) -> int:
        return len(self._figures)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        if key in self._figures:
            return self._figures[key]
        if key in self.info:
            return self.info[key]
        raise AttributeError(f"no figure {key!r}; figures: {', '.join(self._figures)}")

    def results(self) -> list[Result]:
        return list(self._figures.values())

    def _repr_html_(self) -> str:
        from survey_analysis.tables import figures_table, to_html

        return to_html(figures_table(self.results()))

    def __repr__(self) -> str:
        return f"Figures({', '.join(self._figures)})"


@dataclass(frozen=True, eq=False)
class Comparison:
    """One outcome compared between two groups: both groups' figures and the difference."""

    measure: Measure
    first: Result
    second: Result
    difference: Result
    groups: tuple[str, str] = ("", "")

    @property
    def results(self) -> list[Result]:
        return [self.first, self.second, self.difference]


@dataclass(frozen=True, eq=False)
class ComparisonFamily:
    """Several outcomes compared between the same two groups, adjusted as one family."""

    first: Group
    second: Group
    comparisons: tuple[Comparison, ...]
    design: str
    id_prefix: str
    multiplicity: str = "holm"
    size: int = 0

    def __getitem__(self, measure_id: str) -> Comparison:
        for c in self.comparisons:
            if c.measure.id == measure_id:
                return c
        raise KeyError(f"no comparison {measure_id!r}; compared: "
                       f"{', '.join(c.measure.id for c in self.comparisons)}")

    def __getattr__(self, measure_id: str) -> Comparison:
        if measure_id.startswith("_"):
            raise AttributeError(measure_id)
        try:
            return self[measure_id]
        except KeyError as error:
            raise AttributeError(str(error)) from None

    def __iter__(self):
        return iter(self.comparisons)

    def __len__(self) -> int:
        return len(self.comparisons)

    @property
    def comparable(self) -> bool:
        return self.first.asked and self.second.asked

    def results(self) -> list[Result]:
        return [r for c in self.comparisons for r in c.results]

    def _repr_html_(self) -> str:
        from survey_analysis.tables import comparison_table, to_html

        return to_html(comparison_table(self))


@dataclass
class Analysis:
    """Figures of one wave within a base, collected in ``results`` for the page."""

    wave: SurveyWave
    settings: Settings = field(default_factory=Settings)
    base: str | None = None
    title: str = ""
    article: str = ""
    measures: Mapping[str, Measure] = field(default_factory=dict)
    base_wording: str = ""  # e.g. "answered the framework question" (a codebook's own wins)
    results: ResultSet = field(init=False)
    table: pd.DataFrame = field(init=False, repr=False)
    checks: list = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.settings, Mapping):
            self.settings = Settings(**self.settings)
        if self.settings.weighted and not self.wave.has_weights:
            raise ValueError(
                f"{self.wave.source.title} publishes no survey weights, so weighted=True cannot "
                f"be used for {self.wave.source.name} wave {self.wave.wave}; its figures "
                "describe the respondents as they are")
        table = self.wave.respondents
        if self.base is not None:
            variable = get_variable(self.base)
            answered = (table[variable.answered_column] if variable.kind == "multi"
                        else table[variable.name].notna())
            table = table[answered.fillna(False).astype(bool).to_numpy()]
        self.table = table.reset_index(drop=True)
        self.measures = {**source_measures(self.wave.source), **dict(self.measures)}
        self.results = ResultSet(
            source=self.wave.source.name, wave=self.wave.wave, article=self.article,
            title=self.title or self.wave.title, population=self.wave.population,
            population_label=self.wave.population_label, base_label=self.base_label,
            base_variable=self.base, level=self.settings.level, weighted=self.settings.weighted,
            base_policy=self.settings.policy.describe(),
            input_files=[{"name": f.name, "sha256": f.sha256, "verified": f.verified}
                         for f in self.wave.files],
        )

    # -- the base and its groups ------------------------------------------------------------

    @property
    def n(self) -> int:
        """Respondents in the base."""
        return len(self.table)

    @property
    def base_label(self) -> str:
        """Who the base is, as the wave's codebook describes it ("answered the ... question")."""
        if self.base is None:
            return "are in the population"
        question = self.wave.codebook.questions.get(self.base)
        default = self.base_wording or \
            f"answered the question on {get_variable(self.base).label.lower()}"
        return str(question.spec.get("base_label", default)) if question else default

    @property
    def weights(self) -> pd.Series | None:
        return self.table["weight"] if self.settings.weighted else None

    def option(self, variable: str, option: str, *, name: str | None = None,
               label: str | None = None) -> Group:
        """The respondents of the base who chose ``option`` of ``variable``."""
        var = get_variable(variable)
        if var.kind == "multi":
            column = var.option_column(option)
            mask = self.table[column].fillna(False).to_numpy(dtype=bool)
            asked = bool(self.wave.cleaned[column].notna().any())
            default = var.option_label(option)
        else:
            mask = (self.table[var.name] == option).fillna(False).to_numpy(dtype=bool)
            asked = bool(self.wave.cleaned[var.name].notna().any())
            default = option
        return Group(option, name or default, mask, asked, label or "")

    def group(self, key: str, name: str, mask: Any, label: str = "") -> Group:
        """A group from any yes/no per respondent of the base (Series or array)."""
        values = np.asarray(pd.Series(mask).fillna(False), dtype=bool)
        if len(values) != self.n:
            raise ValueError(f"group {key!r}: {len(values)} values for a base of {self.n}")
        return Group(key, name, values, True, label)

    def measure(self, measure: str | Measure) -> Measure:
        """A measure by id (the source's ``profiles`` and the article's own) or as given."""
        if isinstance(measure, Measure):
            return measure
        if measure in self.measures:
            return self.measures[measure]
        variables = canonical_variables()
        if measure in variables and variables[measure].kind in ("boolean", "number"):
            v = variables[measure]
            kind = "mean" if v.kind == "number" else "indicator"
            return Measure.from_spec(measure, {"label": v.label, kind: v.name,
                                               "unit": v.unit or ""})
        raise KeyError(f"unknown measure {measure!r}; {self.wave.source.name} defines: "
                       f"{', '.join(self.measures)}")

    def option_measure(self, variable: str, option: str, label: str | None = None) -> Measure:
        """A yes/no measure "chose ``option`` of ``variable``" (e.g. uses TensorFlow)."""
        var = get_variable(variable)
        column = var.option_column(option) if var.kind == "multi" else None
        if column is None:
            spec = {"all_of": [{"category_in": {var.name: [option]}}]}
            default = f"{var.label}: {option}"
        else:
            spec = {"indicator": column}
            default = f"Use {var.option_label(option)}"
        return Measure.from_spec(f"{variable}_{option}", {"label": label or default, **spec})

    # -- verbs --------------------------------------------------------------------------------

    @property
    def _share_method(self) -> str:
        return self.settings.weighted_share_method if self.settings.weighted \
            else self.settings.share_method

    def _keep(self, result: Result) -> Result:
        result = self.settings.policy.apply(result)
        self.results.put(result)
        return result

    def _not_asked(self, rid: str, label: str, kind: str) -> Result:
        return estimates.not_asked(rid, label, kind, self.settings.level)

    def share(self, group: Group | Measure | str, *, within: Group | None = None,
              id: str | None = None, label: str | None = None) -> Result:
        """Share of the base (or of ``within``) in ``group`` or saying yes to a measure."""
        s = self.settings
        if isinstance(group, Group):
            rid = id or f"share.{group.key}" if within is None else \
                id or f"conditional.{group.key}_given_{within.key}"
            text = label or (f"Use {group.name}" if within is None
                             else f"{group.name}, of {within.label}")
            asked = group.asked and (within is None or within.asked)
            values = pd.Series(group.mask, dtype="boolean")
        else:
            measure = self.measure(group)
            rid = id or f"share.{measure.id}"
            text = label or measure.label
            asked = measure.asked(self.wave.cleaned) and (within is None or within.asked)
            values = measure.values(self.table) if asked else None
        kind = "share" if within is None else "conditional"
        if not asked:
            return self._keep(self._not_asked(rid, text, kind))
        mask = None if within is None else pd.Series(within.mask)
        return self._keep(estimates.share(values, rid, text, within=mask, weights=self.weights,
                                          level=s.level, method=self._share_method, kind=kind))

    def mean(self, measure: str | Measure, *, within: Group | None = None,
             id: str | None = None, label: str | None = None) -> Result:
        """Mean of a number measure in the base (or within a group), with a t interval."""
        m = self.measure(measure)
        rid = id or (f"mean.{m.id}" if within is None else f"mean.{m.id}.{within.key}")
        text = label or (m.label if within is None else f"{m.label}: {within.label}")
        if not (m.asked(self.wave.cleaned) and (within is None or within.asked)):
            return self._keep(replace(self._not_asked(rid, text, "mean"), unit=m.unit))
        mask = None if within is None else pd.Series(within.mask)
        result = estimates.mean(m.values(self.table), rid, text, within=mask,
                                weights=self.weights, level=self.settings.level)
        return self._keep(replace(result, unit=m.unit))

    def split(self, first: Group, second: Group) -> Figures:
        """Two options of the base as both / first only / second only / either / neither, with
        the paired ratio and difference of the two shares (same respondents) and each share of
        the other's users.

        Ids: ``share.<a>``, ``share.<b>``, ``share.both``, ``share.either``, ``share.neither``,
        ``share.<a>_only``, ``share.<b>_only``, ``of_either.<group>``,
        ``conditional.<a>_given_<b>``, ``conditional.<b>_given_<a>``, ``ratio.<a>_to_<b>``,
        ``difference.<a>_minus_<b>``.
        """
        a, b = first, second
        both_asked = a.asked and b.asked
        either = Group("either", f"{a.name} or {b.name}", a.mask | b.mask, both_asked,
                       f"users of {a.name} or {b.name}")
        groups = {
            "either": either, "first": a, "second": b,
            "both": Group("both", f"both {a.name} and {b.name}", a.mask & b.mask, both_asked),
            "first_only": a.only(b), "second_only": b.only(a),
            "neither": Group("neither", f"neither {a.name} nor {b.name}", ~(a.mask | b.mask),
                             both_asked),
        }
        figures: dict[str, Result] = {}
        for role, g in groups.items():
            figures[role] = self.share(g, id=f"share.{g.key}", label=f"Use {g.name}")
        for role in ("first", "second", "both", "first_only", "second_only"):
            g = groups[role]
            figures[f"of_either_{role}"] = self.share(
                g, within=either, id=f"of_either.{g.key}",
                label=f"Use {g.name}, of users of {a.name} or {b.name}")
        figures["second_given_first"] = self.share(
            b, within=a, id=f"conditional.{b.key}_given_{a.key}",
            label=f"Also use {b.name}, of {a.name} users")
        figures["first_given_second"] = self.share(
            a, within=b, id=f"conditional.{a.key}_given_{b.key}",
            label=f"Also use {a.name}, of {b.name} users")
        ratio, difference = self._paired(a, b, both_asked)
        figures["ratio"], figures["difference"] = ratio, difference
        return Figures(figures, first_group=a, second_group=b, comparable=both_asked,
                       n=self.n, counts=self._counts(a, b) if both_asked else None)

    def _counts(self, a: Group, b: Group) -> dict[str, int]:
        return {"first_only": int((a.mask & ~b.mask).sum()), "both": int((a.mask & b.mask).sum()),
                "second_only": int((b.mask & ~a.mask).sum()),
                "neither": int((~a.mask & ~b.mask).sum())}

    def _paired(self, a: Group, b: Group, both_asked: bool) -> tuple[Result, Result]:
        s = self.settings
        ratio_id, diff_id = f"ratio.{a.key}_to_{b.key}", f"difference.{a.key}_minus_{b.key}"
        ratio_label = f"{a.name} users per {b.name} user"
        diff_label = f"{a.name} share minus {b.name} share"
        if not both_asked:
            return (self._keep(self._not_asked(ratio_id, ratio_label, "ratio")),
                    self._keep(self._not_asked(diff_id, diff_label, "difference")))
        # The small-base rule looks at the two groups, not at everyone in the base.
        sizes = {"n1": a.size, "n2": b.size}
        if self.weights is None:
            x, y = pd.Series(a.mask, dtype="boolean"), pd.Series(b.mask, dtype="boolean")
            cells = estimates.paired_cells(x, y)
            # Tang's ratio and Tango's difference both invert McNemar's score test (uncorrected),
            # so the two intervals and the p-value always give the same verdict.
            discordant = cells[1] + cells[2]
            p = (stats.mcnemar_test(cells[1], cells[2], exact=False, correction=False).p_value
                 if discordant else 1.0)
            ratio = stats.paired_ratio_interval(*cells, level=s.level, method=s.ratio_method)
            diff = stats.paired_difference_interval(*cells, level=s.level, method="tango")
            how = f"paired, {ratio.method} ratio / {diff.method} difference; McNemar score test"
            ratio_p = diff_p = p
        else:
            diff, ratio = stats.weighted_paired_comparison(
                a.mask.astype(float), b.mask.astype(float), self.weights.to_numpy(dtype=float),
                level=s.level)
            how = "weighted paired, linearization"
            ratio_p, diff_p = ratio.p_value, diff.p_value
        common = {"design": "paired", "paired": True, "group1": a.key, "group2": b.key,
                  **sizes}
        return (
            self._keep(Result(ratio_id, ratio_label, ratio.estimate, ratio.lower, ratio.upper,
                              self.n, how, s.level, kind="ratio", p_value=ratio_p,
                              significant=ratio_p < s.alpha, n_effective=ratio.n_effective,
                              **common)),
            self._keep(Result(diff_id, diff_label, diff.estimate, diff.lower, diff.upper,
                              self.n, how, s.level, kind="difference", p_value=diff_p,
                              significant=diff_p < s.alpha, n_effective=diff.n_effective,
                              **common)),
        )

    def _comparison(self, measure: Measure, first: Group, second: Group,
                    id_prefix: str) -> tuple[Result, Result, Result]:
        """Both groups' figures and the raw (unadjusted) difference, design from the data."""
        s = self.settings
        kind_one = "mean" if measure.is_mean else "share"
        kind_diff = "mean_difference" if measure.is_mean else "difference"
        prefix = f"{id_prefix}.{measure.id}"
        labels = [f"{measure.label}: {g.label}" for g in (first, second)]
        diff_label = f"{measure.label}: {first.label} vs {second.label}"
        asked = first.asked and second.asked and measure.asked(self.wave.cleaned)
        if not asked:
            return (*(replace(self._not_asked(f"{prefix}.{g.key}", lab, kind_one),
                              unit=measure.unit)
                      for g, lab in zip((first, second), labels, strict=True)),
                    replace(self._not_asked(f"{prefix}.difference", diff_label, kind_diff),
                            unit=measure.unit))
        values = measure.values(self.table)
        ones = []
        for g, lab in zip((first, second), labels, strict=True):
            within = pd.Series(g.mask)
            one = (estimates.mean(values, f"{prefix}.{g.key}", lab, within=within,
                                  weights=self.weights, level=s.level) if measure.is_mean
                   else estimates.share(values, f"{prefix}.{g.key}", lab, within=within,
                                        weights=self.weights, level=s.level,
                                        method=self._share_method))
            ones.append(replace(one, unit=measure.unit))
        overlapping = bool((first.mask & second.mask).any())
        g1, g2 = pd.Series(first.mask), pd.Series(second.mask)
        if overlapping:
            diff = estimates.overlap_difference(
                values, g1, g2, f"{prefix}.difference", diff_label, weights=self.weights,
                level=s.level, is_share=not measure.is_mean,
                method="linearization" if measure.is_mean else s.overlap_method)
        else:
            diff = estimates.independent_difference(
                values, g1, g2, f"{prefix}.difference", diff_label, weights=self.weights,
                level=s.level, is_share=not measure.is_mean, method=s.difference_method)
        diff = replace(diff, unit=measure.unit, group1=first.key, group2=second.key,
                       design="overlapping" if overlapping else "independent",
                       significant=None if diff.p_value is None else diff.p_value < s.alpha)
        return ones[0], ones[1], diff

    def compare(self, measure: str | Measure, first: Group, second: Group, *,
                id_prefix: str = "compare") -> Comparison:
        """One outcome in two groups and their difference, not adjusted for multiplicity.

        The design is read from the data: groups sharing any respondent are compared as
        overlapping groups (the shared respondents' covariance counted), disjoint ones as
        independent samples; the result's ``design`` says which.
        """
        m = self.measure(measure)
        one, two, diff = self._comparison(m, first, second, id_prefix)
        kept = [self._keep(r) for r in (one, two, diff)]
        return Comparison(m, *kept, groups=(first.key, second.key))

    def compare_all(self, measures: Iterable[str | Measure], first: Group, second: Group, *,
                    id_prefix: str = "profile") -> ComparisonFamily:
        """Several outcomes in the same two groups, adjusted as one family (``settings``'
        multiplicity method): ``<prefix>.<measure>.<group>`` and ``<prefix>.<measure>.difference``.
        """
        chosen = [self.measure(m) for m in measures]
        raw = [self._comparison(m, first, second, id_prefix) for m in chosen]
        adjusted = self._adjust([r[2] for r in raw])
        comparisons = []
        for m, (one, two, _), diff in zip(chosen, raw, adjusted, strict=True):
            comparisons.append(Comparison(m, self._keep(one), self._keep(two), self._keep(diff),
                                          groups=(first.key, second.key)))
        design = "overlapping" if bool((first.mask & second.mask).any()) else "independent"
        return ComparisonFamily(first, second, tuple(comparisons), design, id_prefix,
                                self.settings.multiplicity, len(adjusted))

    def family(self, results: Sequence[Result]) -> list[Result]:
        """Adjust already computed comparisons as one family; their kept copies are replaced."""
        return [self._keep(r) for r in self._adjust(list(results))]

    def _adjust(self, comparisons: list[Result]) -> list[Result]:
        """Multiplicity-adjusted p-values and ``significant`` over those with a p-value."""
        s = self.settings
        tested = [i for i, r in enumerate(comparisons) if r.p_value is not None]
        if not tested:
            return comparisons
        adjusted = stats.adjust_p_values([comparisons[i].p_value for i in tested],
                                         method=s.multiplicity, alpha=s.alpha)
        out = list(comparisons)
        for position, i in enumerate(tested):
            out[i] = replace(
                comparisons[i], p_value=adjusted.p_values[position],
                significant=bool(adjusted.reject[position]),
                method=f"{comparisons[i].method}; {s.multiplicity}-adjusted p over "
                       f"{len(tested)} comparisons")
        return out

    def crosstab(self, variable: str, groups: Sequence[Group], *,
                 id_prefix: str | None = None) -> pd.DataFrame:
        """Every option of ``variable`` by group: share, interval and base per cell.

        Ids ``<prefix>.<option>.<group>`` (prefix: ``crosstab.<variable>``).
        """
        var = get_variable(variable)
        prefix = id_prefix or f"crosstab.{variable}"
        options = [k for k, _ in var.options] if var.kind == "multi" else list(var.values or [])
        rows = []
        for option in options:
            measure = self.option_measure(variable, option)
            row = {"option": var.option_label(option) if var.kind == "multi" else option}
            for g in groups:
                row[g.label] = self.share(measure, within=g, id=f"{prefix}.{option}.{g.key}",
                                          label=f"{measure.label}, of {g.label}")
            rows.append(row)
        return pd.DataFrame(rows).set_index("option")

    def check_claims(self, claims: Any, comparisons: Sequence[ComparisonFamily] = ()) -> list:
        """Check a published article's claims (a claims file or loaded claims) against the
        results so far; the verdicts go into the results file."""
        from survey_analysis.claims import check_claims, load_claims

        loaded = load_claims(claims) if not isinstance(claims, (list, tuple)) else claims
        stand_ins = frozenset(r.id for fam in comparisons for c in fam
                              if c.measure.stand_in for r in c.results)
        # The first family is the article's comparison; a second one over the same measures
        # is its robustness check, which a direction verdict must agree with.
        robustness = {}
        if len(comparisons) >= 2:
            check = {c.measure.id: c.difference for c in comparisons[1]}
            robustness = {c.difference.id: check[c.measure.id] for c in comparisons[0]
                          if c.measure.id in check}
        self.checks = check_claims(self.results, loaded, stand_ins, robustness)
        self.results.metadata["claims"] = [
            {"id": c.claim.id, "claim": c.claim.claim, "result": c.claim.result,
             "verdict": c.verdict, "reason": c.reason} for c in self.checks]
        return self.checks

    def set_title(self, title: str) -> None:
        """The page's title, e.g. one that tells this wave's answer (set once it is known)."""
        self.title = title
        self.results.metadata["title"] = title

    def publish(self) -> None:
        """Hand every figure computed so far to the renderer (the page's results file)."""
        self.results.publish()

    def __repr__(self) -> str:
        return (f"Analysis({self.wave.source.name} {self.wave.wave}, base: {self.n:,} who "
                f"{self.base_label}; {len(self.results)} results)")

    def _repr_html_(self) -> str:
        return self.results._repr_html_()

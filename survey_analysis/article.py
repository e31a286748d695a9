"""The framework-battle article's figures for one wave, with stable ids across waves.

Headline (base: the population's respondents who answered the framework question):
``share.either``, ``share.tensorflow``, ``share.pytorch``, ``share.both``,
``share.tensorflow_only``, ``share.pytorch_only``; of users of either framework
``of_either.<group>``; the paired size ratio ``ratio.tensorflow_to_pytorch`` and difference
``difference.tensorflow_minus_pytorch``; ``conditional.tensorflow_given_pytorch`` and
``conditional.pytorch_given_tensorflow`` (base: the conditioning group).

Profiles (TensorFlow users vs PyTorch users, who overlap): ``profile.<id>.tensorflow``,
``profile.<id>.pytorch``, ``profile.<id>.difference`` (overlapping-groups method, p-values
Holm-adjusted over the profiles); robustness check on the disjoint TF-only vs PyTorch-only
groups: ``robustness.<id>.tensorflow_only``, ``robustness.<id>.pytorch_only``,
``robustness.<id>.difference`` (independent groups, Holm-adjusted over the profiles).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from survey_analysis import estimates, stats
from survey_analysis.claims import ClaimCheck, check_claims
from survey_analysis.results import Result, ResultSet, apply_base_rules
from survey_analysis.wave import SurveyWave

FRAMEWORK_COLUMNS = {"tensorflow": "framework_tensorflow", "pytorch": "framework_pytorch"}
GROUP_LABELS = {
    "either": "TensorFlow or PyTorch",
    "tensorflow": "TensorFlow",
    "pytorch": "PyTorch",
    "both": "both TensorFlow and PyTorch",
    "tensorflow_only": "TensorFlow only",
    "pytorch_only": "PyTorch only",
}


@dataclass(frozen=True, slots=True)
class ArticleSettings:
    """The statistical choices a page states in its methods appendix."""

    level: float = 0.95
    share_method: str = "wilson"
    ratio_method: str = "tang"
    difference_method: str = "newcombe"
    overlap_method: str = "mover-wilson"
    multiplicity: str = "holm"
    min_base: int = 30
    suppression_floor: int = 10
    weighted: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.level < 1:
            raise ValueError(f"confidence level must be in (0, 1), got {self.level}")
        if self.share_method not in stats.SHARE_METHODS:
            raise ValueError(f"share method {self.share_method!r} unknown; valid: "
                             f"{', '.join(stats.SHARE_METHODS)}")
        if not 0 <= self.suppression_floor <= self.min_base:
            raise ValueError(
                f"suppression floor ({self.suppression_floor}) must be between 0 and the "
                f"minimum base ({self.min_base})"
            )

    @property
    def alpha(self) -> float:
        return 1 - self.level


@dataclass(frozen=True, slots=True)
class Profile:
    """One profile comparison as defined for a source (``sources.yaml`` ``profiles``)."""

    id: str
    label: str
    spec: Mapping[str, Any]
    caveat: str = ""

    @property
    def is_mean(self) -> bool:
        return "mean" in self.spec

    @property
    def stand_in(self) -> bool:
        """Whether the source asks a different question than the article's (``stand_in: true``)."""
        return bool(self.spec.get("stand_in", False))

    @property
    def unit(self) -> str:
        return str(self.spec.get("unit", ""))

    def columns(self) -> list[str]:
        if self.is_mean:
            return [self.spec["mean"]]
        if "indicator" in self.spec:
            return [self.spec["indicator"]]
        columns = []
        for condition in self.spec["all_of"]:
            columns += [condition["indicator"]] if "indicator" in condition else list(
                condition["category_in"])
        return columns

    def values(self, table: pd.DataFrame) -> pd.Series:
        """Per respondent: the number (for a mean) or yes/no (NA where not answered)."""
        if self.is_mean:
            return table[self.spec["mean"]].astype("Float64")
        if "indicator" in self.spec:
            return table[self.spec["indicator"]].astype("boolean")
        result = pd.Series(True, index=table.index, dtype="boolean")
        for condition in self.spec["all_of"]:
            if "indicator" in condition:
                result &= table[condition["indicator"]].astype("boolean")
            for column, allowed in condition.get("category_in", {}).items():
                part = table[column].isin(allowed).astype("boolean")
                part[table[column].isna()] = pd.NA
                result &= part
        return result


def stand_in_results(profiles: list[Profile]) -> frozenset[str]:
    """Result ids of profiles a source measures with a stand-in question (those with a caveat)."""
    return frozenset(f"profile.{p.id}.{group}" for p in profiles if p.stand_in
                     for group in ("tensorflow", "pytorch"))


def base_phrase(wave: SurveyWave) -> str:
    question = wave.codebook.questions.get("frameworks")
    default = "answered the framework question"
    return str(question.spec.get("base_label", default)) if question else default


def source_profiles(wave: SurveyWave) -> list[Profile]:
    specs = wave.source.extra.get("profiles", {})
    return [Profile(pid, spec["label"], spec, str(spec.get("caveat", "")).strip())
            for pid, spec in specs.items()]


@dataclass
class FrameworkBattle:
    """Every figure of the article for one wave, plus what the page needs to explain them."""

    wave: SurveyWave
    settings: ArticleSettings
    results: ResultSet
    profiles: list[Profile] = field(default_factory=list)
    asked: Mapping[str, bool] = field(default_factory=dict)

    def __getitem__(self, result_id: str) -> Result:
        return self.results[result_id]

    @property
    def claims(self) -> list[ClaimCheck]:
        """The original article's claims, checked against this wave."""
        return check_claims(self.results, stand_in_results(self.profiles))

    def profile(self, profile_id: str) -> Profile | None:
        return next((p for p in self.profiles if p.id == profile_id), None)

    @property
    def base_phrase(self) -> str:
        """Who the framework shares are of, as the wave's codebook describes it."""
        return base_phrase(self.wave)

    @property
    def comparable(self) -> bool:
        """Whether the wave asked about both frameworks, so the two can be compared at all."""
        return all(self.asked.values())

    @property
    def frameworks_not_asked(self) -> list[str]:
        return [GROUP_LABELS[name] for name, asked in self.asked.items() if not asked]

    @property
    def framework_base(self) -> pd.DataFrame:
        return self.wave.respondents[self.wave.respondents["frameworks_answered"].astype(bool)]


def _asked(table: pd.DataFrame, columns: list[str]) -> bool:
    return all(table[c].notna().any() for c in columns)


def framework_battle(wave: SurveyWave, settings: ArticleSettings | None = None) -> FrameworkBattle:
    """Compute every figure of the framework-battle article for ``wave``."""
    settings = settings or ArticleSettings()
    if settings.weighted and not wave.has_weights:
        raise ValueError(
            f"{wave.source.title} publishes no survey weights, so weighted=True cannot be used for "
            f"{wave.source.name} wave {wave.wave}; its figures describe the respondents as they are"
        )
    table = wave.respondents
    base = table[table["frameworks_answered"].astype(bool)].reset_index(drop=True)
    if base.empty:  # every figure would be 0 of 0: fail the wave, keep its last good page
        raise ValueError(
            f"{wave.source.name} wave {wave.wave}: no respondent of population "
            f"{wave.population!r} ({len(table)} respondents) answered the framework question, "
            "so the article's base is empty; nothing to publish"
        )
    weights = base["weight"] if settings.weighted else None
    asked = {name: _asked(wave.cleaned, [col]) for name, col in FRAMEWORK_COLUMNS.items()}
    results = ResultSet(
        source=wave.source.name, wave=wave.wave, title=f"TensorFlow vs PyTorch: {wave.title}",
        population=wave.population, population_label=wave.population_label,
        base_label=base_phrase(wave),
        level=settings.level, weighted=settings.weighted,
        input_files=[{"name": f.name, "sha256": f.sha256, "verified": f.verified}
                     for f in wave.files],
    )
    results.extend(_headline(base, weights, settings, asked))
    profiles = source_profiles(wave)
    results.extend(_profiles(base, weights, settings, asked, profiles, wave.cleaned))
    units = {r.id: p.unit for p in profiles for r in results if r.id.split(".")[1] == p.id}
    final = ResultSet(
        (apply_base_rules(replace(r, unit=units.get(r.id, r.unit)), settings.min_base,
                          settings.suppression_floor) for r in results),
        **results.metadata,
    )
    final.metadata["claims"] = [
        {"id": c.claim.id, "claim": c.claim.claim, "result": c.claim.result,
         "verdict": c.verdict, "reason": c.reason}
        for c in check_claims(final, stand_in_results(profiles))
    ]
    return FrameworkBattle(wave, settings, final, profiles, asked)


def framework_groups(base: pd.DataFrame) -> dict[str, pd.Series]:
    """Boolean membership of every framework group among respondents answering the question."""
    tf = base["framework_tensorflow"].fillna(False).astype(bool)
    pt = base["framework_pytorch"].fillna(False).astype(bool)
    return {
        "either": tf | pt, "tensorflow": tf, "pytorch": pt, "both": tf & pt,
        "tensorflow_only": tf & ~pt, "pytorch_only": pt & ~tf,
    }


def _headline(base, weights, settings: ArticleSettings, asked) -> list[Result]:
    level, method = settings.level, settings.share_method
    groups = framework_groups(base)
    both_asked = asked["tensorflow"] and asked["pytorch"]
    out = []
    for name, members in groups.items():
        needs = ["tensorflow"] if name == "tensorflow" else ["pytorch"] if name == "pytorch" \
            else ["tensorflow", "pytorch"]
        label = f"Use {GROUP_LABELS[name]}"
        if not all(asked[n] for n in needs):
            out.append(estimates.not_asked(f"share.{name}", label, "share", level))
            continue
        out.append(estimates.share(members.astype("boolean"), f"share.{name}", label,
                                   weights=weights, level=level, method=method))
    for name in ("tensorflow", "pytorch", "both", "tensorflow_only", "pytorch_only"):
        label = f"Use {GROUP_LABELS[name]}, of users of either framework"
        if not both_asked:
            out.append(estimates.not_asked(f"of_either.{name}", label, "conditional", level))
            continue
        out.append(estimates.share(groups[name].astype("boolean"), f"of_either.{name}", label,
                                   within=groups["either"], weights=weights, level=level,
                                   method=method, kind="conditional"))
    out += _paired(base, weights, settings, both_asked)
    conditionals = [("tensorflow_given_pytorch", "tensorflow", "pytorch"),
                    ("pytorch_given_tensorflow", "pytorch", "tensorflow")]
    for rid, target, given in conditionals:
        label = f"Also use {GROUP_LABELS[target]}, of {GROUP_LABELS[given]} users"
        if not both_asked:
            out.append(estimates.not_asked(f"conditional.{rid}", label, "conditional", level))
            continue
        out.append(estimates.share(groups[target].astype("boolean"), f"conditional.{rid}",
                                   label, within=groups[given], weights=weights, level=level,
                                   method=method, kind="conditional"))
    return out


def _paired(base, weights, settings: ArticleSettings, both_asked: bool) -> list[Result]:
    level = settings.level
    ratio_label = "TensorFlow users per PyTorch user"
    diff_label = "TensorFlow share minus PyTorch share"
    if not both_asked:
        return [estimates.not_asked("ratio.tensorflow_to_pytorch", ratio_label, "ratio", level),
                estimates.not_asked("difference.tensorflow_minus_pytorch", diff_label,
                                    "difference", level)]
    tf, pt = base["framework_tensorflow"], base["framework_pytorch"]
    n = len(base)
    # The small-base rule looks at the two communities, not at everyone answering.
    sizes = {"n1": int(tf.fillna(False).sum()), "n2": int(pt.fillna(False).sum())}
    if weights is None:
        a, b, c, d = estimates.paired_cells(tf, pt)
        # Tang's ratio and Tango's difference both invert McNemar's score test (uncorrected), so
        # the two intervals and the p-value always give the same verdict.
        test = stats.mcnemar_test(b, c, exact=False, correction=False) if b + c else None
        p_value = test.p_value if test is not None else 1.0
        ratio = stats.paired_ratio_interval(a, b, c, d, level=level, method=settings.ratio_method)
        diff = stats.paired_difference_interval(a, b, c, d, level=level, method="tango")
        how = f"paired, {ratio.method} ratio / {diff.method} difference; McNemar score test"
        ratio_p = diff_p = p_value
    else:
        diff, ratio = stats.weighted_paired_comparison(tf.astype("Float64").to_numpy(
            dtype=float, na_value=float("nan")), pt.astype("Float64").to_numpy(
            dtype=float, na_value=float("nan")), weights.to_numpy(dtype=float), level=level)
        how = "weighted paired, linearization"
        ratio_p, diff_p = ratio.p_value, diff.p_value
    alpha = 1 - level
    return [
        Result("ratio.tensorflow_to_pytorch", ratio_label, ratio.estimate, ratio.lower,
               ratio.upper, n, how, level, kind="ratio", p_value=ratio_p,
               significant=ratio_p < alpha, n_effective=ratio.n_effective, paired=True, **sizes),
        Result("difference.tensorflow_minus_pytorch", diff_label, diff.estimate, diff.lower,
               diff.upper, n, how, level, kind="difference", p_value=diff_p,
               significant=diff_p < alpha, n_effective=diff.n_effective, paired=True, **sizes),
    ]


def _profiles(base, weights, settings: ArticleSettings, asked, profiles: list[Profile],
              cleaned: pd.DataFrame) -> list[Result]:
    level, method = settings.level, settings.share_method
    groups = framework_groups(base)
    both_asked = asked["tensorflow"] and asked["pytorch"]
    shares: list[Result] = []
    overlap: list[Result] = []
    independent: list[Result] = []
    for profile in profiles:
        prefix = f"profile.{profile.id}"
        robust = f"robustness.{profile.id}"
        kind_one = "mean" if profile.is_mean else "share"
        kind_diff = "mean_difference" if profile.is_mean else "difference"
        group_ids = [("tensorflow", prefix), ("pytorch", prefix), ("tensorflow_only", robust),
                     ("pytorch_only", robust)]
        if not (both_asked and _asked(cleaned, profile.columns())):
            for group, pre in group_ids:
                target = shares
                target.append(estimates.not_asked(f"{pre}.{group}", _label(profile, group),
                                                  kind_one, level))
            overlap.append(estimates.not_asked(f"{prefix}.difference",
                                               _diff_label(profile, "users"), kind_diff, level))
            independent.append(estimates.not_asked(f"{robust}.difference",
                                                   _diff_label(profile, "only"), kind_diff, level))
            continue
        values = profile.values(base)
        for group, pre in group_ids:
            rid, label = f"{pre}.{group}", _label(profile, group)
            if profile.is_mean:
                shares.append(estimates.mean(values, rid, label, within=groups[group],
                                             weights=weights, level=level))
            else:
                shares.append(estimates.share(values, rid, label, within=groups[group],
                                              weights=weights, level=level, method=method))
        overlap.append(estimates.overlap_difference(
            values, groups["tensorflow"], groups["pytorch"], f"{prefix}.difference",
            _diff_label(profile, "users"), weights=weights, level=level,
            is_share=not profile.is_mean,
            method="linearization" if profile.is_mean else settings.overlap_method))
        independent.append(estimates.independent_difference(
            values, groups["tensorflow_only"], groups["pytorch_only"], f"{robust}.difference",
            _diff_label(profile, "only"), weights=weights, level=level,
            is_share=not profile.is_mean, method=settings.difference_method))
    return shares + adjust(overlap, settings) + adjust(independent, settings)


def _label(profile: Profile, group: str) -> str:
    return f"{profile.label}: {GROUP_LABELS[group]} users"


def _diff_label(profile: Profile, kind: str) -> str:
    groups = "TensorFlow users vs PyTorch users" if kind == "users" else \
        "TensorFlow-only vs PyTorch-only users"
    return f"{profile.label}: {groups}"


def adjust(comparisons: list[Result], settings: ArticleSettings) -> list[Result]:
    """Replace each comparison's p-value by its multiplicity-adjusted one and set ``significant``.

    The family is the comparisons that have a p-value (not asked or empty ones are left out).
    """
    tested = [i for i, r in enumerate(comparisons) if r.p_value is not None]
    if not tested:
        return comparisons
    adjusted = stats.adjust_p_values([comparisons[i].p_value for i in tested],
                                     method=settings.multiplicity, alpha=settings.alpha)
    out = list(comparisons)
    for position, i in enumerate(tested):
        p = adjusted.p_values[position]
        out[i] = replace(
            comparisons[i], p_value=p, significant=bool(adjusted.reject[position]),
            method=f"{comparisons[i].method}; {settings.multiplicity}-adjusted p over "
                   f"{len(tested)} comparisons",
        )
    return out

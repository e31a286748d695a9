"""The framework article's figures computed with the public API, as its notebook does."""

from __future__ import annotations

from survey_analysis import Analysis, load_claims
from tests.conftest import REPO_ROOT

CLAIMS = load_claims(REPO_ROOT / "notebooks" / "framework_battle.claims.yaml")


def framework(wave, **settings) -> Analysis:
    a = Analysis(wave, settings, base="frameworks", article="framework_battle")
    tf, pt = a.option("frameworks", "tensorflow"), a.option("frameworks", "pytorch")
    a.split_ = a.split(tf, pt)
    a.profiles_ = a.compare_all(a.measures, tf, pt, id_prefix="profile")
    a.robust_ = a.compare_all(a.measures, tf.only(pt), pt.only(tf), id_prefix="robustness")
    a.check_claims(CLAIMS, [a.profiles_, a.robust_])
    return a

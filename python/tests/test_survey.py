"""netlearn.survey: a virtual survey of one simulated replication of any model with units."""
import subprocess

import pandas as pd
import pandas.testing as pdt
import pytest

import netlearn

SIM = {"model": "coopnet", "parameters": {"firms": 40, "n": 10, "n_max": 40}, "replications": 2, "seed": 7,
       "stop": {"until": "periods", "periods": 30}}


def test_survey_equals_study(cli, tmp_path):
    """The same settings give the study's surveys/survey_rep<r>.csv (without coopnet's formal column)."""
    study = tmp_path / "s.yaml"
    study.write_text("simulation:\n  model: coopnet\n  parameters: {firms: 40, n: 10, n_max: 40}\n"
                     "  replications: 2\n  seed: 7\n  stop: {until: periods, periods: 30}\n"
                     "survey:\n  period: 30\n  window: 12\n  sample: 30\nanalysis: {boot: 20, contrasts: false}\n")
    subprocess.run([cli, "study", str(study), "-o", str(tmp_path / "cli"), "-q", "--no-report"], check=True)
    for r in range(2):
        got = netlearn.survey(SIM, sample=30, period=30, window=12, replication=r)
        want = pd.read_csv(tmp_path / "cli" / "surveys" / ("survey_rep%d.csv" % r)).drop(columns="formal")
        pdt.assert_frame_equal(got, want)
        assert list(got.columns[:3]) == ["firm", "explore1", "explore2"]


def test_survey_lazer_agents(tmp_path):
    cons = {"SCORE": {"field": "score", "loadings": [0.85, 0.8, 0.75]},
            "SEEN": {"field": ["best_neighbour_score"], "loadings": [0.85, 0.8, 0.75]}}
    scen = {"model": "lazer2007", "parameters": {"n": 100, "network": "watts_strogatz"}, "seed": 7,
            "stop": {"until": "periods", "periods": 12}}
    df = netlearn.survey(scen, constructs=cons, sample=80, replication=1, out=tmp_path / "s.csv")
    assert list(df.columns) == ["agent", "score1", "score2", "score3", "seen1", "seen2", "seen3"]
    assert len(df) == 80 and df["agent"].is_monotonic_increasing and df["agent"].is_unique
    assert df.iloc[:, 1:].isin(range(1, 8)).all().all()
    pdt.assert_frame_equal(pd.read_csv(tmp_path / "s.csv"), df)
    # reproducible; another replication draws other answers
    pdt.assert_frame_equal(netlearn.survey(scen, constructs=cons, sample=80, replication=1), df)
    assert not netlearn.survey(scen, constructs=cons, sample=80, replication=2).equals(df)
    # agents copy the best solution they see: own score follows it (the study's path is about 0.7)
    r = df[["score1", "score2", "score3"]].sum(axis=1).corr(df[["seen1", "seen2", "seen3"]].sum(axis=1))
    assert r > 0.3


def test_survey_bad_input():
    scen = {"model": "lazer2007", "parameters": {"n": 50}, "stop": {"until": "periods", "periods": 5}}
    with pytest.raises(netlearn.InputError, match=r"agents have no field 'scor' \(did you mean 'score'\?\)"):
        netlearn.survey(scen, constructs={"S": {"field": "scor", "loadings": [0.8, 0.8]}}, sample=20)
    with pytest.raises(netlearn.InputError, match="survey sample 60 is larger than the 50 agents"):
        netlearn.survey(scen, constructs={"S": {"field": "score", "loadings": [0.8, 0.8]}}, sample=60)
    with pytest.raises(netlearn.InputError, match="have not coopnet's fields"):
        netlearn.survey(scen, sample=20)
    with pytest.raises(netlearn.InputError, match="model 'march1991' has no units"):
        netlearn.survey({"model": "march1991"}, constructs={"S": {"field": "x", "loadings": [0.8, 0.8]}})
    with pytest.raises(netlearn.InputError, match="loading 2 = 1.5"):
        netlearn.survey(scen, constructs={"S": {"field": "score", "loadings": [0.8, 1.5]}}, sample=20)
    with pytest.raises(netlearn.InputError, match="20 loadings, expected 2 to 8"):
        netlearn.survey(scen, constructs={"S": {"field": "score", "loadings": [0.8] * 20}}, sample=20)
    with pytest.raises(netlearn.InputError, match="0 loadings, expected 2 to 8"):
        netlearn.survey(scen, constructs={"S": {"field": "score", "loadings": []}}, sample=20)
    with pytest.raises(ValueError, match="unknown key 'fields'"):
        netlearn.survey(scen, constructs={"S": {"fields": "score", "loadings": [0.8, 0.8]}})
    with pytest.raises(ValueError, match="loadings: expected a list of numbers"):
        netlearn.survey(scen, constructs={"S": {"field": "score", "loadings": "high"}})
    with pytest.raises(ValueError, match="sample: expected an integer"):
        netlearn.survey(scen, sample=2.5)
    with pytest.raises(netlearn.InputError, match="unknown parameter 'nn'"):
        netlearn.survey(scen, set={"nn": 3})

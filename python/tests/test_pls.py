"""netlearn.pls against seminr 2.3.1's numbers (tests/pls/seminr_reference.csv, as the C tests use)
and against the CSV files and report of `netlearn pls`; bad inputs."""
import csv
import os
import subprocess

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import netlearn

TOL = 1e-10  # the tables carry 15 significant digits; the C tests agree with seminr to ~1e-13


@pytest.fixture(scope="module")
def mobi(root):
    return pd.read_csv(os.path.join(root, "tests", "data", "mobi.csv"))


@pytest.fixture(scope="module")
def model(root):
    with open(os.path.join(root, "tests", "pls", "mobi.model"), encoding="utf-8") as f:
        return f.read()


@pytest.fixture(scope="module")
def seminr(root):
    ref = {}
    with open(os.path.join(root, "tests", "pls", "seminr_reference.csv"), encoding="utf-8") as f:
        for row in csv.reader(line for line in f if not line.startswith("#")):
            if row[0] == "mobi":
                ref[(row[1], row[2], row[3])] = float(row[4])
    return ref


@pytest.fixture(scope="module")
def fit(model, mobi):
    return netlearn.pls(model, mobi)


def test_pls_equals_seminr(fit, seminr):
    n = 0
    for r in fit.paths.itertuples():
        assert r.estimate == pytest.approx(seminr[("path", r._1, r.to)], abs=TOL)
        n += 1
    for t, q in ((fit.weights, "weight"), (fit.loadings, "loading")):
        for r in t.itertuples():
            assert r.estimate == pytest.approx(seminr[(q, r.construct, r.indicator)], abs=TOL)
            n += 1
    for r in fit.rsquared.itertuples():
        assert r.r2 == pytest.approx(seminr[("rsq", r.construct, "")], abs=TOL)
        assert r.adj_r2 == pytest.approx(seminr[("adj_rsq", r.construct, "")], abs=TOL)
        n += 2
    for r in fit.reliability.itertuples():
        for q, v in (("alpha", r.alpha), ("rho_c", r.rho_c), ("ave", r.ave), ("rho_a", r.rho_a)):
            assert v == pytest.approx(seminr[(q, r.construct, "")], abs=TOL)
            n += 1
    for r in fit.htmt.itertuples():
        key = ("htmt", r.construct1, r.construct2)
        ref = seminr.get(key, seminr.get(("htmt", r.construct2, r.construct1)))
        assert r.estimate == pytest.approx(ref, abs=TOL)
        n += 1
    for r in fit.total_effects.itertuples():
        assert r.estimate == pytest.approx(seminr[("total_effect", r._1, r.to)], abs=TOL)
        n += 1
    assert n == 12 + 24 + 24 + 2 * 6 + 4 * 7 + 21 + 21  # every value of these tables
    assert fit.converged and int(fit.convergence.iterations[0]) == int(seminr[("iterations", "", "")])


def test_pls_equals_cli_tables_and_report(cli, root, tmp_path, model, mobi):
    out = tmp_path / "cli"
    mpath, dpath = "tests/pls/mobi.model", "tests/data/mobi.csv"
    printed = subprocess.run([cli, "pls", mpath, dpath, "-o", str(out), "--boot", "60", "--seed", "7"],
                             cwd=root, check=True, capture_output=True, text=True).stdout
    fit = netlearn.pls(model, mobi, boot=60, seed=7, threads=2, title="%s on %s" % (mpath, dpath))
    files = sorted(f[:-4] for f in os.listdir(out) if f.endswith(".csv"))
    assert files == sorted(fit.tables) and "bootstrap" in files
    for name in files:
        pdt.assert_frame_equal(fit.tables[name], pd.read_csv(out / (name + ".csv"), keep_default_na=False,
                                                             na_values=["NA"]), obj=name)
    assert printed.startswith(fit.report)
    assert fit.bootstrap_info.nboot[0] == 60


def test_pls_mapping_summary_and_coef(fit, model, mobi, capsys):
    cols = {c: mobi[c].tolist() for c in mobi.columns}
    again = netlearn.pls(model, cols)
    pdt.assert_frame_equal(again.paths, fit.paths)
    fit.summary()
    assert "Path Coefficients" in capsys.readouterr().out
    assert fit.coef()[("Image", "Expectation")] == pytest.approx(0.504913933629211, abs=TOL)
    with pytest.raises(AttributeError, match="boot="):
        fit.bootstrap


def test_pls_missing_values_and_na_code(model, mobi):
    holes = mobi.copy()
    holes.loc[[3, 17], "IMAG1"] = np.nan
    coded = mobi.copy()
    coded.loc[[3, 17], "IMAG1"] = -99
    a = netlearn.pls(model, holes)
    b = netlearn.pls(model, coded, na=-99)
    pdt.assert_frame_equal(a.paths, b.paths)
    c = netlearn.pls(model, holes, missing="casewise")
    assert int(c.convergence.nobs[0]) == len(mobi) - 2


@pytest.mark.parametrize("mutate, kwargs, exc, pattern", [
    (lambda d: d.drop(columns="CUEX2"), {}, ValueError, "CUEX2"),                   # missing column
    (lambda d: d.assign(PERQ3=["x"] * len(d)), {}, ValueError, "PERQ3.*not numeric"),
    (lambda d: d.assign(PERV1=np.nan), {}, ValueError, "PERV1"),                    # all missing
    (lambda d: d.assign(PERV1=1.0), {}, netlearn.Error, "PERV1"),                   # zero variance
    (lambda d: d, {"scheme": "circular"}, ValueError, "scheme"),
    (lambda d: d, {"boot": -1}, ValueError, "boot"),
    (lambda d: d, {"alpha": 2}, ValueError, "alpha"),
    (lambda d: d, {"na": "x"}, ValueError, "na"),
    (lambda d: d.head(0), {}, ValueError, "empty"),
])
def test_pls_bad_data_and_arguments(model, mobi, mutate, kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        netlearn.pls(model, mutate(mobi), **kwargs)


def test_pls_bad_models(mobi):
    with pytest.raises(netlearn.InputError, match=r"<model>:2:\d+"):
        netlearn.pls("A =~ IMAG1 + IMAG2\nB =~ + CUEX1\nB ~ A", mobi)
    with pytest.raises(ValueError, match="neither a model"):
        netlearn.pls("nowhere.model", mobi)
    with pytest.raises(ValueError, match="DataFrame"):
        netlearn.pls("A =~ IMAG1 + IMAG2\nB =~ CUEX1\nB ~ A", [[1, 2], [3, 4]])


@pytest.mark.parametrize("name, stem, kwargs, count", [
    ("corp_rep", "corp_rep", {"na": -99}, 13 + 31 + 4),      # composites (Mode B) and reflective constructs
    ("corp_rep_casewise", "corp_rep", {"na": -99, "missing": "casewise"}, 13 + 31 + 4),
    ("corp_rep_plsc", "corp_rep", {"na": -99, "plsc": True}, 13 + 31 + 4),
    ("mobi_factorial", "mobi", {"scheme": "factorial"}, 12 + 24 + 6),
    ("mobi_centroid", "mobi", {"scheme": "centroid"}, 12 + 24 + 6),
    ("mobi_plsc", "mobi", {"plsc": True}, 12 + 24 + 6),
])
def test_pls_settings_equal_seminr(root, name, stem, kwargs, count):
    # seminr's estimates with these settings (tests/pls/seminr_reference.csv; corp_rep_data.csv
    # codes missing values as -99)
    ref = {}
    with open(os.path.join(root, "tests", "pls", "seminr_reference.csv"), encoding="utf-8") as f:
        for row in csv.reader(line for line in f if not line.startswith("#")):
            if row[0] == name and row[1] in ("path", "weight", "rsq"):
                ref[(row[1], row[2], row[3])] = float(row[4])
    data = pd.read_csv(os.path.join(root, "tests", "data", ("corp_rep_data" if stem == "corp_rep" else stem) + ".csv"))
    fit = netlearn.pls(os.path.join(root, "tests", "pls", stem + ".model"), data, **kwargs)
    got = {("path", r._1, r.to): r.estimate for r in fit.paths.itertuples()}
    got.update({("weight", r.construct, r.indicator): r.estimate for r in fit.weights.itertuples()})
    got.update({("rsq", r.construct, ""): r.r2 for r in fit.rsquared.itertuples()})
    compared = [k for k in ref if k in got]
    assert len(compared) == count
    for k in compared:
        assert got[k] == pytest.approx(ref[k], abs=TOL), k


def test_pls_ctrl_c_stops_the_bootstrap(model, mobi):
    import signal
    import threading
    import time
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    t0 = time.time()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        netlearn.pls(model, mobi, boot=100000, threads=2)
    timer.join()
    assert time.time() - t0 < 10


def test_pls_nonconvergence_warns(model, mobi):
    with pytest.warns(RuntimeWarning, match="did not converge in 2 iterations"):
        fit = netlearn.pls(model, mobi, max_iter=2)
    assert not fit.converged and fit.convergence.converged[0] in (False, "false")

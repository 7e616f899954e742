"""netlearn.study / calibrate / power against the CLI's CSV files, and bad inputs."""
import os
import re
import subprocess

import pandas as pd
import pandas.testing as pdt
import pytest

import netlearn

CALIB = {"simulation": {"model": "march1991", "parameters": {"m": 30, "n": 50, "p1": 0.1, "p2": 0.5},
                        "stop": {"until": "equilibrium", "periods": 5000}, "seed": 1},
         "parameters": {"p1": [0.05, 0.95], "p2": [0.05, 0.95]}, "replications": 30, "seed": 9,
         "optimizer": {"method": "neldermead", "max_evals": 20, "starts": 2}, "inference": {"profile_points": 3},
         "targets": [{"measure": "code_knowledge", "stat": "mean", "value": 0.85, "se": 0.01},
                     {"measure": "periods", "stat": "mean", "value": 40, "se": 1}]}


def same_tables(result, outdir, names):
    for name in names:
        cli = pd.read_csv(os.path.join(outdir, name + ".csv"), keep_default_na=False, na_values=["NA"])
        timing = [c for c in cli.columns if c == "seconds"]  # wall time: the only column allowed to differ
        pdt.assert_frame_equal(result.tables[name].drop(columns=timing), cli.drop(columns=timing), obj=name)


def test_study_equals_cli(cli, root, tmp_path):
    sets = ["--set", "replications=3", "--set", "analysis.boot=40", "--set", "analysis.contrasts=false"]
    subprocess.run([cli, "study", "examples/seed-study.yaml", "-o", str(tmp_path / "cli"), "-q", *sets],
                   cwd=root, check=True)
    st = netlearn.study(os.path.join(root, "examples/seed-study.yaml"), replications=3,
                        set={"analysis.boot": 40, "analysis.contrasts": False}, out=tmp_path / "py")
    same_tables(st, tmp_path / "cli", ["hypotheses", "pls_replications", "facts", "summary", "series"])
    assert (tmp_path / "py" / "report.html").exists() and st.manifest is not None
    assert list(st.hypotheses.id[:4]) == ["H1", "H2", "H3", "H4"]
    with pytest.raises(ValueError, match="survey.sample"):
        netlearn.study(os.path.join(root, "examples/seed-study.yaml"), set={"survey.sample": 100000})
    with pytest.raises(netlearn.InputError, match="surveys.*survey"):
        netlearn.study({"simulation": {"model": "coopnet"}, "surveys": {}})


def test_calibrate_equals_cli(cli, tmp_path):
    spec = tmp_path / "calib.yaml"
    spec.write_text(netlearn._yaml(CALIB, "calibration"))
    subprocess.run([cli, "calibrate", str(spec), "-o", str(tmp_path / "cli"), "-q"], check=True)
    c = netlearn.calibrate(CALIB, threads=2)
    same_tables(c, tmp_path / "cli", ["estimates", "fit", "trace"])
    # the identification check in words, as the CLI's report says it (its wording depends on the fit)
    assert c.info and c.info[:40] in (tmp_path / "cli" / "report.html").read_text()
    with pytest.raises(ValueError, match="p9.*p1|p1.*p9"):
        netlearn.calibrate(dict(CALIB, parameters={"p9": [0.1, 0.9]}))


def test_power_equals_cli(cli, root, tmp_path):
    model = "examples/power/seed-model.txt"
    subprocess.run([cli, "power", model, "--n", "60,120", "--reps", "16", "--boot", "40", "--seed", "3",
                    "-o", str(tmp_path / "cli"), "-q"], cwd=root, check=True)
    pw = netlearn.power(os.path.join(root, model), n=[60, 120], reps=16, boot=40, seed=3, threads=2)
    same_tables(pw, tmp_path / "cli", ["power", "min_n", "population_cor"])
    assert sorted(pw.power.n.unique()) == [60, 120]
    with pytest.raises(ValueError, match="n:"):
        netlearn.power(os.path.join(root, model), n=[])
    with pytest.raises(ValueError, match="test"):
        netlearn.power(os.path.join(root, model), n=[60], test="z")
    with pytest.raises(netlearn.InputError, match=r"<model>:1:\d+"):
        netlearn.power("A =~ x1 + 0.7*x2\nB =~ 0.8*y1 + 0.8*y2\nB ~ 0.3*A", n=[60])


SOBOL = {"name": "tiny-sobol",
         "scenario": {"model": "march1991", "parameters": {"m": 20, "n": 20, "p1": 0.1, "p2": 0.5},
                      "replications": 2, "seed": 1991, "stop": {"until": "equilibrium", "periods": 300}},
         "method": "sobol", "n": 16, "parameters": {"p1": {"from": 0.05, "to": 0.9}, "p2": {"from": 0.05, "to": 0.9}},
         "outputs": ["code_knowledge"]}


def without_run_facts(manifest):
    """manifest.json without what differs between two correct runs (tests/golden/run-golden): the
    command line and wall-clock times."""
    return [line for line in manifest.read_text().splitlines()
            if not re.search(r'"(command_line|seconds|started|finished|elapsed)"', line)]


def test_sensitivity_equals_cli_byte_for_byte(cli, tmp_path):
    """Same spec and seed: every file the CLI writes, byte for byte (manifest.json but its command
    line and times); both go through nl_sensitivity_run_dir."""
    spec = tmp_path / "sobol.yaml"
    spec.write_text(netlearn._yaml(dict(SOBOL, second_order=True), "sensitivity"))
    subprocess.run([cli, "sensitivity", str(spec), "-o", str(tmp_path / "cli"), "-q"], check=True)
    s = netlearn.sensitivity(str(spec), out=tmp_path / "py", threads=2)
    files = sorted(os.listdir(tmp_path / "cli"))
    assert files == sorted(os.listdir(tmp_path / "py"))
    assert {"design.csv", "indices.csv", "indices2.csv", "convergence.csv", "sobol_code_knowledge.svg",
            "manifest.json", "results.db"} == set(files)
    for f in files:
        if f not in ("results.db", "manifest.json"):
            assert (tmp_path / "cli" / f).read_bytes() == (tmp_path / "py" / f).read_bytes(), f
    assert without_run_facts(tmp_path / "cli" / "manifest.json") == without_run_facts(tmp_path / "py" / "manifest.json")
    assert s.manifest["outputs"] == ["results.db", "design.csv", "convergence.csv", "indices.csv", "indices2.csv",
                                     "sobol_code_knowledge.svg"]
    assert list(s.indices.parameter) == ["p1", "p2", "dummy"]
    assert s.manifest["status"] == "complete"
    # Stopped after a few runs, then called again into the same directory: it resumes (only the
    # runs not done are run, on one thread now) and writes the same files.
    with pytest.raises(netlearn.Error, match="interrupted|stopped|cancel"):
        netlearn.sensitivity(str(spec), out=tmp_path / "resumed", threads=1, progress=lambda d, t: d >= 5)
    assert not (tmp_path / "resumed" / "manifest.json").exists()
    seen = []
    netlearn.sensitivity(str(spec), out=tmp_path / "resumed", threads=1, progress=lambda d, t: seen.append((d, t)))
    total = s.manifest["replications_run"]
    assert 0 < seen[-1][1] < total and seen[-1][0] == seen[-1][1]
    for f in files:
        if f not in ("results.db", "manifest.json"):
            assert (tmp_path / "cli" / f).read_bytes() == (tmp_path / "resumed" / f).read_bytes(), f
    with pytest.raises(netlearn.InputError, match="p9"):
        netlearn.sensitivity(dict(SOBOL, parameters={"p9": {"from": 0.1, "to": 0.5}}))

"""netlearn.run / sweep / models against the CLI (byte for byte) and bad inputs."""
import os
import signal
import subprocess
import threading
import time

import pandas as pd
import pandas.testing as pdt
import pytest

import netlearn

BASIC = "examples/march1991/basic.yaml"


def cli_run(cli, root, scenario, outdir, *extra):
    subprocess.run([cli, "run", scenario, "-o", str(outdir), "-q", *extra], cwd=root, check=True)


def same_files(a, b, names):
    for n in names:
        with open(os.path.join(a, n), "rb") as fa, open(os.path.join(b, n), "rb") as fb:
            assert fa.read() == fb.read(), n


def test_models_lists_every_parameter(cli):
    m = netlearn.models()
    assert list(m.columns) == ["model", "title", "name", "type", "default", "min", "max", "choices", "doc"]
    out = subprocess.run([cli, "models"], check=True, capture_output=True, text=True).stdout
    names = [line.split()[0] for line in out.splitlines()[1:] if line.strip()]
    assert sorted(m["model"].unique()) == sorted(names)
    p1 = m[(m.model == "march1991") & (m.name == "p1")].iloc[0]
    assert (p1.type, p1.default, p1["min"], p1["max"]) == ("real", "0.1", 0.0, 1.0)  # March (1991)
    assert "final" not in netlearn.measures().name.tolist()
    assert "code_knowledge" in netlearn.measures().query("model == 'march1991'").name.tolist()


def test_run_equals_cli_byte_for_byte(cli, root, tmp_path, monkeypatch):
    monkeypatch.chdir(root)
    cli_run(cli, root, BASIC, tmp_path / "cli", "--set", "p1=0.3", "--set", "replications=6")
    r = netlearn.run(BASIC, set={"p1": 0.3}, replications=6, out=tmp_path / "py")
    same_files(tmp_path / "cli", tmp_path / "py", ["final.csv", "series.csv", "summary.csv"])
    for t in ("final", "series", "summary"):
        pdt.assert_frame_equal(getattr(r, t), pd.read_csv(tmp_path / "cli" / (t + ".csv")))
    assert r.manifest["status"] == "complete"
    assert r.manifest["scenario"]["parameters"]["p1"] in (0.3, "0.3")
    assert len(r.final) == 6 and r.points is None or len(r.points) == 1


def test_run_from_text_and_dict_in_memory(root):
    with open(os.path.join(root, BASIC), encoding="utf-8") as f:
        text = f.read()
    a = netlearn.run(text, replications=4, seed=11)
    b = netlearn.run({"model": "march1991", "parameters": {"m": 30, "n": 50, "p1": 0.1, "p2": 0.5},
                      "replications": 4, "seed": 11, "stop": {"until": "equilibrium", "periods": 5000},
                      "outputs": {"series": True, "every": 1, "measures": ["code_knowledge"]}})
    assert a.dir is None
    pdt.assert_frame_equal(a.final[["replication", "periods", "code_knowledge"]],
                           b.final[["replication", "periods", "code_knowledge"]])
    # March (1991): with p1 = 0.1 the code ends at high knowledge; every run reaches equilibrium
    assert a.final.equilibrium.all() and a.final.code_knowledge.mean() > 0.7


def test_threads_do_not_change_results(root):
    one = netlearn.run(os.path.join(root, BASIC), replications=6, threads=1)
    two = netlearn.run(os.path.join(root, BASIC), replications=6, threads=2)
    pdt.assert_frame_equal(one.series, two.series)


SWEEP = {"model": "march1991", "parameters": {"m": 20, "n": 20}, "replications": 3, "seed": 5,
         "stop": {"until": "equilibrium", "periods": 300},
         "sweep": {"design": "grid", "parameters": {"p1": [0.1, 0.5], "p2": [0.5, 0.9]}}}


def test_sweep_equals_cli_and_resumes(cli, root, tmp_path):
    import json
    path = tmp_path / "sweep.yaml"
    path.write_text(json.dumps(SWEEP))
    cli_run(cli, root, str(path), tmp_path / "cli")
    r = netlearn.sweep(SWEEP, out=tmp_path / "py")
    assert len(r.points) == 4 and len(r.final) == 12
    assert {"point", "p1", "p2"} <= set(r.final.columns)
    same_files(tmp_path / "cli", tmp_path / "py", ["final.csv", "summary.csv", "points.csv"])
    again = netlearn.sweep(SWEEP, out=tmp_path / "py")  # resumes: nothing left to run
    assert again.manifest["replications_run"] == r.manifest["replications_run"]
    pdt.assert_frame_equal(again.final, r.final)
    with pytest.raises(netlearn.Error, match="different|differs"):
        netlearn.sweep(dict(SWEEP, seed=6), out=tmp_path / "py")
    assert len(netlearn.sweep(dict(SWEEP, seed=6), out=tmp_path / "py", force_new=True).final) == 12


@pytest.mark.parametrize("kwargs, exc, pattern", [
    ({"set": {"p9": 0.3}}, ValueError, "p9.*p1|p1.*p9"),                     # unknown, with a suggestion
    ({"set": {"p1": 1.5}}, ValueError, "p1.*range"),                        # out of range
    ({"set": {"p1": "high"}}, ValueError, "p1"),                            # wrong type
    ({"set": {"p1": [0.1]}}, ValueError, "set\\['p1'\\]"),                  # not a scalar
    ({"set": "p1=0.3"}, ValueError, "mapping"),
    ({"replications": 0}, ValueError, "replications"),
    ({"threads": "two"}, ValueError, "threads"),
    ({"until": "forever"}, ValueError, "until"),
])
def test_run_bad_arguments(root, kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        netlearn.run(os.path.join(root, BASIC), **kwargs)


def test_run_bad_scenarios(tmp_path):
    with pytest.raises(netlearn.Error, match="nowhere.yaml"):
        netlearn.run(str(tmp_path / "nowhere.yaml"))
    with pytest.raises(netlearn.InputError, match="parametrs.*parameters"):  # unknown key, suggestion
        netlearn.run({"model": "march1991", "parametrs": {"p1": 0.2}})
    with pytest.raises(ValueError, match=r"<string>:\d+:\d+: malformed YAML"):  # file:line:column
        netlearn.run("model: march1991\nparameters: {p1: [\n")
    with pytest.raises(ValueError, match="march1991"):                 # unknown model: suggestion
        netlearn.run({"model": "march91"})
    with pytest.raises(ValueError, match="scenario"):
        netlearn.run(42)
    e = pytest.raises(netlearn.Error, netlearn.run, {"model": "nope"}).value
    assert isinstance(e, ValueError) and e.status == "invalid input"


LONG = {"model": "march1991", "replications": 2000, "stop": {"until": "periods", "periods": 2000},
        "outputs": {"series": False}}


def test_ctrl_c_raises_keyboardinterrupt_and_leaves_no_manifest(tmp_path):
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    t0 = time.time()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        netlearn.run(LONG, out=tmp_path / "out", threads=2)
    timer.join()
    assert time.time() - t0 < 5
    assert not (tmp_path / "out" / "manifest.json").exists()
    assert (tmp_path / "out" / "results.db").exists()  # the finished runs are kept


def test_gil_released_and_progress_cancels():
    seen = []
    result = {}
    ticks = 0
    th = threading.Thread(target=lambda: result.update(r=netlearn.run(
        dict(LONG, replications=40, stop={"until": "periods", "periods": 1500}), threads=1,
        progress=lambda d, t: seen.append((d, t)))))
    t0 = time.time()
    th.start()
    while th.is_alive():
        time.sleep(0.005)
        ticks += 1
    elapsed = time.time() - t0
    assert seen[-1] == (40, 40) and len(result["r"].final) == 40
    assert elapsed < 0.05 or ticks >= elapsed / 0.05  # the main thread kept running
    with pytest.raises(netlearn.Error, match="interrupted|stopped|cancel"):
        netlearn.run(dict(LONG, replications=50), threads=1, progress=lambda d, t: d >= 3)
    with pytest.raises(ZeroDivisionError):
        netlearn.run(dict(LONG, replications=50), threads=1, progress=lambda d, t: 1 / 0)


def test_progress_bar_on_stderr(root, capsys):
    netlearn.run(os.path.join(root, BASIC), replications=5, progress=True)
    err = capsys.readouterr().err
    assert "runs [" in err and "100% 5/5" in err
    with pytest.raises(ValueError, match="progress"):
        netlearn.run(os.path.join(root, BASIC), progress="yes")

"""Hostile inputs from Python (docs/robustness.md): each raised something other than a clear
netlearn.Error / ValueError before its fix, or named the wrong problem."""
import math
import os

import pytest

import netlearn as nl

MODEL = "A =~ a1 + a2\nB =~ b1 + b2\nB ~ A"
SMALL = {"model": "march1991", "replications": 2, "stop": {"until": "periods", "periods": 5}}


def test_infinite_cell_is_named():
    # It was "indicator 'a1' (construct 'A') has zero variance": the variance overflowed.
    data = {"a1": [1, math.inf, 3, 4, 5], "a2": [1, 2, 3, 5, 4], "b1": [1, 2, 3, 3, 5], "b2": [3, 2, 1, 1, 2]}
    with pytest.raises(nl.Error, match=r"column 'a1', row 2: inf is not a value"):
        nl.pls(MODEL, data)


def test_scenario_given_as_study_names_run(root):
    # It was "key 'model': cannot open model file 'march1991'".
    with pytest.raises(nl.Error, match=r"'march1991' is a simulation model.*netlearn run"):
        nl.study(os.path.join(root, "examples", "march1991", "basic.yaml"))


def test_old_network_names_and_both_names(tmp_path):
    base = {"model": "lazer2007", "replications": 2, "seed": 3, "stop": {"until": "periods", "periods": 4}}
    old = nl.run(dict(base, parameters={"network": "ring", "k": 2}))
    new = nl.run(dict(base, parameters={"network": "ring", "net_k": 2}))
    assert old.final.equals(new.final)
    with pytest.raises(nl.Error, match=r"parameter 'net_k' is set twice: 'k' is the old name of 'net_k'"):
        nl.run(dict(base, parameters={"k": 2, "net_k": 2}))


def test_sizes_that_can_never_run():
    with pytest.raises(nl.Error, match=r"would need at least 2.3 TiB"):
        nl.run(dict(SMALL, parameters={"m": 1000000, "n": 10000000}))


def test_bad_arguments_raise_value_errors():
    for call in (lambda: nl.run(None), lambda: nl.run(SMALL, replications=2.5), lambda: nl.run(SMALL, seed=-1),
                 lambda: nl.run("a\0b.yaml"), lambda: nl.power(MODEL, [math.nan]), lambda: nl.pls(MODEL, [[1, 2]])):
        with pytest.raises(ValueError):
            call()

"""netlearn from Python: organizational-learning simulations and PLS-SEM as pandas DataFrames.

    import netlearn
    netlearn.models()                                   # every model's parameters
    r = netlearn.run("examples/march1991/basic.yaml", set={"p1": 0.3}, replications=20)
    r.final, r.series, r.summary, r.manifest            # the CSV files of `netlearn run`
    fit = netlearn.pls(model_text, df, boot=500)        # seminr-equal PLS-SEM
    fit.paths, fit.reliability, fit.summary()           # the CSV files of `netlearn pls`

Everything runs in libnetlearn (the C library behind the `netlearn` command) with the GIL
released; the tables are written by the library's own CSV writers into a private temporary
directory and read back, so they equal the command-line tool's files value for value.
"""
import json
import os
import signal
import sys
import tempfile
import threading
import warnings

import pandas as pd

from . import _netlearn
from ._netlearn import Error, InputError

__all__ = ["Error", "InputError", "models", "measures", "run", "sweep", "pls", "study", "calibrate", "power",
           "sensitivity", "survey",
           "RunResult", "PlsResult", "Tables", "__version__"]
__version__ = _netlearn.version()

_CSV_NA = ["NA"]


def _read_csv(path):
    # Only the library's own "NA" is missing: a construct or measure named "NaN" stays a name.
    return pd.read_csv(path, keep_default_na=False, na_values=_CSV_NA)


def _catch_sigint():
    """Whether the C code may take over SIGINT for the call (main thread, Python's own handler)."""
    return (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler)


class _Bar:
    """A minimal text progress bar on stderr (progress=True)."""

    def __init__(self, label):
        self.label = label
        self.last = -1

    def __call__(self, done, total):
        pct = int(100 * done / total) if total else 100
        if pct != self.last:
            self.last = pct
            filled = pct * 30 // 100
            sys.stderr.write("\r%s [%s%s] %3d%% %d/%d" % (self.label, "#" * filled, "." * (30 - filled), pct,
                                                          done, total))
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        return False


def _progress(progress, label):
    if progress is None or progress is False:
        return None
    if progress is True:
        return _Bar(label)
    if callable(progress):
        return progress
    raise ValueError("progress: expected True, False, None or a callable(done, total), got %r" % (progress,))


def _text(value, what):
    """Canonical text of a scalar for the library's parser."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value
    if hasattr(value, "item") and not hasattr(value, "__len__"):  # numpy scalar
        return _text(value.item(), what)
    raise ValueError("%s: expected a number, a bool or a string, got %s" % (what, type(value).__name__))


def _int_arg(value, what, lo):
    if isinstance(value, bool) or not isinstance(value, int) and not (hasattr(value, "item") and
                                                                      isinstance(value.item(), int)):
        raise ValueError("%s: expected an integer, got %r" % (what, value))
    value = int(value)
    if value < lo:
        raise ValueError("%s: expected an integer >= %d, got %d" % (what, lo, value))
    return value


# ---- models ------------------------------------------------------------------------------------

def models():
    """Every model's parameters: one row per (model, parameter) with its type, default, range
    (min, max; NaN for non-numeric types), choices ('|'-separated) and documentation."""
    rows = _netlearn.models()
    return pd.DataFrame(rows, columns=["model", "title", "name", "type", "default", "min", "max", "choices", "doc"])


def measures():
    """Every model's measures (the columns of final.csv, the `measure` values of series.csv)."""
    return pd.DataFrame(_netlearn.measures(), columns=["model", "name", "doc"])


# ---- run / sweep -------------------------------------------------------------------------------

class RunResult:
    """The outputs of a run: DataFrames equal to `netlearn run`'s CSV files.

    final    replication, periods, equilibrium, one column per measure (sweeps: point + swept parameters)
    series   replication, period, measure, value (None when the scenario stores no series)
    summary  period, measure, n, mean, sd, ci_low, ci_high
    points   sweeps: the design points and their runs (None otherwise)
    manifest the resolved scenario, version and outputs (a dict of manifest.json)
    dir      the results directory when `out=` was given, else None
    """

    def __init__(self, tables, manifest, model, directory):
        self.final = tables.get("final")
        self.series = tables.get("series")
        self.summary = tables.get("summary")
        self.points = tables.get("points")
        self.manifest = manifest
        self.model = model
        self.dir = directory

    def __repr__(self):
        n = 0 if self.final is None else len(self.final)
        return "<netlearn.RunResult %s: %d runs%s>" % (self.model, n, ", dir=%s" % self.dir if self.dir else "")


def _yaml_scalar(v, what):
    if v is None:
        return "null"
    if isinstance(v, (bool, int, float, str)) or hasattr(v, "item"):
        t = _text(v, what)
        # strings double-quoted (JSON escapes are YAML escapes); numbers and booleans bare
        return json.dumps(t) if isinstance(v, str) else t
    raise ValueError("%s: cannot write a %s into YAML" % (what, type(v).__name__))


def _yaml(d, what, indent=""):
    """Block-style YAML of a dict of dicts, lists and scalars (every loader of the library reads
    block style; messages then name "<dict>:line:column")."""
    lines = []
    for k, v in d.items():
        if not isinstance(k, str):
            raise ValueError("%s: keys must be strings, got %r" % (what, k))
        key = indent + k + ":"
        if isinstance(v, dict):
            lines.append(key + (" {}" if not v else ""))
            if v:
                lines.append(_yaml(v, what + "." + k, indent + "  "))
        elif isinstance(v, (list, tuple)):
            if any(isinstance(x, dict) for x in v):
                lines.append(key)
                for x in v:
                    if not isinstance(x, dict):
                        raise ValueError("%s.%s: a list mixes mappings and values" % (what, k))
                    item = _yaml(x, what + "." + k, indent + "    ")
                    lines.append(indent + "  - " + item[len(indent) + 4:])
            else:
                lines.append(key + " [" + ", ".join(_yaml_scalar(x, what + "." + k) for x in v) + "]")
        else:
            lines.append(key + " " + _yaml_scalar(v, what + "." + k))
    return "\n".join(lines)


def _scenario_source(scenario, what="scenario"):
    """(text, name, path) for the library from a path, YAML text or a dict."""
    if isinstance(scenario, os.PathLike):
        return None, None, os.fspath(scenario)
    if isinstance(scenario, dict):
        return _yaml(scenario, what), "<dict>", None
    if isinstance(scenario, str):
        if "\n" not in scenario and (os.path.exists(scenario) or scenario.endswith((".yaml", ".yml"))):
            return None, None, scenario
        return scenario, "<string>", None
    raise ValueError("%s: expected a YAML file path, YAML text or a dict, got %s" % (what, type(scenario).__name__))


def run(scenario, set=None, replications=None, seed=None, periods=None, until=None, threads=None, out=None,
        force_new=False, progress=None):
    """Run a scenario (a YAML path, YAML text or a dict): its replications, or every design point of
    its `sweep:` section. Returns a RunResult whose DataFrames equal `netlearn run`'s CSV files.

    set          {parameter: value} overrides (also replications, periods, seed, until)
    replications, seed, periods, until   shortcuts for the same overrides
    threads      worker threads (default: all cores); results do not depend on it
    out          keep the results directory (results.db, CSV files, manifest.json) there; running
                 again with the same out resumes; without it a temporary directory is used
    force_new    discard a results.db in `out` that holds a different scenario
    progress     True for a bar on stderr, or a callable(done, total) (return True to stop)

    Raises netlearn.InputError (also a ValueError) for a malformed scenario, an unknown parameter or
    a value out of range, netlearn.Error for other library failures, KeyboardInterrupt on Ctrl-C
    (finished runs stay in out/results.db; no manifest is written).
    """
    text, name, path = _scenario_source(scenario)
    sets = []
    if set is not None:
        if not hasattr(set, "items"):
            raise ValueError("set: expected a mapping {parameter: value}, got %s" % type(set).__name__)
        for k, v in set.items():
            if not isinstance(k, str) or not k:
                raise ValueError("set: parameter names must be non-empty strings, got %r" % (k,))
            sets.append((k, _text(v, "set[%r]" % k)))
    if replications is not None:
        sets.append(("replications", str(_int_arg(replications, "replications", 1))))
    if seed is not None:
        sets.append(("seed", str(_int_arg(seed, "seed", 0))))
    if periods is not None:
        sets.append(("periods", str(_int_arg(periods, "periods", 1))))
    if until is not None:
        if until not in ("equilibrium", "periods"):
            raise ValueError("until: expected 'equilibrium' or 'periods', got %r" % (until,))
        sets.append(("until", until))
    nthreads = 0 if threads is None else _int_arg(threads, "threads", 1)
    fn = _progress(progress, "runs")
    argv = ["python", "netlearn.run"]
    tmp = None
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="netlearn-run-")
        directory = tmp.name
    else:
        directory = os.fspath(out)
    try:
        model, _, _, _ = _netlearn.run(text, name, path, sets, directory, nthreads, fn, _catch_sigint(),
                                       bool(force_new), argv)
        tables = {}
        for t in ("final", "series", "summary", "points"):
            f = os.path.join(directory, t + ".csv")
            if os.path.exists(f):
                tables[t] = _read_csv(f)
        with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as fh:
            manifest = json.load(fh)
        return RunResult(tables, manifest, model, None if tmp else directory)
    finally:
        if tmp is not None:
            tmp.cleanup()


def sweep(scenario, out=None, **kwargs):
    """Run every design point of a scenario's `sweep:` section (see run(); same arguments). With
    `out` the results database is kept there and a second call resumes it. The RunResult's
    `points` lists the design points; `final` and `summary` carry a `point` column and one column
    per swept parameter."""
    return run(scenario, out=out, **kwargs)


# ---- survey ------------------------------------------------------------------------------------

def _constructs(constructs):
    """[(name, fields or None, window, [loadings])] from {name: [loadings]} or
    {name: {"field": name or [names], "loadings": [...], "window": bool}}."""
    out = []
    if constructs is None:
        return out
    if not hasattr(constructs, "items"):
        raise ValueError("constructs: expected a mapping {construct: {field:, loadings:, window:}}, got %s"
                         % type(constructs).__name__)
    for name, spec in constructs.items():
        what = "constructs[%r]" % (name,)
        if not isinstance(name, str) or not name:
            raise ValueError("constructs: names must be non-empty strings, got %r" % (name,))
        field, window = None, False
        if isinstance(spec, dict):
            unknown = set(spec) - {"field", "loadings", "window"}
            if unknown:
                raise ValueError("%s: unknown key %r (expected field, loadings, window)" % (what, sorted(unknown)[0]))
            if "loadings" not in spec:
                raise ValueError("%s: missing key 'loadings'" % what)
            field, loadings, window = spec.get("field"), spec["loadings"], spec.get("window", False)
            if isinstance(field, (list, tuple)):
                if not all(isinstance(f, str) and f for f in field):
                    raise ValueError("%s: field: expected unit field names, got %r" % (what, field))
                field = "+".join(field)
            elif field is not None and not isinstance(field, str):
                raise ValueError("%s: field: expected a unit field name or a list of them, got %r" % (what, field))
            if not isinstance(window, bool):
                raise ValueError("%s: window: expected True or False, got %r" % (what, window))
        else:
            loadings = spec
        if isinstance(loadings, (str, bytes)) or not hasattr(loadings, "__len__"):
            raise ValueError("%s: loadings: expected a list of numbers, got %r" % (what, loadings))
        try:
            loadings = [float(x) for x in loadings]
        except (TypeError, ValueError):
            raise ValueError("%s: loadings: expected a list of numbers, got %r" % (what, loadings)) from None
        out.append((name, field, window, loadings))
    return out


def survey(scenario, constructs=None, sample=None, period=None, window=None, noise=None, replication=0, seed=None,
           set=None, out=None):
    """A virtual survey of one simulated replication (docs/survey.md): `sample` units of the
    scenario's model (coopnet's firms, lazer2007's agents, fang2010's individuals, any model with
    units) answer 1..7 Likert items about constructs, each computed from the unit field(s) named for
    it. Returns a DataFrame: the unit's index (a column named after the unit: firm, agent, ...), then
    one column per item (construct name in lower case + 1..k), the sampled units in increasing order.

    scenario     a YAML path, YAML text or a dict (as run())
    constructs   {name: {"field": "score" or ["a", "b"] (summed), "loadings": [0.85, 0.8, 0.75],
                 "window": False}}; {name: [loadings]} for coopnet's default constructs (EXPLORE,
                 EXPLOIT, PRODINNO, PROCINNO, NETCOLLAB); None: coopnet's five
    sample       units asked (default 90); period: the survey at the end of this period (default the
                 scenario's last); window: counts over the last `window` periods (default period/2);
                 noise: item error multiplier (default 1)
    replication  which replication (its random streams); seed: default the scenario's
    set          {parameter: value} overrides, as run()
    out          also keep the CSV file at this path
    The same settings give the same answers as the study's surveys/survey_rep<r>.csv. Raises
    netlearn.InputError for an unknown field (with the closest name), a sample larger than the
    units, a model without units; KeyboardInterrupt on Ctrl-C.
    """
    text, name, path = _scenario_source(scenario)
    sets = _sets(set, ())
    settings = []
    for key, value, lo in (("sample", sample, 3), ("period", period, 1), ("window", window, 1)):
        if value is not None:
            settings.append((key, float(_int_arg(value, key, lo))))
    if noise is not None:
        if isinstance(noise, bool) or not isinstance(noise, (int, float)):
            raise ValueError("noise: expected a number, got %r" % (noise,))
        settings.append(("noise", float(noise)))
    rep = _int_arg(replication, "replication", 0)
    sd = -1 if seed is None else _int_arg(seed, "seed", 0)
    cons = _constructs(constructs)
    with tempfile.TemporaryDirectory(prefix="netlearn-survey-") as tmp:
        csv = os.path.join(tmp, "survey.csv") if out is None else os.fspath(out)
        _netlearn.survey(text, name, path, sets, cons, settings, sd, rep, csv, _catch_sigint())
        return _read_csv(csv)


# ---- pls ---------------------------------------------------------------------------------------

_SCHEMES = {"path": 0, "factorial": 1, "centroid": 2}
_MISSING = {"mean": 0, "casewise": 1}
_INTERACTIONS = {"two-stage": 0, "two_stage": 0, "product-indicator": 1, "product_indicator": 1,
                 "orthogonal": 2}
_CIS = {"percentile": 0, "bca": 1}


class PlsResult:
    """A PLS-SEM estimate: one DataFrame attribute per CSV file of `netlearn pls` (paths, weights,
    loadings, cross_loadings, total_effects, indirect_effects, specific_indirect_effects, rsquared,
    fsquared, vif_inner, vif_outer, reliability, htmt, fornell_larcker, scores, convergence, and
    with boot > 0 bootstrap and bootstrap_info; simple_slopes with interaction terms).
    summary() prints the report `netlearn pls` prints; `report` holds its text."""

    def __init__(self, tables, report, converged):
        self.tables = tables
        for k, v in tables.items():
            setattr(self, k, v)
        self.report = report
        self.converged = bool(converged)

    def summary(self, file=None):
        """Print the report (seminr's summary(): paths with R^2, reliability, HTMT, bootstrap)."""
        print(self.report, end="", file=file if file is not None else sys.stdout)

    def coef(self):
        """Path coefficients as a Series indexed by (from, to)."""
        return self.paths.set_index(["from", "to"])["estimate"]

    def __repr__(self):
        return self.report

    def __getattr__(self, name):
        if name in ("bootstrap", "bootstrap_info"):
            raise AttributeError("no bootstrap: call netlearn.pls(..., boot=500) for %s" % name)
        raise AttributeError(name)


def _model_text(model):
    if isinstance(model, os.PathLike) or (isinstance(model, str) and "~" not in model):
        path = os.fspath(model)
        if not os.path.exists(path):
            raise ValueError("model: '%s' is neither a model (no '=~', '<~' or '~') nor an existing file" % path)
        with open(path, encoding="utf-8") as fh:
            return fh.read(), path
    if isinstance(model, str):
        return model, "<model>"
    raise ValueError("model: expected lavaan-style model text or a file path, got %s" % type(model).__name__)


def _data_matrix(data):
    """(names, column-major float64 bytes, nrow, non-numeric names) from a DataFrame or mapping."""
    if isinstance(data, pd.DataFrame):
        df = data
    elif hasattr(data, "items"):
        try:
            df = pd.DataFrame(dict(data.items()))
        except ValueError as e:
            raise ValueError("data: cannot make a table of the mapping's columns: %s" % e) from None
    else:
        raise ValueError("data: expected a pandas DataFrame or a mapping of columns, got %s" % type(data).__name__)
    if len(df.columns) == 0 or len(df) == 0:
        raise ValueError("data: the table is empty (%d rows, %d columns)" % (len(df), len(df.columns)))
    names, cols, bad = [], [], []
    for c in df.columns:
        if not isinstance(c, str):
            raise ValueError("data: column names must be strings, got %r" % (c,))
        if c in names:
            raise ValueError("data: duplicate column name '%s'" % c)
        s = df[c]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            v = s.astype("float64")
        else:
            v = pd.to_numeric(s, errors="coerce")
            if (v.isna() & s.notna()).any():
                bad.append(c)  # text: usable only if the model does not use it
                continue
            v = v.astype("float64")
        names.append(c)
        cols.append(v.to_numpy(dtype="float64", na_value=float("nan")))
    buf = b"".join(col.tobytes() for col in cols)
    return names, buf, len(df), bad


def pls(model, data, boot=0, seed=1, threads=1, ci="percentile", alpha=0.05, na=None, plsc=False, scheme="path",
        missing="mean", interaction="two-stage", max_iter=300, tol=1e-7, progress=None, title=None):
    """Estimate a PLS-SEM model (numerically equal to seminr 2.3.1) on a DataFrame or a mapping of
    columns. `model` is lavaan-style text (`X =~ a + b`, `Y <~ c + d`, `Y ~ X`) or a file path.

    boot         bootstrap resamples (0: none; seminr's default is 500)
    seed         bootstrap seed (default 1, as the CLI); results do not depend on threads
    ci           'percentile' (seminr) or 'bca';  alpha: two-sided level of the intervals
    na           a number that also means missing (e.g. -99); NaN/None are always missing
    plsc         consistent PLS for the =~ constructs (seminr's reflective())
    scheme       'path' (seminr's default), 'factorial' or 'centroid'
    missing      'mean' (replace by the indicator mean, seminr's default) or 'casewise'
    interaction  'two-stage', 'product-indicator' or 'orthogonal' (terms A:B)
    progress     True for a bar on stderr, or a callable(done, total) for the bootstrap

    Returns a PlsResult. Raises ValueError for bad arguments (netlearn.InputError, also a
    netlearn.Error, when the library rejects the model or data: a syntax error, an indicator not
    in the data, a non-numeric column), netlearn.Error for numerical failures, KeyboardInterrupt.
    """
    text, source = _model_text(model)
    boot = _int_arg(boot, "boot", 0)
    seed = _int_arg(seed, "seed", 0)
    threads = _int_arg(threads, "threads", 1)
    max_iter = _int_arg(max_iter, "max_iter", 1)
    for what, value, table in (("ci", ci, _CIS), ("scheme", scheme, _SCHEMES), ("missing", missing, _MISSING),
                               ("interaction", interaction, _INTERACTIONS)):
        if value not in table:
            raise ValueError("%s: expected one of %s, got %r" % (what, ", ".join(sorted(table)), value))
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ValueError("alpha: expected a number in (0, 1), got %r" % (alpha,))
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not tol > 0:
        raise ValueError("tol: expected a positive number, got %r" % (tol,))
    if na is not None and (isinstance(na, bool) or not isinstance(na, (int, float))):
        raise ValueError("na: expected a number (e.g. -99) or None, got %r" % (na,))
    names, buf, nrow, nonnumeric = _data_matrix(data)
    fn = _progress(progress, "bootstrap")
    with tempfile.TemporaryDirectory(prefix="netlearn-pls-") as tmp:
        try:
            report, converged = _netlearn.pls(
                text, source, names, buf, nrow, tmp, title or "PLS-SEM", _SCHEMES[scheme], _MISSING[missing],
                int(bool(plsc)), max_iter, float(tol), na is not None, float(na if na is not None else 0),
                _INTERACTIONS[interaction], boot, seed, threads, _CIS[ci], float(alpha), fn, _catch_sigint())
        except InputError as e:
            for c in nonnumeric:  # the library only saw the numeric columns: say why one is missing
                if "'%s'" % c in str(e):
                    raise InputError("data: column '%s' is not numeric (%s), but the model uses it"
                                     % (c, data[c].dtype if hasattr(data[c], "dtype") else "text")) from None
            raise
        tables = {f[:-4]: _read_csv(os.path.join(tmp, f)) for f in sorted(os.listdir(tmp)) if f.endswith(".csv")}
    if not converged:
        warnings.warn("netlearn.pls: the PLS weights did not converge in %d iterations: interpret with care "
                      "(see .convergence)" % max_iter, RuntimeWarning, stacklevel=2)
    return PlsResult(tables, report, converged)


# ---- study, calibrate, power -------------------------------------------------------------------

class Tables:
    """The outputs of an analysis: one DataFrame attribute per CSV file the command writes (named
    like the file), `tables` (the dict of them), `manifest` (manifest.json as a dict, when written)
    and `dir` (the output directory when `out=` was given, else None)."""

    def __init__(self, kind, tables, manifest, directory, info=None):
        self.kind = kind
        self.tables = tables
        for k, v in tables.items():
            setattr(self, k, v)
        self.manifest = manifest
        self.dir = directory
        self.info = info

    def __repr__(self):
        return "<netlearn %s: %s%s>" % (self.kind, ", ".join(sorted(self.tables)),
                                        ", dir=%s" % self.dir if self.dir else "")


def _sets(set, extra):
    sets = []
    if set is not None:
        if not hasattr(set, "items"):
            raise ValueError("set: expected a mapping {key: value}, got %s" % type(set).__name__)
        for k, v in set.items():
            if not isinstance(k, str) or not k:
                raise ValueError("set: keys must be non-empty strings, got %r" % (k,))
            sets.append((k, _text(v, "set[%r]" % k)))
    for k, v, lo in extra:
        if v is not None:
            sets.append((k, str(_int_arg(v, k, lo))))
    return sets


def _in_directory(kind, out, call):
    """Run call(directory) in `out` or a temporary directory; read the CSV files it wrote."""
    tmp = None
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="netlearn-%s-" % kind)
        directory = tmp.name
    else:
        directory = os.fspath(out)
    try:
        info = call(directory)
        tables = {f[:-4]: _read_csv(os.path.join(directory, f)) for f in sorted(os.listdir(directory))
                  if f.endswith(".csv")}
        manifest = None
        mf = os.path.join(directory, "manifest.json")
        if os.path.exists(mf):
            with open(mf, encoding="utf-8") as fh:
                manifest = json.load(fh)
        return Tables(kind, tables, manifest, None if tmp else directory, info)
    finally:
        if tmp is not None:
            tmp.cleanup()


def study(study, set=None, replications=None, seed=None, threads=None, out=None, report=None, progress=None):
    """Run a study (docs/study.md; a YAML path, YAML text or a dict): simulate, survey the firms,
    estimate and bootstrap the PLS model on every replication, judge the hypotheses. `set` takes
    what `netlearn study --set` takes (model parameters, replications, periods, seed, until,
    survey.period, survey.sample, analysis.boot, ...). Returns Tables: series, summary,
    pls_replications, hypotheses, facts (the CSV files of the output directory); with `out` the
    directory keeps everything (surveys/, pls_representative/, report.html when report is not
    False). Raises as run()."""
    text, name, path = _scenario_source(study, "study")
    sets = _sets(set, (("replications", replications, 1), ("seed", seed, 0)))
    nthreads = 0 if threads is None else _int_arg(threads, "threads", 1)
    fn = _progress(progress, "runs")
    write_report = (out is not None) if report is None else bool(report)
    return _in_directory("study", out, lambda d: _netlearn.study(
        text, name, path, sets, d, nthreads, fn, _catch_sigint(), ["python", "netlearn.study"], write_report))


def calibrate(spec, set=None, threads=None, out=None, report=None, progress=None):
    """Calibrate a model's parameters to observed statistics (docs/calibrate.md; a YAML path, YAML
    text or a dict). Returns Tables: estimates, fit, trace (the CSV files); `info` is the
    identification check in words. With `out` every evaluation stays in out/results.db and
    calling again resumes. Raises as run()."""
    text, name, path = _scenario_source(spec, "calibration")
    sets = _sets(set, ())
    nthreads = 0 if threads is None else _int_arg(threads, "threads", 1)
    fn = _progress(progress, "evaluations")
    write_report = (out is not None) if report is None else bool(report)
    return _in_directory("calibrate", out, lambda d: _netlearn.calibrate(
        text, name, path, sets, d, nthreads, fn, _catch_sigint(), ["python", "netlearn.calibrate"], write_report))


_POPULATIONS = {"composite": 0, "factor": 1}
_TESTS = {"percentile": 0, "t": 1}


def power(model, n, reps=1000, boot=500, test="percentile", alpha=0.05, tails=2, plsc=False,
          population="composite", likert=0, seed=1, threads=1, out=None, progress=None):
    """Monte Carlo power of a PLS-SEM model with population values (docs/power.md; text or a file)
    at the sample sizes `n` (a list). Returns Tables: power, min_n, population_cor, settings (the
    CSV files of `netlearn power`); `info` is (failed, nonconverged) replications. Raises as pls()."""
    text, source = _model_text(model)
    if isinstance(n, int):
        n = [n]
    if not hasattr(n, "__iter__") or isinstance(n, str):
        raise ValueError("n: expected a list of sample sizes, got %r" % (n,))
    sizes = [_int_arg(v, "n", 1) for v in n]
    if not sizes:
        raise ValueError("n: expected at least one sample size")
    for what, value, table in (("test", test, _TESTS), ("population", population, _POPULATIONS)):
        if value not in table:
            raise ValueError("%s: expected one of %s, got %r" % (what, ", ".join(sorted(table)), value))
    if tails not in (1, 2) or isinstance(tails, bool):
        raise ValueError("tails: expected 1 or 2, got %r" % (tails,))
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ValueError("alpha: expected a number in (0, 1), got %r" % (alpha,))
    likert = _int_arg(likert, "likert", 0)
    if likert == 1:
        raise ValueError("likert: expected 0 (continuous) or at least 2 categories, got 1")
    reps, boot = _int_arg(reps, "reps", 1), _int_arg(boot, "boot", 10)
    seed, threads = _int_arg(seed, "seed", 0), _int_arg(threads, "threads", 1)
    fn = _progress(progress, "replications")
    return _in_directory("power", out, lambda d: _netlearn.power(
        text, source, sizes, d, _POPULATIONS[population], likert, reps, boot, _TESTS[test], float(alpha), tails,
        int(bool(plsc)), seed, threads, fn, _catch_sigint()))


def sensitivity(spec, threads=None, out=None, progress=None):
    """Global sensitivity analysis of any model (docs/sensitivity.md; a YAML path, YAML text or a
    dict): Sobol' indices or Morris screening. Returns Tables: design, and indices, indices2 and
    convergence (Sobol') or morris and convergence (Morris), equal to `netlearn sensitivity`'s
    files. With `out` every run stays in out/results.db and calling again resumes."""
    text, name, path = _scenario_source(spec, "sensitivity analysis")
    nthreads = 0 if threads is None else _int_arg(threads, "threads", 1)
    fn = _progress(progress, "runs")
    return _in_directory("sensitivity", out, lambda d: _netlearn.sensitivity(
        text, name, path, d, nthreads, fn, _catch_sigint(), ["python", "netlearn.sensitivity"]))

# netlearn from R: simulations and PLS-SEM from libnetlearn as data frames.
# The native routines (src/netlearn.c) let the library write its own tidy CSV files into a
# directory this code owns; they are read back here, so R, Python and the CLI give equal tables.

.read_table <- function(path) {
  utils::read.csv(path, stringsAsFactors = FALSE, check.names = FALSE, na.strings = "NA")
}

.scalar_text <- function(v, what) {
  if (is.list(v) || length(v) != 1L || is.na(v))
    stop(sprintf("%s: expected one number, logical or string, got %s", what, deparse1(v)), call. = FALSE)
  if (is.logical(v)) return(if (v) "true" else "false")
  if (is.numeric(v)) return(.shortest(format(v, digits = 17L, scientific = FALSE, trim = TRUE), v))
  if (is.character(v)) return(v)
  stop(sprintf("%s: expected a number, logical or string, got %s", what, class(v)[1]), call. = FALSE)
}

# The shortest decimal text that reads back as v (0.3, not 0.29999999999999999).
.shortest <- function(long, v) {
  for (d in 1:17) {
    s <- format(v, digits = d, scientific = FALSE, trim = TRUE)
    if (as.numeric(s) == v) return(s)
  }
  long
}

# An integer argument in [lo, hi]: an R integer, or (hi above R's integers: seeds, up to 2^53, where
# doubles stop being exact) a whole double. Beyond hi it was NA with a coercion warning.
.int_arg <- function(v, what, lo, hi = .Machine$integer.max) {
  if (!is.numeric(v) || length(v) != 1L || is.na(v) || v != round(v) || v < lo)
    stop(sprintf("%s: expected an integer >= %d, got %s", what, lo, deparse1(v)), call. = FALSE)
  if (v > hi) stop(sprintf("%s: %s is too large: at most %.0f", what, deparse1(v), hi), call. = FALSE)
  if (hi > .Machine$integer.max) v else as.integer(v)
}
.seed_arg <- function(v) .int_arg(v, "seed", 0, 2^53)

# A list as block-style YAML (every loader of the library reads it; messages name "<list>:line:col"):
# named lists are mappings, unnamed lists of named lists sequences of mappings, other unnamed lists
# and vectors of length > 1 flow sequences, length-1 vectors scalars.
.to_yaml <- function(x, what = "scenario", indent = "") {
  scalar <- function(v, w) {
    if (is.null(v) || (length(v) == 1L && is.na(v))) return("null")
    if (is.list(v) || length(v) != 1L) stop(sprintf("%s: expected one value", w), call. = FALSE)
    if (is.logical(v)) return(if (v) "true" else "false")
    if (is.numeric(v)) return(.shortest(format(v, digits = 17L, scientific = FALSE, trim = TRUE), v))
    s <- gsub("\n", "\\\\n", gsub('(["\\\\])', "\\\\\\1", as.character(v)))
    paste0('"', s, '"')
  }
  nm <- names(x)
  if (is.null(nm) || any(!nzchar(nm))) stop(sprintf("%s: expected a named list", what), call. = FALSE)
  lines <- character()
  for (i in seq_along(x)) {
    k <- nm[i]; v <- x[[i]]; w <- paste0(what, "$", k)
    key <- paste0(indent, k, ":")
    if (is.list(v) && !is.null(names(v)) && all(nzchar(names(v)))) {
      lines <- c(lines, key, .to_yaml(v, w, paste0(indent, "  ")))
    } else if (is.list(v) && length(v) && all(vapply(v, function(e) is.list(e) && !is.null(names(e)), TRUE))) {
      lines <- c(lines, key)
      for (e in v) {
        item <- .to_yaml(e, w, paste0(indent, "    "))
        item[1] <- paste0(indent, "  - ", substring(item[1], nchar(indent) + 5L))
        lines <- c(lines, item)
      }
    } else if (is.list(v) || length(v) != 1L) {
      lines <- c(lines, paste0(key, " [", paste(vapply(as.list(v), scalar, "", w), collapse = ", "), "]"))
    } else {
      lines <- c(lines, paste(key, scalar(v, w)))
    }
  }
  paste(lines, collapse = "\n")
}

# progress = TRUE: a txtProgressBar (created at the first update); a function (done, total) is
# called as is (returning TRUE stops the call); FALSE/NULL: none. list(update, finish).
.progress_fn <- function(progress) {
  if (is.null(progress) || isFALSE(progress)) return(NULL)
  if (is.function(progress)) return(list(update = progress, finish = function() NULL))
  if (!isTRUE(progress)) stop("progress: expected TRUE, FALSE or a function(done, total)", call. = FALSE)
  pb <- NULL; last <- 0
  list(update = function(done, total) {
         if (is.null(pb)) pb <<- utils::txtProgressBar(min = 0, max = max(total, 1), style = 3)
         last <<- total
         utils::setTxtProgressBar(pb, done)
         FALSE
       },
       finish = function() if (!is.null(pb)) { utils::setTxtProgressBar(pb, last); close(pb); pb <<- NULL })
}

# Evaluate `code` with the library's progress callback reporting to `progress` (the R function is
# called from the R main thread only, so the last runs may finish on other threads: src/netlearn.c).
# The bar is completed and closed when the call succeeds.
.with_progress <- function(progress, code) {
  p <- .progress_fn(progress)
  if (is.null(p)) return(code)
  .Call(C_nlr_set_progress, p$update)
  on.exit(.Call(C_nlr_set_progress, NULL), add = TRUE)
  res <- force(code)
  p$finish()
  res
}

#' Every model's parameters: model, title, name, type, default, min, max, choices, doc.
models <- function() {
  as.data.frame(.Call(C_nlr_models), stringsAsFactors = FALSE)
}

.scenario_source <- function(scenario, what = "scenario") {
  if (is.list(scenario)) return(list(text = .to_yaml(scenario, what), name = "<list>", path = NULL))
  if (!is.character(scenario) || length(scenario) != 1L || is.na(scenario))
    stop(sprintf("%s: expected a YAML file path, YAML text or a list", what), call. = FALSE)
  if (!grepl("\n", scenario) && (file.exists(scenario) || grepl("\\.ya?ml$", scenario)))
    return(list(text = NULL, name = NULL, path = scenario))
  list(text = scenario, name = "<string>", path = NULL)
}

#' Run a scenario (YAML path, YAML text or a list): its replications, or every design point of its
#' sweep (with `out` the results database is kept there and calling again resumes it). Returns a
#' list of data.frames equal to `netlearn run`'s CSV files: final, series,
#' summary, points (sweeps), and the manifest (a list when jsonlite is installed, else its text).
run <- function(scenario, set = list(), replications = NULL, seed = NULL, periods = NULL, until = NULL,
                threads = NULL, out = NULL, force_new = FALSE, progress = FALSE) {
  src <- .scenario_source(scenario)
  if (!is.list(set) && !is.atomic(set)) stop("set: expected a named list", call. = FALSE)
  if (length(set) && (is.null(names(set)) || any(!nzchar(names(set)))))
    stop("set: expected a named list, e.g. list(p1 = 0.3)", call. = FALSE)
  keys <- names(set)
  values <- vapply(seq_along(set), function(i) .scalar_text(set[[i]], sprintf("set$%s", keys[i])), "")
  if (is.null(keys)) keys <- character()
  add <- function(k, v) { keys <<- c(keys, k); values <<- c(values, v) }
  if (!is.null(replications)) add("replications", as.character(.int_arg(replications, "replications", 1)))
  if (!is.null(seed)) add("seed", sprintf("%.0f", .seed_arg(seed)))
  if (!is.null(periods)) add("periods", as.character(.int_arg(periods, "periods", 1)))
  if (!is.null(until)) {
    if (!until %in% c("equilibrium", "periods"))
      stop("until: expected 'equilibrium' or 'periods'", call. = FALSE)
    add("until", until)
  }
  nthreads <- if (is.null(threads)) 0L else .int_arg(threads, "threads", 1)
  dir <- if (is.null(out)) tempfile("netlearn-run-") else out
  if (is.null(out)) on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  model <- .with_progress(progress, .Call(C_nlr_run, src$text, src$name, src$path, as.character(keys),
                                          as.character(values), dir, nthreads, isTRUE(force_new)))
  res <- list()
  for (t in c("final", "series", "summary", "points")) {
    f <- file.path(dir, paste0(t, ".csv"))
    if (file.exists(f)) res[[t]] <- .read_table(f)
  }
  mf <- file.path(dir, "manifest.json")
  res$manifest <- if (requireNamespace("jsonlite", quietly = TRUE)) jsonlite::fromJSON(mf, simplifyVector = FALSE)
                  else paste(readLines(mf, warn = FALSE), collapse = "\n")
  res$model <- model
  res$dir <- out
  structure(res, class = "netlearn_run")
}

print.netlearn_run <- function(x, ...) {
  cat(sprintf("netlearn run of %s: %d runs%s\n", x$model, nrow(x$final),
              if (is.null(x$dir)) "" else paste0(" in ", x$dir)))
  cat("tables:", paste(intersect(c("final", "series", "summary", "points"), names(x)), collapse = ", "), "\n")
  invisible(x)
}

# (text, source) of a model given as lavaan-style text or a file path
.model_source <- function(model) {
  if (!is.character(model) || length(model) != 1L || is.na(model))
    stop("model: expected lavaan-style model text or a file path", call. = FALSE)
  if (grepl("~", model)) return(list(text = model, source = "<model>"))
  if (!file.exists(model))
    stop(sprintf("model: '%s' is neither a model (no '=~', '<~' or '~') nor an existing file", model), call. = FALSE)
  list(text = paste(readLines(model, warn = FALSE), collapse = "\n"), source = model)
}

.choice <- function(v, table, what) {
  if (!is.character(v) || length(v) != 1L || !v %in% names(table))
    stop(sprintf("%s: expected one of %s, got %s", what, paste(names(table), collapse = ", "), deparse1(v)),
         call. = FALSE)
  table[[v]]
}

#' PLS-SEM (numerically equal to seminr 2.3.1) of a lavaan-style model (text or a file) on a
#' data.frame. Returns an object of class netlearn_pls: a list of data.frames named like the CSV
#' files of `netlearn pls` (paths, loadings, weights, reliability, htmt, rsquared, total_effects,
#' ..., bootstrap and bootstrap_info when boot > 0) with print, summary and coef methods.
pls <- function(model, data, boot = 0, seed = 1, threads = 1, ci = "percentile", alpha = 0.05, na = NULL,
                plsc = FALSE, scheme = "path", missing = "mean", interaction = "two-stage", max_iter = 300,
                tol = 1e-7, title = NULL) {
  m <- .model_source(model)
  model <- m$text
  source <- m$source
  if (is.matrix(data)) data <- as.data.frame(data)
  if (!is.data.frame(data) && is.list(data)) data <- as.data.frame(data, check.names = FALSE)
  if (!is.data.frame(data)) stop("data: expected a data.frame (or a list of columns)", call. = FALSE)
  if (nrow(data) == 0L || ncol(data) == 0L) stop("data: the table is empty", call. = FALSE)
  if (anyDuplicated(names(data))) stop(sprintf("data: duplicate column name '%s'",
                                               names(data)[anyDuplicated(names(data))]), call. = FALSE)
  numeric <- vapply(data, function(col) is.numeric(col) || is.logical(col), TRUE)
  nonnum <- names(data)[!numeric]
  x <- as.matrix(data[numeric])
  storage.mode(x) <- "double"
  if (!is.null(na) && (!is.numeric(na) || length(na) != 1L || is.na(na)))
    stop("na: expected one number (e.g. -99) or NULL", call. = FALSE)
  if (!is.numeric(alpha) || length(alpha) != 1L || !(alpha > 0 && alpha < 1))
    stop("alpha: expected a number in (0, 1)", call. = FALSE)
  if (!is.numeric(tol) || length(tol) != 1L || !(tol > 0)) stop("tol: expected a positive number", call. = FALSE)
  iopt <- c(.choice(scheme, list(path = 0L, factorial = 1L, centroid = 2L), "scheme"),
            .choice(missing, list(mean = 0L, casewise = 1L), "missing"),
            as.integer(isTRUE(plsc)), .int_arg(max_iter, "max_iter", 1), as.integer(!is.null(na)),
            .choice(interaction, list(`two-stage` = 0L, `product-indicator` = 1L, orthogonal = 2L), "interaction"),
            .int_arg(boot, "boot", 0), .int_arg(threads, "threads", 1),
            .choice(ci, list(percentile = 0L, bca = 1L), "ci"))
  dopt <- c(tol, if (is.null(na)) 0 else na, alpha, .seed_arg(seed))
  dir <- tempfile("netlearn-pls-")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  res <- tryCatch(
    .Call(C_nlr_pls, model, source, x, colnames(x), dir, if (is.null(title)) "PLS-SEM" else title, iopt, dopt),
    error = function(e) {
      for (c in nonnum) if (grepl(sprintf("'%s'", c), conditionMessage(e), fixed = TRUE))
        stop(sprintf("data: column '%s' is not numeric (%s), but the model uses it", c, class(data[[c]])[1]),
             call. = FALSE)
      stop(e)
    })
  files <- sort(list.files(dir, pattern = "\\.csv$"))
  tables <- lapply(file.path(dir, files), .read_table)
  names(tables) <- sub("\\.csv$", "", files)
  if (!isTRUE(res[[2]]))
    warning(sprintf("the PLS weights did not converge in %d iterations: interpret with care (see $convergence)",
                    as.integer(max_iter)), call. = FALSE)
  structure(c(tables, list(report = res[[1]], converged = res[[2]])), class = "netlearn_pls")
}

print.netlearn_pls <- function(x, ...) {
  cat("netlearn PLS-SEM:", nrow(x$paths), "paths,", x$convergence$nobs, "observations",
      if (isTRUE(x$converged)) "(converged)" else "(NOT converged)", "\n")
  p <- x$paths
  print(data.frame(path = paste(p$from, "->", p$to), estimate = round(p$estimate, 3)), row.names = FALSE)
  cat("summary() for reliability, HTMT", if (!is.null(x$bootstrap)) "and the bootstrap" else "", "\n")
  invisible(x)
}

summary.netlearn_pls <- function(object, ...) structure(list(report = object$report), class = "summary.netlearn_pls")

print.summary.netlearn_pls <- function(x, ...) {
  cat(x$report)
  invisible(x)
}

coef.netlearn_pls <- function(object, ...) {
  stats::setNames(object$paths$estimate, paste(object$paths$from, "->", object$paths$to))
}

# ---- study, calibrate, power -----------------------------------------------------------------------

.set_args <- function(set) {
  if (!is.list(set) && !is.atomic(set)) stop("set: expected a named list", call. = FALSE)
  if (length(set) && (is.null(names(set)) || any(!nzchar(names(set)))))
    stop("set: expected a named list, e.g. list(p1 = 0.3)", call. = FALSE)
  keys <- if (length(set)) names(set) else character()
  values <- vapply(seq_along(set), function(i) .scalar_text(set[[i]], sprintf("set$%s", keys[i])), "")
  list(keys = as.character(keys), values = as.character(values))
}

# Run call(dir) in `out` or a temporary directory; the CSV files it wrote as a list of data.frames.
.in_directory <- function(kind, out, call) {
  dir <- if (is.null(out)) tempfile(paste0("netlearn-", kind, "-")) else out
  if (is.null(out)) on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  info <- call(dir)
  files <- sort(list.files(dir, pattern = "\\.csv$"))
  tables <- lapply(file.path(dir, files), .read_table)
  names(tables) <- sub("\\.csv$", "", files)
  mf <- file.path(dir, "manifest.json")
  if (file.exists(mf))
    tables$manifest <- if (requireNamespace("jsonlite", quietly = TRUE)) jsonlite::fromJSON(mf, simplifyVector = FALSE)
                       else paste(readLines(mf, warn = FALSE), collapse = "\n")
  structure(c(tables, list(info = info, dir = out)), class = c(paste0("netlearn_", kind), "netlearn_tables"))
}

#' A study (docs/study.md; YAML path, YAML text or a list): simulation, virtual survey, PLS-SEM on
#' every replication, hypothesis verdicts. `set` takes what `netlearn study --set` takes
#' (list(`analysis.boot` = 200)). Returns a list of data.frames named like the CSV files
#' (series, summary, pls_replications, hypotheses, facts); with `out` the directory keeps
#' everything (report.html unless report = FALSE).
study <- function(study, set = list(), replications = NULL, seed = NULL, threads = NULL, out = NULL, report = NULL,
                  progress = FALSE) {
  src <- .scenario_source(study, "study")
  s <- .set_args(set)
  if (!is.null(replications)) { s$keys <- c(s$keys, "replications"); s$values <- c(s$values, as.character(.int_arg(replications, "replications", 1))) }
  if (!is.null(seed)) { s$keys <- c(s$keys, "seed"); s$values <- c(s$values, sprintf("%.0f", .seed_arg(seed))) }
  nthreads <- if (is.null(threads)) 0L else .int_arg(threads, "threads", 1)
  rep <- if (is.null(report)) !is.null(out) else isTRUE(report)
  .in_directory("study", out, function(dir) .with_progress(progress, .Call(C_nlr_study, src$text, src$name,
                                                  src$path, s$keys, s$values, dir, nthreads, rep)))
}

#' Calibrate a model's parameters to observed statistics (docs/calibrate.md). Returns a list of
#' data.frames (estimates, fit, trace) and `info`, the identification check in words. With `out`
#' every evaluation stays in out/results.db and calling again resumes.
calibrate <- function(spec, set = list(), threads = NULL, out = NULL, report = NULL) {
  src <- .scenario_source(spec, "calibration")
  s <- .set_args(set)
  nthreads <- if (is.null(threads)) 0L else .int_arg(threads, "threads", 1)
  rep <- if (is.null(report)) !is.null(out) else isTRUE(report)
  .in_directory("calibrate", out, function(dir) .Call(C_nlr_calibrate, src$text, src$name, src$path, s$keys,
                                                      s$values, dir, nthreads, rep))
}

#' Monte Carlo power of a PLS-SEM model with population values (docs/power.md; `netlearn power`; not
#' named power() so as not to mask stats::power) at the sample sizes
#' `n`. Returns a list of data.frames (power, min_n, population_cor, settings) and `info`, the
#' failed and non-converged replications.
pls_power <- function(model, n, reps = 1000, boot = 500, test = "percentile", alpha = 0.05, tails = 2, plsc = FALSE,
                  population = "composite", likert = 0, seed = 1, threads = 1, out = NULL) {
  m <- .model_source(model)
  if (!is.numeric(n) || !length(n) || anyNA(n) || any(n != round(n)) || any(n < 1))
    stop("n: expected sample sizes, e.g. c(50, 100, 200)", call. = FALSE)
  if (!tails %in% c(1, 2)) stop("tails: expected 1 or 2", call. = FALSE)
  if (!is.numeric(alpha) || length(alpha) != 1L || !(alpha > 0 && alpha < 1))
    stop("alpha: expected a number in (0, 1)", call. = FALSE)
  likert <- .int_arg(likert, "likert", 0)
  if (likert == 1L) stop("likert: expected 0 (continuous) or at least 2 categories", call. = FALSE)
  iopt <- c(.choice(population, list(composite = 0L, factor = 1L), "population"), likert,
            .int_arg(reps, "reps", 1), .int_arg(boot, "boot", 10), .choice(test, list(percentile = 0L, t = 1L), "test"),
            as.integer(tails), as.integer(isTRUE(plsc)), .int_arg(threads, "threads", 1))
  dopt <- c(alpha, .seed_arg(seed))
  .in_directory("power", out, function(dir) {
    r <- .Call(C_nlr_power, m$text, m$source, as.double(n), dir, iopt, dopt)
    c(failed = r[1], nonconverged = r[2])
  })
}

#' Global sensitivity analysis of any model (docs/sensitivity.md; YAML path, YAML text or a list):
#' Sobol' indices or Morris screening. Returns a list of data.frames (design, and indices, indices2
#' and convergence, or morris and convergence), equal to `netlearn sensitivity`'s files. With
#' `out` every run stays in out/results.db and calling again resumes.
sensitivity <- function(spec, threads = NULL, out = NULL) {
  src <- .scenario_source(spec, "sensitivity analysis")
  nthreads <- if (is.null(threads)) 0L else .int_arg(threads, "threads", 1)
  .in_directory("sensitivity", out, function(dir) .Call(C_nlr_sensitivity, src$text, src$name, src$path, dir,
                                                        nthreads))
}

#' A virtual survey of one simulated replication (docs/survey.md): `sample` units of the scenario's
#' model (coopnet's firms, lazer2007's agents, fang2010's individuals, any model with units) answer
#' 1..7 Likert items about constructs, each computed from the unit field(s) named for it. Returns a
#' data.frame: the unit's index (a column named after the unit), then one column per item.
#' `constructs`: list(NAME = list(field = "score" or c("a", "b") (summed), loadings = c(.85, .8, .75),
#' window = FALSE)), or list(EXPLORE = c(...)) for coopnet's default constructs; NULL: coopnet's
#' five. `period` defaults to the scenario's last, `window` to period / 2; `seed` to the scenario's.
#' The same settings give the study's surveys/survey_rep<r>.csv.
survey <- function(scenario, constructs = NULL, sample = NULL, period = NULL, window = NULL, noise = NULL,
                   replication = 0, seed = NULL, set = list(), out = NULL) {
  src <- .scenario_source(scenario)
  s <- .set_args(set)
  settings <- c()
  for (k in c("sample", "period", "window")) {
    v <- get(k)
    if (!is.null(v)) settings[k] <- .int_arg(v, k, if (k == "sample") 3 else 1)
  }
  if (!is.null(noise)) {
    if (!is.numeric(noise) || length(noise) != 1L || is.na(noise)) stop("noise: expected a number", call. = FALSE)
    settings["noise"] <- noise
  }
  if (!length(settings)) settings <- numeric()
  storage.mode(settings) <- "double" # keeps the names
  cn <- character(); cf <- character(); cw <- logical(); cl <- list()
  if (!is.null(constructs)) {
    if (!is.list(constructs) || is.null(names(constructs)) || any(!nzchar(names(constructs))))
      stop("constructs: expected a named list, e.g. list(SCORE = list(field = \"score\", loadings = c(.85, .8, .75)))",
           call. = FALSE)
    for (nm in names(constructs)) {
      spec <- constructs[[nm]]; what <- sprintf("constructs$%s", nm)
      field <- ""; window <- FALSE
      if (is.list(spec)) {
        bad <- setdiff(names(spec), c("field", "loadings", "window"))
        if (length(bad)) stop(sprintf("%s: unknown key '%s' (expected field, loadings, window)", what, bad[1]),
                              call. = FALSE)
        if (is.null(spec$loadings)) stop(sprintf("%s: missing 'loadings'", what), call. = FALSE)
        if (!is.null(spec$field)) {
          if (!is.character(spec$field) || !length(spec$field) || anyNA(spec$field))
            stop(sprintf("%s: field: expected unit field names", what), call. = FALSE)
          field <- paste(spec$field, collapse = "+")
        }
        if (!is.null(spec$window)) {
          if (!is.logical(spec$window) || length(spec$window) != 1L || is.na(spec$window))
            stop(sprintf("%s: window: expected TRUE or FALSE", what), call. = FALSE)
          window <- spec$window
        }
        loads <- spec$loadings
      } else {
        loads <- spec
      }
      if (!is.numeric(loads) || !length(loads) || anyNA(loads))
        stop(sprintf("%s: loadings: expected a numeric vector", what), call. = FALSE)
      cn <- c(cn, nm); cf <- c(cf, field); cw <- c(cw, window); cl[[length(cl) + 1L]] <- as.double(loads)
    }
  }
  iopt <- c(if (is.null(seed)) -1 else .int_arg(seed, "seed", 0), .int_arg(replication, "replication", 0))
  csv <- if (is.null(out)) tempfile("netlearn-survey-", fileext = ".csv") else out
  if (is.null(out)) on.exit(unlink(csv), add = TRUE)
  .Call(C_nlr_survey, src$text, src$name, src$path, s$keys, s$values, cn, cf, cw, cl, settings, as.double(iopt), csv)
  .read_table(csv)
}

print.netlearn_tables <- function(x, ...) {
  tabs <- names(x)[vapply(x, is.data.frame, TRUE)]
  cat(sprintf("netlearn %s: %s%s\n", sub("netlearn_", "", class(x)[1]), paste(tabs, collapse = ", "),
              if (is.null(x$dir)) "" else paste0(" (in ", x$dir, ")")))
  invisible(x)
}

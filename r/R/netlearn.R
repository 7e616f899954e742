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

.int_arg <- function(v, what, lo) {
  if (!is.numeric(v) || length(v) != 1L || is.na(v) || v != round(v) || v < lo)
    stop(sprintf("%s: expected an integer >= %d, got %s", what, lo, deparse1(v)), call. = FALSE)
  as.integer(v)
}

# A list as JSON (which YAML parses): named lists are objects, unnamed lists and vectors of
# length > 1 arrays, scalars numbers, booleans or strings.
.to_json <- function(x) {
  esc <- function(s) paste0('"', gsub('([\"\\\\])', "\\\\\\1", gsub("\n", "\\\\n", s)), '"')
  scalar <- function(v) {
    if (is.logical(v)) return(if (isTRUE(v)) "true" else "false")
    if (is.numeric(v)) return(.shortest(format(v, digits = 17L), v))
    esc(as.character(v))
  }
  if (is.list(x)) {
    nm <- names(x)
    if (!is.null(nm) && all(nzchar(nm))) {
      return(paste0("{", paste(esc(nm), vapply(x, .to_json, ""), sep = ": ", collapse = ", "), "}"))
    }
    return(paste0("[", paste(vapply(x, .to_json, ""), collapse = ", "), "]"))
  }
  if (is.null(x)) return("null")
  if (length(x) == 1L) return(scalar(x))
  paste0("[", paste(vapply(as.list(x), scalar, ""), collapse = ", "), "]")
}

#' Every model's parameters: model, title, name, type, default, min, max, choices, doc.
models <- function() {
  as.data.frame(.Call(C_nlr_models), stringsAsFactors = FALSE)
}

.scenario_source <- function(scenario) {
  if (is.list(scenario)) return(list(text = .to_json(scenario), name = "<list>", path = NULL))
  if (!is.character(scenario) || length(scenario) != 1L || is.na(scenario))
    stop("scenario: expected a YAML file path, YAML text or a list", call. = FALSE)
  if (!grepl("\n", scenario) && (file.exists(scenario) || grepl("\\.ya?ml$", scenario)))
    return(list(text = NULL, name = NULL, path = scenario))
  list(text = scenario, name = "<string>", path = NULL)
}

#' Run a scenario (YAML path, YAML text or a list): its replications, or every design point of its
#' sweep (with `out` the results database is kept there and calling again resumes it). Returns a
#' list of data.frames equal to `netlearn run`'s CSV files: final, series,
#' summary, points (sweeps), and the manifest (a list when jsonlite is installed, else its text).
run <- function(scenario, set = list(), replications = NULL, seed = NULL, periods = NULL, until = NULL,
                threads = NULL, out = NULL, force_new = FALSE) {
  src <- .scenario_source(scenario)
  if (!is.list(set) && !is.atomic(set)) stop("set: expected a named list", call. = FALSE)
  if (length(set) && (is.null(names(set)) || any(!nzchar(names(set)))))
    stop("set: expected a named list, e.g. list(p1 = 0.3)", call. = FALSE)
  keys <- names(set)
  values <- vapply(seq_along(set), function(i) .scalar_text(set[[i]], sprintf("set$%s", keys[i])), "")
  if (is.null(keys)) keys <- character()
  add <- function(k, v) { keys <<- c(keys, k); values <<- c(values, v) }
  if (!is.null(replications)) add("replications", as.character(.int_arg(replications, "replications", 1)))
  if (!is.null(seed)) add("seed", format(.int_arg(seed, "seed", 0)))
  if (!is.null(periods)) add("periods", as.character(.int_arg(periods, "periods", 1)))
  if (!is.null(until)) {
    if (!until %in% c("equilibrium", "periods"))
      stop("until: expected 'equilibrium' or 'periods'", call. = FALSE)
    add("until", until)
  }
  nthreads <- if (is.null(threads)) 0L else .int_arg(threads, "threads", 1)
  dir <- if (is.null(out)) tempfile("netlearn-run-") else out
  if (is.null(out)) on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  model <- .Call(C_nlr_run, src$text, src$name, src$path, as.character(keys), as.character(values),
                 dir, nthreads, isTRUE(force_new))
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
  if (!is.character(model) || length(model) != 1L || is.na(model))
    stop("model: expected lavaan-style model text or a file path", call. = FALSE)
  source <- "<model>"
  if (!grepl("~", model)) {
    if (!file.exists(model))
      stop(sprintf("model: '%s' is neither a model (no '=~', '<~' or '~') nor an existing file", model),
           call. = FALSE)
    source <- model
    model <- paste(readLines(model, warn = FALSE), collapse = "\n")
  }
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
  dopt <- c(tol, if (is.null(na)) 0 else na, alpha, .int_arg(seed, "seed", 0))
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

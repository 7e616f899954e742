calib <- list(
  simulation = list(model = "march1991", parameters = list(m = 30, n = 50, p1 = 0.1, p2 = 0.5),
                    stop = list(until = "equilibrium", periods = 5000), seed = 1),
  parameters = list(p1 = c(0.05, 0.95), p2 = c(0.05, 0.95)), replications = 30, seed = 9,
  optimizer = list(method = "neldermead", max_evals = 20, starts = 2), inference = list(profile_points = 3),
  targets = list(list(measure = "code_knowledge", stat = "mean", value = 0.85, se = 0.01),
                 list(measure = "periods", stat = "mean", value = 40, se = 1)))

same_tables <- function(res, dir, names) {
  for (t in names) {
    cli_t <- read_cli(file.path(dir, paste0(t, ".csv")))
    keep <- setdiff(names(cli_t), "seconds") # wall time: the only column allowed to differ
    expect_equal(res[[t]][keep], cli_t[keep], label = t)
  }
}

test_that("study() equals `netlearn study`", {
  out <- tempfile(); on.exit(unlink(out, recursive = TRUE))
  expect_equal(system2(cli, c("study", src("examples/seed-study.yaml"), "-o", out, "-q", "--set", "replications=3",
                              "--set", "analysis.boot=40", "--set", "analysis.contrasts=false")), 0)
  st <- study(src("examples/seed-study.yaml"), replications = 3,
              set = list(analysis.boot = 40, analysis.contrasts = FALSE))
  same_tables(st, out, c("hypotheses", "pls_replications", "facts", "summary"))
  expect_equal(st$hypotheses$id[1:4], c("H1", "H2", "H3", "H4"))
  expect_error(study(src("examples/seed-study.yaml"), set = list(survey.sample = 100000)), "survey.sample")
  expect_error(study(list(simulation = list(model = "coopnet"), surveys = list(a = 1))), "surveys.*survey")
})

test_that("calibrate() equals `netlearn calibrate`", {
  out <- tempfile(); spec <- tempfile(fileext = ".yaml")
  on.exit(unlink(c(out, spec), recursive = TRUE))
  writeLines(netlearn:::.to_yaml(calib, "calibration"), spec)
  expect_equal(system2(cli, c("calibrate", spec, "-o", out, "-q")), 0)
  cal <- calibrate(calib, threads = 2)
  same_tables(cal, out, c("estimates", "fit", "trace"))
  # the identification check in words, as the CLI's report says it (its wording depends on the fit)
  expect_true(nchar(cal$info) > 0)
  expect_true(grepl(substr(cal$info, 1, 40), paste(readLines(file.path(out, "report.html"), warn = FALSE), collapse = "\n"), fixed = TRUE))
  bad <- calib; bad$parameters <- list(p9 = c(0.1, 0.9))
  expect_error(calibrate(bad), "p9.*p1")
})

test_that("pls_power() equals `netlearn power`", {
  out <- tempfile(); on.exit(unlink(out, recursive = TRUE))
  model <- src("examples/power/seed-model.txt")
  expect_equal(system2(cli, c("power", model, "--n", "60,120", "--reps", "16", "--boot", "40", "--seed", "3",
                              "-o", out, "-q")), 0)
  pw <- pls_power(model, n = c(60, 120), reps = 16, boot = 40, seed = 3, threads = 2)
  same_tables(pw, out, c("power", "min_n", "population_cor"))
  expect_error(pls_power(model, n = numeric()), "n:")
  expect_error(pls_power(model, n = 60, test = "z"), "test")
  expect_error(pls_power("A =~ x1 + 0.7*x2\nB =~ 0.8*y1 + 0.8*y2\nB ~ 0.3*A", n = 60), "<model>:1:[0-9]+")
})

# manifest.json without what differs between two correct runs (tests/golden/run-golden): the command
# line and wall-clock times.
without_run_facts <- function(path)
  grep('"(command_line|seconds|started|finished|elapsed)"', readLines(path), value = TRUE, invert = TRUE)

test_that("sensitivity() equals `netlearn sensitivity` byte for byte", {
  # Same spec and seed: every file the CLI writes (manifest.json but its command line and times);
  # both go through nl_sensitivity_run_dir.
  sob <- list(name = "tiny-sobol",
              scenario = list(model = "march1991", parameters = list(m = 20, n = 20, p1 = 0.1, p2 = 0.5),
                              replications = 2, seed = 1991, stop = list(until = "equilibrium", periods = 300)),
              method = "sobol", n = 16, second_order = TRUE,
              parameters = list(p1 = list(from = 0.05, to = 0.9), p2 = list(from = 0.05, to = 0.9)),
              outputs = list("code_knowledge"))
  out <- tempfile(); r <- tempfile(); spec <- tempfile(fileext = ".yaml")
  on.exit(unlink(c(out, r, spec), recursive = TRUE))
  writeLines(netlearn:::.to_yaml(sob, "sensitivity"), spec)
  expect_equal(system2(cli, c("sensitivity", spec, "-o", out, "-q")), 0)
  s <- sensitivity(spec, out = r, threads = 2)
  files <- sort(list.files(out))
  expect_identical(sort(list.files(r)), files)
  expect_setequal(files, c("design.csv", "indices.csv", "indices2.csv", "convergence.csv",
                           "sobol_code_knowledge.svg", "manifest.json", "results.db"))
  for (f in setdiff(files, c("results.db", "manifest.json")))
    expect_identical(readBin(file.path(out, f), "raw", 1e7), readBin(file.path(r, f), "raw", 1e7), label = f)
  expect_identical(without_run_facts(file.path(r, "manifest.json")), without_run_facts(file.path(out, "manifest.json")))
  expect_equal(s$indices$parameter, c("p1", "p2", "dummy"))
  bad <- sob; bad$parameters <- list(p9 = list(from = 0.1, to = 0.5))
  expect_error(sensitivity(bad), "p9")
})

sim <- list(model = "coopnet", parameters = list(firms = 40, n = 10, n_max = 40), replications = 2, seed = 7,
            stop = list(until = "periods", periods = 30))

test_that("survey() equals the study's survey files (without coopnet's formal column)", {
  out <- tempfile(); yaml <- tempfile(fileext = ".yaml")
  on.exit(unlink(c(out, yaml), recursive = TRUE))
  writeLines(c("simulation:", "  model: coopnet", "  parameters: {firms: 40, n: 10, n_max: 40}",
               "  replications: 2", "  seed: 7", "  stop: {until: periods, periods: 30}",
               "survey:", "  period: 30", "  window: 12", "  sample: 30",
               "analysis: {boot: 20, contrasts: false}"), yaml)
  expect_equal(system2(cli, c("study", yaml, "-o", out, "-q", "--no-report")), 0)
  for (r in 0:1) {
    got <- survey(sim, sample = 30, period = 30, window = 12, replication = r)
    want <- read_cli(file.path(out, "surveys", sprintf("survey_rep%d.csv", r)))
    want$formal <- NULL
    expect_equal(got, want)
  }
})

test_that("survey() of lazer2007's agents: columns, order, reproducible, the model's relation", {
  cons <- list(SCORE = list(field = "score", loadings = c(0.85, 0.8, 0.75)),
               SEEN = list(field = "best_neighbour_score", loadings = c(0.85, 0.8, 0.75)))
  scen <- list(model = "lazer2007", parameters = list(n = 100, network = "watts_strogatz"), seed = 7,
               stop = list(until = "periods", periods = 12))
  d <- survey(scen, constructs = cons, sample = 80, replication = 1)
  expect_named(d, c("agent", "score1", "score2", "score3", "seen1", "seen2", "seen3"))
  expect_equal(nrow(d), 80)
  expect_false(is.unsorted(d$agent, strictly = TRUE))
  expect_true(all(as.matrix(d[, -1]) %in% 1:7))
  expect_equal(survey(scen, constructs = cons, sample = 80, replication = 1), d)
  expect_false(isTRUE(all.equal(survey(scen, constructs = cons, sample = 80, replication = 2), d)))
  expect_gt(cor(rowSums(d[, 2:4]), rowSums(d[, 5:7])), 0.3)
})

test_that("survey() names bad input", {
  scen <- list(model = "lazer2007", parameters = list(n = 50), stop = list(until = "periods", periods = 5))
  expect_error(survey(scen, constructs = list(S = list(field = "scor", loadings = c(.8, .8))), sample = 20),
               "agents have no field 'scor' \\(did you mean 'score'\\?\\)")
  expect_error(survey(scen, constructs = list(S = list(field = "score", loadings = c(.8, .8))), sample = 60),
               "survey sample 60 is larger than the 50 agents")
  expect_error(survey(scen, sample = 20), "have not coopnet's fields")
  expect_error(survey(list(model = "march1991"), constructs = list(S = list(field = "x", loadings = c(.8, .8)))),
               "model 'march1991' has no units")
  expect_error(survey(scen, constructs = list(S = list(fields = "score", loadings = c(.8, .8)))),
               "unknown key 'fields'")
  expect_error(survey(scen, constructs = list(S = list(field = "score", loadings = "high"))), "numeric vector")
  expect_error(survey(scen, sample = 2.5), "sample: expected an integer")
})

test_that("progress = TRUE draws a txtProgressBar; a progress function sees the runs and can stop", {
  scen <- src("examples/march1991/basic.yaml")
  txt <- capture.output(r <- run(scen, replications = 8, threads = 1, progress = TRUE))
  expect_true(any(grepl("100%", txt, fixed = TRUE)))
  seen <- c()
  run(scen, replications = 6, threads = 1, progress = function(done, total) { seen <<- c(seen, done); FALSE })
  expect_equal(seen, 1:6)
  expect_error(run(scen, replications = 6, threads = 1, progress = function(done, total) done >= 2),
               "cancelled by the progress function")
  expect_error(run(scen, replications = 2, threads = 1, progress = function(done, total) stop("boom")),
               "progress: .*boom")
  expect_error(run(scen, replications = 2, progress = "yes"), "progress: expected TRUE, FALSE or a function")
  # with several threads the bar is updated from the R thread only, and still completes
  txt <- capture.output(run(scen, replications = 8, threads = 2, progress = TRUE))
  expect_true(any(grepl("100%", txt, fixed = TRUE)))
})

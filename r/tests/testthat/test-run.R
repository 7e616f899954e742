test_that("models() lists every model's parameters", {
  m <- models()
  expect_named(m, c("model", "title", "name", "type", "default", "min", "max", "choices", "doc"))
  expect_setequal(unique(m$model), c("march1991", "coopnet", "lazer2007", "fang2010"))
  p1 <- m[m$model == "march1991" & m$name == "p1", ]
  expect_equal(c(p1$type, p1$default), c("real", "0.1"))
  expect_equal(c(p1$min, p1$max), c(0, 1))
})

test_that("run() equals `netlearn run` byte for byte", {
  out <- tempfile(); py <- tempfile()
  on.exit(unlink(c(out, py), recursive = TRUE))
  status <- system2(cli, c("run", src("examples/march1991/basic.yaml"), "-o", out, "-q", "--set", "p1=0.3",
                           "--set", "replications=6"))
  expect_equal(status, 0)
  r <- run(src("examples/march1991/basic.yaml"), set = list(p1 = 0.3), replications = 6, out = py)
  for (f in c("final.csv", "series.csv", "summary.csv"))
    expect_identical(readBin(file.path(out, f), "raw", 1e7), readBin(file.path(py, f), "raw", 1e7), label = f)
  expect_equal(r$final, read_cli(file.path(out, "final.csv")))
  expect_equal(r$summary, read_cli(file.path(out, "summary.csv")))
  expect_equal(r$manifest$status, "complete")
  expect_s3_class(r, "netlearn_run")
})

test_that("run() takes YAML text and lists; threads do not change results", {
  text <- paste(readLines(src("examples/march1991/basic.yaml")), collapse = "\n")
  a <- run(text, replications = 4, seed = 11, threads = 1)
  b <- run(list(model = "march1991", parameters = list(m = 30, n = 50, p1 = 0.1, p2 = 0.5), replications = 4,
                seed = 11, stop = list(until = "equilibrium", periods = 5000),
                outputs = list(series = TRUE, every = 1, measures = list("code_knowledge"))), threads = 2)
  expect_equal(a$final$code_knowledge, b$final$code_knowledge)
  expect_true(all(a$final$equilibrium == "true" | a$final$equilibrium == TRUE))
  expect_gt(mean(a$final$code_knowledge), 0.7) # March (1991): p1 = 0.1 ends at high code knowledge
})

test_that("run() runs a sweep: every design point and resumes", {
  out <- tempfile()
  on.exit(unlink(out, recursive = TRUE))
  sc <- list(model = "march1991", parameters = list(m = 20, n = 20), replications = 3, seed = 5,
             stop = list(until = "equilibrium", periods = 300),
             sweep = list(design = "grid", parameters = list(p1 = c(0.1, 0.5), p2 = c(0.5, 0.9))))
  r <- run(sc, out = out)
  expect_equal(nrow(r$points), 4)
  expect_equal(nrow(r$final), 12)
  again <- run(sc, out = out)
  expect_equal(again$final, r$final)
})

test_that("bad scenarios and arguments are R errors with the library's message", {
  basic <- src("examples/march1991/basic.yaml")
  expect_error(run(basic, set = list(p9 = 0.3)), "unknown parameter 'p9'.*'p1'")
  expect_error(run(basic, set = list(p1 = 1.5)), "p1.*range")
  expect_error(run(basic, set = list(p1 = c(0.1, 0.2))), "set\\$p1")
  expect_error(run(basic, set = list(p1 = NA)), "set\\$p1")
  expect_error(run(basic, set = list(0.3)), "named list")
  expect_error(run(basic, replications = 0), "replications")
  expect_error(run(basic, until = "forever"), "until")
  expect_error(run(file.path(tempdir(), "nowhere.yaml")), "nowhere.yaml")
  expect_error(run(list(model = "march1991", parametrs = list(p1 = 0.2))), "parametrs.*parameters")
  expect_error(run("model: march1991\nparameters: {p1: [\n"), "<string>:[0-9]+:[0-9]+: malformed YAML")
  expect_error(run(42), "scenario")
})

test_that("Ctrl-C (SIGINT) is R's interrupt: finished runs kept, no manifest", {
  out <- tempfile(); on.exit(unlink(out, recursive = TRUE))
  system(sprintf("sh -c 'sleep 0.4; kill -INT %d' &", Sys.getpid()))
  t0 <- Sys.time()
  got <- tryCatch(run(list(model = "march1991", replications = 3000, stop = list(until = "periods", periods = 2000),
                           outputs = list(series = FALSE)), threads = 2, out = out),
                  interrupt = function(e) "interrupted")
  expect_identical(got, "interrupted")
  expect_lt(as.numeric(Sys.time() - t0, units = "secs"), 10)
  expect_true(file.exists(file.path(out, "results.db")))
  expect_false(file.exists(file.path(out, "manifest.json")))
})

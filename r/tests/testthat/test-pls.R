mobi <- read.csv(src("tests/data/mobi.csv"))
model <- paste(readLines(src("tests/pls/mobi.model")), collapse = "\n")
ref_lines <- grep("^#", readLines(src("tests/pls/seminr_reference.csv")), invert = TRUE, value = TRUE)
ref <- read.csv(text = ref_lines, stringsAsFactors = FALSE, na.strings = character())
ref <- ref[ref$model == "mobi", ]
seminr <- function(q, row, col = "") ref$value[ref$quantity == q & ref$row == row & ref$col == col]
tol <- 1e-10 # tables carry 15 significant digits; the C tests agree with seminr to ~1e-13

test_that("pls() equals seminr 2.3.1 (tests/pls/seminr_reference.csv)", {
  f <- pls(model, mobi)
  expect_s3_class(f, "netlearn_pls")
  n <- 0
  for (i in seq_len(nrow(f$paths))) {
    expect_equal(f$paths$estimate[i], seminr("path", f$paths$from[i], f$paths$to[i]), tolerance = tol)
    n <- n + 1
  }
  for (t in c("weights", "loadings")) for (i in seq_len(nrow(f[[t]]))) {
    expect_equal(f[[t]]$estimate[i], seminr(sub("s$", "", t), f[[t]]$construct[i], f[[t]]$indicator[i]),
                 tolerance = tol)
    n <- n + 1
  }
  for (i in seq_len(nrow(f$reliability))) for (q in c("alpha", "rho_c", "ave", "rho_a")) {
    expect_equal(f$reliability[[q]][i], seminr(q, f$reliability$construct[i]), tolerance = tol)
    n <- n + 1
  }
  for (i in seq_len(nrow(f$rsquared))) {
    expect_equal(f$rsquared$r2[i], seminr("rsq", f$rsquared$construct[i]), tolerance = tol)
    n <- n + 1
  }
  for (i in seq_len(nrow(f$htmt))) {
    v <- c(seminr("htmt", f$htmt$construct1[i], f$htmt$construct2[i]),
           seminr("htmt", f$htmt$construct2[i], f$htmt$construct1[i]))[1]
    expect_equal(f$htmt$estimate[i], v, tolerance = tol)
    n <- n + 1
  }
  expect_equal(n, 12 + 24 + 24 + 4 * 7 + 6 + 21)
  expect_equal(unname(coef(f)[["Image -> Expectation"]]), seminr("path", "Image", "Expectation"), tolerance = tol)
})

test_that("pls() equals `netlearn pls`: every table and the printed report", {
  out <- tempfile()
  on.exit(unlink(out, recursive = TRUE))
  owd <- setwd(root)
  on.exit(setwd(owd), add = TRUE)
  printed <- system2(cli, c("pls", "tests/pls/mobi.model", "tests/data/mobi.csv", "-o", out, "--boot", "60",
                            "--seed", "7"), stdout = TRUE)
  f <- pls("tests/pls/mobi.model", mobi, boot = 60, seed = 7, threads = 2,
           title = "tests/pls/mobi.model on tests/data/mobi.csv")
  files <- sub("\\.csv$", "", list.files(out, pattern = "\\.csv$"))
  expect_setequal(files, setdiff(names(f), c("report", "converged")))
  for (t in files) expect_equal(f[[t]], read_cli(file.path(out, paste0(t, ".csv"))), label = t)
  report <- strsplit(f$report, "\n")[[1]]
  expect_equal(printed[seq_along(report)], report)
  expect_output(print(summary(f)), "Path Coefficients")
  expect_output(print(f), "Image -> Expectation")
})

test_that("bad data and arguments give clear errors", {
  expect_error(pls(model, mobi[, names(mobi) != "CUEX2"]), "CUEX2")
  bad <- mobi; bad$PERQ3 <- "x"
  expect_error(pls(model, bad), "PERQ3.*not numeric")
  bad <- mobi; bad$PERV1 <- NA_real_
  expect_error(pls(model, bad), "PERV1")
  bad <- mobi; bad$PERV1 <- 1
  expect_error(pls(model, bad), "PERV1")
  expect_error(pls(model, mobi, scheme = "circular"), "scheme")
  expect_error(pls(model, mobi, boot = -1), "boot")
  expect_error(pls(model, mobi, alpha = 2), "alpha")
  expect_error(pls(model, mobi[0, ]), "empty")
  expect_error(pls("A =~ IMAG1 + IMAG2\nB =~ + CUEX1\nB ~ A", mobi), "<model>:2:[0-9]+")
  expect_error(pls("nowhere.model", mobi), "neither a model")
  expect_error(pls(model, 1:3), "data.frame")
})

test_that("missing values: NA, an NA code and casewise deletion", {
  holes <- mobi; holes$IMAG1[c(4, 18)] <- NA
  coded <- mobi; coded$IMAG1[c(4, 18)] <- -99
  expect_equal(pls(model, holes)$paths, pls(model, coded, na = -99)$paths)
  expect_equal(pls(model, holes, missing = "casewise")$convergence$nobs, nrow(mobi) - 2)
})

test_that("non-convergence is a warning, the estimates are still returned", {
  expect_warning(f <- pls(model, mobi, max_iter = 2), "did not converge in 2 iterations")
  expect_false(f$converged)
})

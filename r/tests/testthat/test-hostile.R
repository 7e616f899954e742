# Hostile inputs from R (docs/robustness.md): each was a coercion warning and an NA, a raw byte in
# a message, or the wrong problem named, before its fix.

small <- list(model = "march1991", replications = 2, stop = list(until = "periods", periods = 5))
mdl <- "A =~ a1 + a2\nB =~ b1 + b2\nB ~ A"

test_that("integers beyond R's range are an error, not NA with a warning", {
  expect_error(run(small, replications = 1e12), "replications: 1e\\+12 is too large: at most 2147483647")
  expect_error(run(small, seed = 2^70), "seed: .* is too large: at most 9007199254740992")
  r <- run(small, seed = 2^40) # above R's integers, below 2^53: runs
  if (is.list(r$manifest)) expect_equal(r$manifest$scenario$seed, 2^40)
})

test_that("an infinite data cell and a non-text byte are named", {
  d <- data.frame(a1 = c(1, Inf, 3, 4, 5), a2 = c(1, 2, 3, 5, 4), b1 = c(1, 2, 3, 3, 5), b2 = c(3, 2, 1, 1, 2))
  expect_error(pls(mdl, d), "column 'a1', row 2: inf is not a value a survey can hold")
  bad <- rawToChar(as.raw(c(0x41, 0x20, 0x3d, 0x7e, 0x20, 0xff, 0x0a)))
  e <- tryCatch(pls(bad, d), error = function(e) conditionMessage(e))
  expect_true(validUTF8(e))
  expect_match(e, "found '\\\\xFF'")
})

test_that("a scenario given to study() names netlearn run; old network names run", {
  expect_error(study(src("examples", "march1991", "basic.yaml")),
               "'march1991' is a simulation model, so this is a scenario, not a study")
  base <- list(model = "lazer2007", replications = 2, seed = 3, stop = list(until = "periods", periods = 4))
  old <- run(modifyList(base, list(parameters = list(network = "ring", k = 2))))
  new <- run(modifyList(base, list(parameters = list(network = "ring", net_k = 2))))
  expect_identical(old$final, new$final)
  expect_error(run(modifyList(base, list(parameters = list(k = 2, net_k = 2)))), "'k' is the old name of 'net_k'")
})

library(testthat)
library(netlearn)
test_check("netlearn")

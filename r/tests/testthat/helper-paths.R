# The checkout and the build whose CLI the package is compared with (set by `make r`).
root <- Sys.getenv("NETLEARN_SOURCE", normalizePath(file.path(getwd(), "..", "..", "..")))
build <- Sys.getenv("NETLEARN_BUILD", file.path(root, "build"))
cli <- file.path(build, "netlearn")
src <- function(...) file.path(root, ...)
read_cli <- function(path) utils::read.csv(path, stringsAsFactors = FALSE, check.names = FALSE, na.strings = "NA")

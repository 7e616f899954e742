# Generates the mga_* rows of tests/pls/seminr_reference_wave2.csv (group betas of estimate_pls_mga).
# Usage: Rscript seminr_reference_wave2_mga.R SEMINR_R_DIR MOBI_GROUPS_CSV OUT_CSV
args <- commandArgs(trailingOnly = TRUE)
seminr <- new.env()
for (f in sort(list.files(args[1], full.names = TRUE))) sys.source(f, envir = seminr)
attach(seminr)
`%>%` <- function(lhs, rhs) rhs(lhs)
mobi <- read.csv(args[2])
out <- file(args[3], "w")
emit <- function(model, q, row, col, v) writeLines(sprintf("%s,%s,%s,%s,%.17g", model, q, row, col, v), out)
mm <- constructs(composite("Image", multi_items("IMAG",1:5)), composite("Expectation", multi_items("CUEX",1:3)),
  composite("Quality", multi_items("PERQ",1:7)), composite("Value", multi_items("PERV",1:2)),
  composite("Satisfaction", multi_items("CUSA",1:3)), composite("Complaints", single_item("CUSCO")),
  composite("Loyalty", multi_items("CUSL",1:3)))
sm <- relationships(paths(from="Image", to=c("Expectation","Satisfaction","Loyalty")),
  paths(from="Expectation", to=c("Quality","Value","Satisfaction")), paths(from="Quality", to=c("Value","Satisfaction")),
  paths(from="Value", to=c("Satisfaction")), paths(from="Satisfaction", to=c("Complaints","Loyalty")),
  paths(from="Complaints", to="Loyalty"))
m <- suppressMessages(estimate_pls(mobi, mm, sm))
set.seed(1)
mga <- suppressMessages(estimate_pls_mga(m, mobi$group == 1, nboot = 20))
for (k in seq_len(nrow(mga))) {
  emit("mga_group", "group1_path", mga$source[k], mga$target[k], mga$group1_beta[k])  # group 1
  emit("mga_group", "group2_path", mga$source[k], mga$target[k], mga$group2_beta[k])
}
close(out)

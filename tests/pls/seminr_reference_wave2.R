# Generates the data rows of tests/pls/seminr_reference_wave2.csv: moderation, higher-order constructs,
# PLSpredict LOOCV (about 5 minutes) and the group models of estimate_pls_mga().
# Usage: Rscript seminr_reference_wave2.R SEMINR_R_DIR MOBI_CSV MOBI_GROUPS_CSV OUT_CSV
# SEMINR_R_DIR: seminr's R/ sources (commit ae2524a) with the "seminr::" / "seminr:::" prefixes removed
# (sed -i 's/seminr:::\?//g' R/*.R), because seminr itself cannot be installed here.
args <- commandArgs(trailingOnly = TRUE)
seminr <- new.env()
for (f in sort(list.files(args[1], full.names = TRUE))) sys.source(f, envir = seminr)
attach(seminr)
`%>%` <- function(lhs, rhs) rhs(lhs)
mobi <- read.csv(args[2])
mobi_groups <- read.csv(args[3])
out <- file(args[4], "w")
emit <- function(model, q, row, col, v) writeLines(sprintf("%s,%s,%s,%s,%.17g", model, q, row, col, v), out)
emit_model <- function(name, m, scores = TRUE) {
  W <- m$outer_weights; L <- m$outer_loadings
  for (c in colnames(W)) for (r in rownames(W)) if (W[r, c] != 0) {
    emit(name, "weight", gsub("\\*", ":", c), gsub("\\*", ":", sub("_intxn$", "", r)), W[r, c])
    emit(name, "loading", gsub("\\*", ":", c), gsub("\\*", ":", sub("_intxn$", "", r)), L[r, c]) }
  P <- m$path_coef
  for (r in rownames(P)) for (c in colnames(P)) if (P[r, c] != 0) emit(name, "path", gsub("\\*", ":", r), c, P[r, c])
  R <- m$rSquared
  for (c in colnames(R)) { emit(name, "rsq", c, "", R["Rsq", c]); emit(name, "adj_rsq", c, "", R["AdjRsq", c]) }
  emit(name, "iterations", "", "", m$iterations)
  if (scores) { S <- m$construct_scores; n <- nrow(S)
    for (i in c(1, 2, 3, n)) for (c in colnames(S)) emit(name, "score", i, gsub("\\*", ":", c), S[i, c]) }
}
base_mm <- function(method) constructs(composite("Image", multi_items("IMAG",1:5)),
  composite("Expectation", multi_items("CUEX",1:3)), composite("Value", multi_items("PERV",1:2)),
  composite("Satisfaction", multi_items("CUSA",1:3)), composite("Loyalty", multi_items("CUSL",1:3)),
  interaction_term(iv="Image", moderator="Expectation", method=method))
mod_sm <- relationships(paths(to="Satisfaction", from=c("Image","Expectation","Value","Image*Expectation")),
  paths(to="Loyalty", from=c("Image","Satisfaction")))
for (meth in c("two_stage", "product_indicator", "orthogonal")) {
  m <- estimate_pls(mobi, base_mm(get(meth)), mod_sm)
  emit_model(paste0("mod_", meth), m)
}
hoc_mm <- constructs(composite("Image", multi_items("IMAG",1:5)), composite("Value", multi_items("PERV",1:2)),
  higher_composite("Satisfaction", dimensions=c("Image","Value"), method=two_stage),
  composite("Expectation", multi_items("CUEX",1:3)), composite("Complaints", single_item("CUSCO")),
  composite("Loyalty", multi_items("CUSL",1:3)))
hoc_sm <- relationships(paths(from="Expectation", to="Satisfaction"), paths(from="Satisfaction", to=c("Complaints","Loyalty")),
  paths(from="Complaints", to="Loyalty"))
m <- estimate_pls(mobi, hoc_mm, hoc_sm)
emit_model("hoc_a", m, scores = TRUE)
emit("hoc_a", "first_stage_iterations", "", "", m$first_stage_model$iterations)
hocb_mm <- constructs(composite("Quality", multi_items("PERQ",1:7)), composite("Value", multi_items("PERV",1:2)),
  higher_composite("Perception", dimensions=c("Quality","Value"), method=two_stage, weights=mode_B),
  composite("Expectation", multi_items("CUEX",1:3)), composite("Satisfaction", multi_items("CUSA",1:3)),
  composite("Loyalty", multi_items("CUSL",1:3)))
hocb_sm <- relationships(paths(from="Expectation", to=c("Perception","Satisfaction")), paths(from="Perception", to="Satisfaction"),
  paths(from="Satisfaction", to="Loyalty"))
m <- estimate_pls(mobi, hocb_mm, hocb_sm)
emit_model("hoc_b", m, scores = TRUE)

# PLSpredict, LOOCV, the ECSI model
mm <- constructs(composite("Image", multi_items("IMAG",1:5)), composite("Expectation", multi_items("CUEX",1:3)),
  composite("Quality", multi_items("PERQ",1:7)), composite("Value", multi_items("PERV",1:2)),
  composite("Satisfaction", multi_items("CUSA",1:3)), composite("Complaints", single_item("CUSCO")),
  composite("Loyalty", multi_items("CUSL",1:3)))
sm <- relationships(paths(from="Image", to=c("Expectation","Satisfaction","Loyalty")),
  paths(from="Expectation", to=c("Quality","Value","Satisfaction")), paths(from="Quality", to=c("Value","Satisfaction")),
  paths(from="Value", to=c("Satisfaction")), paths(from="Satisfaction", to=c("Complaints","Loyalty")),
  paths(from="Complaints", to="Loyalty"))
m <- suppressMessages(estimate_pls(mobi, mm, sm))
for (tech in c("DA", "EA")) {
  set.seed(1)
  pr <- predict_pls(m, technique = get(paste0("predict_", tech)), noFolds = NULL, cores = 2)
  s <- item_metrics(pr)   # what summary.predict_pls_model() reports (S3 dispatch does not reach the attached env)
  name <- paste0("predict_loocv_", tolower(tech))
  for (it in colnames(s$PLS_item_prediction_metrics_OOS)) {
    emit(name, "pls_rmse", it, "", s$PLS_item_prediction_metrics_OOS["RMSE", it])
    emit(name, "pls_mae", it, "", s$PLS_item_prediction_metrics_OOS["MAE", it])
    emit(name, "lm_rmse", it, "", s$LM_item_prediction_metrics_OOS["RMSE", it])
    emit(name, "lm_mae", it, "", s$LM_item_prediction_metrics_OOS["MAE", it])
  }
  P <- pr$PLS_out_of_sample; L <- pr$lm_out_of_sample
  for (r in c(1, 2, 250)) for (it in colnames(P)) { emit(name, "pls_prediction", r, it, P[r, it]); emit(name, "lm_prediction", r, it, L[r, it]) }
}

# multigroup: the group models of estimate_pls_mga()
# the same ECSI model (mm, sm above) on mobi_groups.csv
m <- suppressMessages(estimate_pls(mobi_groups, mm, sm))
set.seed(1)
mga <- suppressMessages(estimate_pls_mga(m, mobi_groups$group == 1, nboot = 20))
for (k in seq_len(nrow(mga))) {
  emit("mga_group", "group1_path", mga$source[k], mga$target[k], mga$group1_beta[k])  # group 1
  emit("mga_group", "group2_path", mga$source[k], mga$target[k], mga$group2_beta[k])
}
close(out)

# Generates the predict_loocv_* rows of tests/pls/seminr_reference_wave2.csv (PLSpredict LOOCV, seminr 2.3.1).
# Usage: Rscript seminr_reference_wave2_predict.R SEMINR_R_DIR MOBI_CSV OUT_CSV (see seminr_reference_wave2.R)
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
close(out)

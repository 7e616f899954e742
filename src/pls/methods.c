/*
 * Presets (the defaults of seminr, cSEM, SmartPLS and plspm) and methods.md, the paragraph that
 * says which methods, options, defaults and citations produced an estimation's numbers.
 *
 * The preset values were read from the packages' sources where available: seminr 2.3.1
 * (github:sem-in-r/seminr ae2524a: estimate_pls(), bootstrap_model(), predict_pls(),
 * interaction_term()), cSEM 0.6.1.9000 (github:FloSchuberth/cSEM 1aa2be5: R/zz_arguments.R,
 * predict(), csem()), plspm 0.4.9 (github:gastonstat/plspm bd21cb1: plspm(), check_boot(),
 * get_weights()); SmartPLS 4 from its documentation (closed source). docs/pls.md has the table.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "netlearn/version.h"
#include "pls/pls_internal.h"

static const char *const preset_names[] = {"netlearn", "seminr", "cSEM", "smartpls", "plspm"};

nl_status nl_pls_preset_from_name(const char *name, nl_pls_preset *out) {
  for (size_t k = 0; k < sizeof preset_names / sizeof preset_names[0]; k++) {
    const char *a = name, *b = preset_names[k];
    while (*a && *b && tolower((unsigned char)*a) == tolower((unsigned char)*b)) a++, b++;
    if (!*a && !*b) {
      *out = (nl_pls_preset)k;
      return NL_OK;
    }
  }
  return NL_EINVAL;
}

const char *nl_pls_preset_name(nl_pls_preset preset) {
  return (unsigned)preset < sizeof preset_names / sizeof preset_names[0] ? preset_names[preset] : "netlearn";
}

void nl_pls_preset_apply(nl_pls_preset preset, nl_pls_options *o, nl_pls_boot_options *b, nl_pls_predict_options *pr) {
  /* start from netlearn's defaults, then change what the package does differently */
  if (o) {
    nl_pls_options_default(o);
    o->preset = preset;
  }
  if (b) nl_pls_boot_options_default(b);
  if (pr) nl_pls_predict_options_default(pr);
  switch (preset) {
  case NL_PLS_PRESET_SEMINR: /* estimate_pls(): path, maxIt 300, stopCriterion 7, mean_replacement */
    if (o) o->interaction = NL_PLS_INTERACTION_PRODUCT_INDICATOR; /* interaction_term(method = product_indicator) */
    if (b) b->nboot = 500;                                         /* bootstrap_model(nboot = 500) */
    if (pr) pr->folds = 0, pr->reps = 1;                           /* predict_pls(noFolds = NULL): LOOCV, DA */
    break;
  case NL_PLS_PRESET_CSEM: /* csem(): PLS-PM, path, diff_absolute < 1e-5, 100 iterations, =~ disattenuated */
    if (o) {
      o->stop_rule = NL_PLS_STOP_MAX_ABS;
      o->tol = 1e-5;
      o->max_iter = 100;
      o->consistent = 1;
      o->missing = NL_PLS_MISSING_CASEWISE; /* cSEM refuses data with missing values */
    }
    if (b) b->nboot = 499; /* resamplecSEMResults(.R = 499) */
    if (pr) pr->folds = 10, pr->reps = 1, pr->technique = NL_PLS_PREDICT_EA; /* predict(.cv_folds = 10, .r = 1, earliest) */
    break;
  case NL_PLS_PRESET_SMARTPLS: /* SmartPLS 4: path, 1e-7, 3000 iterations, mean replacement, 5000 resamples */
    if (o) o->max_iter = 3000;
    if (b) b->nboot = 5000;
    if (pr) pr->folds = 10, pr->reps = 10, pr->technique = NL_PLS_PREDICT_EA;
    break;
  case NL_PLS_PRESET_PLSPM: /* plspm(): centroid, tol 1e-6 on sum of squared changes, maxiter 100, br 100 */
    if (o) {
      o->scheme = NL_PLS_SCHEME_CENTROID;
      o->stop_rule = NL_PLS_STOP_SUM_SQ;
      o->tol = 1e-6;
      o->max_iter = 100;
    }
    if (b) b->nboot = 100;
    break;
  default:
    break;
  }
}

/* ---- methods.md ---------------------------------------------------------------------------- */

static const char *scheme_words(nl_pls_scheme s) {
  return s == NL_PLS_SCHEME_FACTORIAL ? "factorial" : s == NL_PLS_SCHEME_CENTROID ? "centroid" : "path";
}

static const char *stop_words(nl_pls_stop_rule r) {
  return r == NL_PLS_STOP_MAX_ABS ? "the largest absolute change of an outer weight"
         : r == NL_PLS_STOP_SUM_SQ ? "the sum of squared changes of the absolute outer weights"
                                   : "the sum of absolute changes of the outer weights";
}

nl_status nl_pls_write_methods(nl_pls *p, FILE *f) {
  if (!p) return NL_EINVAL;
  if (!p->estimated) return nl_err(&p->err, NL_EINVAL, "nothing to describe: the model has not been estimated");
  const nl_pls_options *o = &p->opt;
  const nl_pls *base = p->stage1 ? p->stage1 : p; /* the data step happened there */
  size_t nA = 0, nB = 0, nint = 0, nhoc = 0, missing_cells = 0;
  for (size_t j = 0; j < p->nc; j++) {
    nl_pls_kind k = nl_pls_construct_kind(p, j);
    nint += k == NL_PLS_KIND_INTERACTION, nhoc += k == NL_PLS_KIND_HOC;
    if (k != NL_PLS_KIND_INTERACTION) *(p->cmode[j] == NL_PLS_MODE_B ? &nB : &nA) += 1;
  }
  if (base->Xna)
    for (size_t q = 0; q < base->n * base->ni; q++) missing_cells += isnan(base->Xna[q]) != 0;
  int refs[16] = {0}; /* which references to list */
  enum { R_WOLD, R_LOHM, R_SEMINR, R_DH, R_HC, R_HOC, R_BOOT, R_BCA, R_HTMT, R_FS, R_SHM, R_SHM19, R_IPMA, R_PRESET };

  fprintf(f, "# Methods\n\n");
  fprintf(f, "The model was estimated by partial least squares path modeling (PLS-PM; Wold, 1982; Lohmöller, 1989) "
             "with netlearn %s, whose estimates are numerically equal to those of the R package seminr 2.3.1 "
             "(Ray, Danks & Calero Valdez, 2022) for the same settings. ",
          NL_VERSION);
  refs[R_WOLD] = refs[R_LOHM] = refs[R_SEMINR] = 1;
  fprintf(f, "The sample comprised %zu observations", p->n);
  if (p->nall > p->n) fprintf(f, " (%zu rows with missing indicator values were deleted casewise)", p->nall - p->n);
  else if (missing_cells) fprintf(f, " (%zu missing indicator values were replaced by the indicator means)", missing_cells);
  fprintf(f, ". Indicators were standardized (mean 0, standard deviation 1 with denominator n - 1). ");
  fprintf(f, "%zu construct%s %s estimated with Mode A (correlation) weights", nA, nA == 1 ? "" : "s",
          nA == 1 ? "was" : "were");
  if (nB) fprintf(f, " and %zu with Mode B (regression) weights", nB);
  fprintf(f, "; the inner weights followed the %s weighting scheme. Initial outer weights were 1; the iterations "
             "stopped when %s fell below %g (at most %d iterations)",
          scheme_words(o->scheme), stop_words(o->stop_rule), o->tol, o->max_iter);
  if (p->ws.converged) fprintf(f, " and converged after %d iterations. ", p->ws.iterations);
  else fprintf(f, " and did NOT converge (last change %.3g). ", p->ws.diff);
  if (o->consistent) {
    fprintf(f, "Reflectively specified constructs were corrected for attenuation with consistent PLS (PLSc; "
               "Dijkstra & Henseler, 2015), using their reliability rho_A. ");
    refs[R_DH] = 1;
  }
  if (nint) {
    static const char *const how[] = {
        "the two-stage approach: the product of the construct scores from a first-stage estimation without the "
        "interaction terms is the single indicator of the interaction term",
        "the product-indicator approach: the products of the standardized indicators of the two constructs are "
        "the indicators of the interaction term (Mode A)",
        "the orthogonalizing approach: the products of the standardized indicators, each residualized on all "
        "indicators of the two constructs, are the indicators of the interaction term (Mode A)"};
    fprintf(f, "%zu interaction term%s (moderation) %s estimated with %s (Henseler & Chin, 2010); as in seminr, the "
               "interaction score is rescaled by the loading-weighted mean standard deviation of its product "
               "indicators. Simple slopes are reported at -1, 0 and +1 standard deviation of the moderator. ",
            nint, nint == 1 ? "" : "s", nint == 1 ? "was" : "were", how[o->interaction]);
    refs[R_HC] = 1;
  }
  if (nhoc) {
    fprintf(f, "%zu higher-order construct%s %s estimated with the two-stage approach: the scores of the "
               "lower-order constructs from a first-stage model, in which each higher-order construct was replaced "
               "by its dimensions, are its indicators in the second stage (Becker, Klein & Wetzels, 2012; Sarstedt "
               "et al., 2019). ",
            nhoc, nhoc == 1 ? "" : "s", nhoc == 1 ? "was" : "were");
    refs[R_HOC] = 1;
  }
  fprintf(f, "Path coefficients are OLS estimates on the construct scores; reliability is reported as Cronbach's "
             "alpha, composite reliability rho_C and rho_A (Dijkstra & Henseler, 2015), convergent validity as "
             "the average variance extracted, and discriminant validity by the heterotrait-monotrait ratio (HTMT; "
             "Henseler, Ringle & Sarstedt, 2015). ");
  refs[R_DH] = refs[R_HTMT] = 1;
  if (p->booted) {
    const nl_pls_boot_options *b = &p->bopt;
    fprintf(f, "Standard errors, p-values (Student t with B - 1 degrees of freedom) and %s %.0f%% confidence "
               "intervals come from a bootstrap with B = %zu resamples of the rows (%zu usable; no sign-change "
               "correction; Efron & Tibshirani, 1993), drawn from the counter-based random streams of seed %llu, "
               "so the results do not depend on the number of threads. ",
            b->ci == NL_PLS_CI_BCA ? "bias-corrected and accelerated (BCa; Efron, 1987)" : "percentile",
            100 * (1 - b->alpha), b->nboot, p->nboot_ok, b->seed);
    refs[R_BOOT] = 1;
    if (b->ci == NL_PLS_CI_BCA) refs[R_BCA] = 1;
    fprintf(f, "HTMT was tested against the thresholds .85 and .90 with its one-sided bootstrap upper bound at "
               "level %.0f%% (Franke & Sarstedt, 2019). ",
            100 * (1 - b->alpha));
    refs[R_FS] = 1;
  }
  if (p->pred) {
    size_t k = nl_pls_predict_folds(p);
    fprintf(f, "Out-of-sample predictive power was assessed with PLSpredict (Shmueli et al., 2016, 2019): ");
    if (k == p->n) fprintf(f, "leave-one-out cross-validation");
    else fprintf(f, "%zu-fold cross-validation repeated %zu times (predictions averaged over repetitions)", k,
                 nl_pls_predict_reps(p));
    fprintf(f, ", predictions from the %s, compared with a linear-model benchmark (each indicator regressed on all "
               "indicators of the other constructs, as seminr) by RMSE and MAE, and Q2predict against the training "
               "mean. ",
            pls_predict_technique_name(p));
    refs[R_SHM] = refs[R_SHM19] = 1;
  }
  if (p->ipma) {
    fprintf(f, "An importance-performance map analysis (Ringle & Sarstedt, 2016) for %s used indicators rescaled to "
               "0-100 and unstandardized total effects. ",
            p->cname[nl_pls_ipma_target(p)]);
    refs[R_IPMA] = 1;
  }
  if (o->preset != NL_PLS_PRESET_NONE)
    fprintf(f, "Defaults followed netlearn's `%s` preset, which reproduces the default settings of %s. ",
            nl_pls_preset_name(o->preset),
            o->preset == NL_PLS_PRESET_SEMINR     ? "seminr 2.3.1"
            : o->preset == NL_PLS_PRESET_CSEM     ? "cSEM 0.6 (Rademaker & Schuberth, 2020)"
            : o->preset == NL_PLS_PRESET_SMARTPLS ? "SmartPLS 4 (Ringle, Wende & Becker, 2022)"
                                                  : "plspm 0.4.9 (Sanchez, Trinchera & Russolillo, 2015)");
  fprintf(f, "\n\n## References\n\n");
  static const char *const text[] = {
      "Wold, H. (1982). Soft modeling: The basic design and some extensions. In K. G. Jöreskog & H. Wold (Eds.), "
      "Systems under indirect observation, part II (pp. 1-54). North-Holland.",
      "Lohmöller, J.-B. (1989). Latent variable path modeling with partial least squares. Physica.",
      "Ray, S., Danks, N. P., & Calero Valdez, A. (2022). seminr: Building and estimating structural equation "
      "models (R package version 2.3.1).",
      "Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least squares path modeling. MIS Quarterly, "
      "39(2), 297-316.",
      "Henseler, J., & Chin, W. W. (2010). A comparison of approaches for the analysis of interaction effects "
      "between latent variables using partial least squares path modeling. Structural Equation Modeling, 17(1), "
      "82-109.",
      "Becker, J.-M., Klein, K., & Wetzels, M. (2012). Hierarchical latent variable models in PLS-SEM. Long Range "
      "Planning, 45(5-6), 359-394. Sarstedt, M., Hair, J. F., Cheah, J.-H., Becker, J.-M., & Ringle, C. M. (2019). "
      "How to specify, estimate, and validate higher-order constructs in PLS-SEM. Australasian Marketing Journal, "
      "27(3), 197-211.",
      "Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap. Chapman & Hall.",
      "Efron, B. (1987). Better bootstrap confidence intervals. Journal of the American Statistical Association, "
      "82(397), 171-185.",
      "Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing discriminant validity in "
      "variance-based structural equation modeling. Journal of the Academy of Marketing Science, 43(1), 115-135.",
      "Franke, G., & Sarstedt, M. (2019). Heuristics versus statistics in discriminant validity testing. Internet "
      "Research, 29(3), 430-447.",
      "Shmueli, G., Ray, S., Velasquez Estrada, J. M., & Chatla, S. B. (2016). The elephant in the room: Predictive "
      "performance of PLS models. Journal of Business Research, 69(10), 4552-4564.",
      "Shmueli, G., Sarstedt, M., Hair, J. F., Cheah, J.-H., Ting, H., Vaithilingam, S., & Ringle, C. M. (2019). "
      "Predictive model assessment in PLS-SEM: Guidelines for using PLSpredict. European Journal of Marketing, "
      "53(11), 2322-2347.",
      "Ringle, C. M., & Sarstedt, M. (2016). Gain more insight from your PLS-SEM results: The importance-performance "
      "map analysis. Industrial Management & Data Systems, 116(9), 1865-1886.",
  };
  for (int k = 0; k < (int)(sizeof text / sizeof text[0]); k++)
    if (refs[k]) fprintf(f, "- %s\n", text[k]);
  if (o->preset == NL_PLS_PRESET_CSEM)
    fprintf(f, "- Rademaker, M. E., & Schuberth, F. (2020). cSEM: Composite-based structural equation modeling (R "
               "package).\n");
  if (o->preset == NL_PLS_PRESET_SMARTPLS)
    fprintf(f, "- Ringle, C. M., Wende, S., & Becker, J.-M. (2022). SmartPLS 4. SmartPLS GmbH.\n");
  if (o->preset == NL_PLS_PRESET_PLSPM)
    fprintf(f, "- Sanchez, G., Trinchera, L., & Russolillo, G. (2015). plspm: Tools for partial least squares path "
               "modeling (R package version 0.4.9).\n");
  if (ferror(f)) return nl_err(&p->err, NL_EIO, "error writing the methods paragraph");
  return NL_OK;
}

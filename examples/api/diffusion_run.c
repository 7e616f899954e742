/*
 * A model defined outside netlearn, registered at run time and used as any built-in model: the
 * Bass diffusion model of diffusion.c runs 20 replications from a scenario, then a virtual survey
 * asks 100 of its agents about their innovativeness and adoption.
 *
 *   cc diffusion_run.c diffusion.c $(pkg-config --cflags --libs netlearn) -o diffusion && ./diffusion
 */
#include <stdio.h>

#include <netlearn/netlearn.h>

#include "diffusion.h"

int main(void) {
  int rc = 1;
  nl_errbuf err;
  nl_scenario *sc = nl_scenario_new();
  nl_results *res = nl_results_new();
  nl_survey *sv = nl_survey_new();
  if (!sc || !res || !sv) goto cleanup;
  if (nl_model_register(&nl_example_diffusion, &err)) { /* from now on `model: diffusion` works */
    fprintf(stderr, "diffusion: %s\n", err.msg);
    goto cleanup;
  }
  const char *yaml = "model: diffusion\n"
                     "parameters: {n: 401, k: 2, p: 0.03, q: 0.2}\n"
                     "replications: 20\n"
                     "seed: 11\n"
                     "stop: {until: periods, periods: 12}\n";
  if (nl_scenario_load_string(sc, yaml, "diffusion.yaml")) {
    fprintf(stderr, "diffusion: %s\n", nl_scenario_errmsg(sc));
    goto cleanup;
  }
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  if (nl_results_run(res, nl_scenario_params(sc), &cfg)) {
    fprintf(stderr, "diffusion: %s\n", nl_results_errmsg(res));
    goto cleanup;
  }
  long k = nl_model_measure_index(nl_scenario_model(sc), "adopted"), R = nl_results_replications(res);
  double mean = 0;
  for (long r = 0; r < R; r++) mean += nl_results_final(res, r)[k] / (double)R;
  printf("diffusion: mean share adopted after 12 periods %.3f (%ld replications)\n", mean, R);
  /* the agents of replication 0, surveyed: innovativeness and adoption, three items each */
  static const double loadings[3] = {0.85, 0.8, 0.75};
  if (nl_survey_add_construct(sv, "INNOV", "innovativeness", 0, loadings, 3) ||
      nl_survey_add_construct(sv, "ADOPTED", "adopted", 0, loadings, 3) || nl_survey_set(sv, "period", 12) ||
      nl_survey_set(sv, "sample", 100) || nl_survey_run(sv, nl_scenario_params(sc), nl_scenario_seed(sc), 0)) {
    fprintf(stderr, "diffusion: %s\n", nl_survey_errmsg(sv));
    goto cleanup;
  }
  printf("diffusion: surveyed %zu %ss:", nl_survey_nrows(sv), nl_survey_column(sv, 0));
  for (size_t j = 1; j < nl_survey_ncols(sv); j++) printf(" %s", nl_survey_column(sv, j));
  printf("\n");
  rc = 0;
cleanup:
  nl_survey_free(sv);
  nl_results_free(res);
  nl_scenario_free(sc);
  return rc;
}

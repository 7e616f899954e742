/*
 * Using libnetlearn from C: run 80 replications of March (1991) at p1 = 0.1, p2 = 0.5 to
 * equilibrium and print the mean equilibrium code knowledge (about 0.95, the paper's Figure 1).
 *
 *   cc march.c $(pkg-config --cflags --libs netlearn) -o march && ./march
 */
#include <stdio.h>

#include <netlearn/netlearn.h>

int main(void) {
  int rc = 1;
  const nl_model *model = nl_model_find("march1991");
  nl_params *params = nl_params_new(model);
  nl_results *results = nl_results_new();
  if (!params || !results) goto cleanup;
  if (nl_params_set_text(params, "p1", "0.1") || nl_params_set_text(params, "p2", "0.5")) {
    fprintf(stderr, "march: %s\n", nl_params_errmsg(params));
    goto cleanup;
  }
  nl_run_config cfg = {.seed = 1991, .replications = 80, .until = NL_UNTIL_EQUILIBRIUM, .periods = 100000,
                       .every = 1000};
  if (nl_results_run(results, params, &cfg)) {
    fprintf(stderr, "march: %s\n", nl_results_errmsg(results));
    goto cleanup;
  }
  long k = nl_model_measure_index(model, "code_knowledge");
  double sum = 0;
  for (long r = 0; r < nl_results_replications(results); r++) sum += nl_results_final(results, r)[k];
  printf("netlearn %s: mean equilibrium code knowledge %.3f over %ld replications\n", nl_version(),
         sum / (double)nl_results_replications(results), nl_results_replications(results));
  rc = 0;
cleanup:
  nl_results_free(results);
  nl_params_free(params);
  return rc;
}

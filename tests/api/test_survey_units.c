/*
 * The model-neutral virtual survey: any model with units can be surveyed by a study whose
 * constructs name unit fields. lazer2007's agents, fang2010's individuals and the example model's
 * agents (registered at run time) are surveyed and the PLS estimates have the signs the models
 * imply; bad fields and models without units are refused with the file's line and column.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "diffusion.h"
#include "common/cli_harness.h" /* tmpdir, cli_setup, cli_teardown, slurp, file_has */
#include "netlearn/netlearn.h"

/* A study of `model` with two constructs A (field fa) and B (field fb), B ~ A, hypothesis of `sign`. */
static void study_text(char *buf, size_t cap, const char *sim, const char *fa, const char *fb, const char *sign) {
  snprintf(buf, cap,
           "simulation:\n%s"
           "  replications: 4\n  seed: 7\n"
           "survey:\n  sample: 80\n  constructs:\n"
           "    A: {loadings: [0.85, 0.8, 0.75], field: %s}\n"
           "    B: {loadings: [0.85, 0.8, 0.75], field: %s}\n"
           "model: |\n  A =~ a1 + a2 + a3\n  B =~ b1 + b2 + b3\n  B ~ A\n"
           "hypotheses:\n  - {id: H1, effect: A -> B, sign: %s}\n"
           "analysis: {boot: 40}\n",
           sim, fa, fb, sign);
}

static int g_report; /* run_study writes report.html */

/* Runs the study and returns the verdict of H1; checks the survey file's header. */
static nl_study_verdict run_study(const char *text, const char *sub, const char *header) {
  char dir[400], path[500];
  snprintf(dir, sizeof dir, "%s/%s", tmpdir, sub);
  nl_study *s = nl_study_new();
  if (nl_study_load_string(s, text, "u.yaml")) fail_msg("%s", nl_study_errmsg(s));
  nl_study_config cfg;
  nl_study_config_default(&cfg);
  cfg.threads = 2;
  cfg.report = g_report;
  if (nl_study_run(s, dir, &cfg)) fail_msg("%s", nl_study_errmsg(s));
  nl_study_verdict v;
  assert_int_equal(nl_study_verdict_get(s, 0, 0, &v), NL_OK);
  snprintf(path, sizeof path, "%s/surveys/survey_rep0.csv", dir);
  FILE *f = fopen(path, "r");
  char line[256] = "";
  assert_non_null(f);
  assert_non_null(fgets(line, sizeof line, f));
  fclose(f);
  assert_string_equal(line, header);
  nl_study_free(s);
  return v;
}

static void test_lazer2007_agents(void **unused) {
  (void)unused;
  char text[2048];
  /* agents that see a better solution copy it: after a few rounds an agent's score follows the best
   * score among its neighbours */
  study_text(text, sizeof text,
             "  model: lazer2007\n  parameters: {n: 100, network: watts_strogatz}\n"
             "  stop: {until: periods, periods: 12}\n",
             "best_neighbour_score", "score", "positive");
  nl_study_verdict v = run_study(text, "lazer", "agent,a1,a2,a3,b1,b2,b3\n");
  /* the manifest records the fields behind the constructs */
  file_has("lazer/manifest.json", "\"field\": [\"best_neighbour_score\"],\n        \"window\": false", NULL);
  assert_int_equal(v.replications, 4);
  assert_true(v.supported >= 3);
  assert_true(v.mean > 0.3);
}

static void test_fang2010_individuals(void **unused) {
  (void)unused;
  char text[2048];
  /* individuals with many contacts who know more are the ones who know less */
  study_text(text, sizeof text,
             "  model: fang2010\n  parameters: {n: 140, m: 40, group_size: 7, r: 0.1}\n"
             "  stop: {until: periods, periods: 6}\n",
             "superior_contacts", "knowledge", "negative");
  nl_study_verdict v = run_study(text, "fang", "individual,a1,a2,a3,b1,b2,b3\n");
  assert_true(v.supported >= 3);
  assert_true(v.mean < -0.2);
}

static void test_example_model_agents(void **unused) {
  (void)unused;
  nl_errbuf e = {{0}};
  if (!nl_model_find("diffusion") && nl_model_register(&nl_example_diffusion, &e)) fail_msg("%s", e.msg);
  char text[2048];
  /* without imitation, P(adopted by t | u) = 1 - (1 - 2pu)^t rises with innovativeness u */
  study_text(text, sizeof text,
             "  model: diffusion\n  parameters: {n: 200, p: 0.05, q: 0}\n  stop: {until: periods, periods: 10}\n",
             "innovativeness", "adopted", "positive");
  g_report = 1;
  nl_study_verdict v = run_study(text, "diffusion", "agent,a1,a2,a3,b1,b2,b3\n");
  g_report = 0;
  assert_true(v.supported >= 3);
  assert_true(v.mean > 0.2);
  /* The report of a model the study knows nothing about speaks of its agents and its measures,
   * from its descriptor (issue 19), never of coopnet's firms, constructs, figures or facts. */
  char path[400];
  snprintf(path, sizeof path, "%s/diffusion/report.html", tmpdir);
  static char html[1 << 20];
  slurp(path, html, sizeof html);
  const char *want[] = {
      "A virtual survey study of a simulated population of agents: Bass diffusion of an innovation on a ring",
      "the agent-based model <code>diffusion</code> (Bass diffusion",
      "simulates 200 agents for 10 periods in 4 independent replications",
      "samples 80 agents in each replication and asks them Likert items about 2 constructs computed from each "
      "agent's own simulated state",
      "80 agents sampled without replacement",
      "<th>agent variable (from the simulation)</th>",
      "<figcaption><b>Figure 1.</b> Share of agents that have adopted</figcaption>",
      "<figcaption><b>Figure 2.</b> Share of agents that adopted in the last period</figcaption>",
      "<h2 id=\"hypotheses\">5. Hypotheses</h2>", /* no section of coopnet's facts: the next is 6 */
      "<h2 id=\"reproducibility\">6. Reproducibility</h2>",
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    if (!strstr(html, want[i])) fail_msg("report.html lacks \"%s\"", want[i]);
  const char *never[] = {"coopnet", "SME", "firm", "co-innovation", "Code knowledge", "seed 000", "kappa",
                         "Stylized facts", "could not be drawn"};
  for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
    if (strstr(html, never[i])) fail_msg("report.html names \"%s\"", never[i]);
}

/* NL_EINVAL, or NL_ERANGE for a count out of range */
static void expect_error(const char *text, const char *frag1, const char *frag2) {
  nl_study *s = nl_study_new();
  nl_status st = nl_study_load_string(s, text, "u.yaml");
  const char *msg = nl_study_errmsg(s);
  if ((st != NL_EINVAL && st != NL_ERANGE) || !strstr(msg, frag1) || (frag2 && !strstr(msg, frag2)))
    fail_msg("status %d, message '%s'", (int)st, msg);
  nl_study_free(s);
}

static void test_bad_fields(void **unused) {
  (void)unused;
  char text[2048];
  const char *sim = "  model: fang2010\n  parameters: {n: 140, m: 40}\n  stop: {until: periods, periods: 6}\n";
  study_text(text, sizeof text, sim, "superior_contact", "knowledge", "negative");
  expect_error(text, "u.yaml:10:45: survey construct 'A': model fang2010's individuals have no field 'superior_contact'",
               "(did you mean 'superior_contacts'?)");
  study_text(text, sizeof text, sim, "[knowledge, degree, group, cross_ties, individual]", "knowledge", "negative");
  expect_error(text, "u.yaml:10:46:", "1 to 4 field names");
  /* coopnet's default constructs have coopnet's fields; on another model they need field: */
  study_text(text, sizeof text, sim, "knowledge", "knowledge", "negative");
  char *p = strstr(text, "    B: {loadings: [0.85, 0.8, 0.75], field: knowledge}");
  memcpy(p, "    EXPLORE: [0.85, 0.8, 0.75]                      ", 53);
  expect_error(text, "survey construct 'EXPLORE': model fang2010's individuals have no field 'explore'", NULL);
  /* a model without units */
  study_text(text, sizeof text, "  model: march1991\n  stop: {until: periods, periods: 6}\n", "a", "b", "positive");
  expect_error(text, "model 'march1991' has no units to survey", NULL);
  /* an unknown construct without field: */
  expect_error("simulation:\n  model: coopnet\nsurvey:\n  constructs:\n    TRUST: [0.8, 0.8]\n",
               "u.yaml:5:5: the survey does not produce a construct 'TRUST'", "field: <field>");
}

/* ---- the public survey API (netlearn/survey.h) ---- */

/* The public survey of a replication equals the study's survey of it (coopnet's five default
 * constructs; the study's file has coopnet's formal group column at the end of each line). */
static void test_public_equals_study(void **unused) {
  (void)unused;
  const char *text = "simulation:\n  model: coopnet\n  parameters: {firms: 40, n: 10, n_max: 40}\n"
                     "  replications: 2\n  seed: 7\n  stop: {until: periods, periods: 30}\n"
                     "survey:\n  period: 30\n  window: 12\n  sample: 30\nanalysis: {boot: 20, contrasts: false}\n";
  char dir[400], path[500];
  snprintf(dir, sizeof dir, "%s/pub", tmpdir);
  nl_study *s = nl_study_new();
  if (nl_study_load_string(s, text, "p.yaml")) fail_msg("%s", nl_study_errmsg(s));
  nl_study_config cfg;
  nl_study_config_default(&cfg);
  cfg.report = 0;
  if (nl_study_run(s, dir, &cfg)) fail_msg("%s", nl_study_errmsg(s));
  const nl_scenario *sc = nl_study_scenario(s);
  nl_survey *sv = nl_survey_new();
  assert_int_equal(nl_survey_set(sv, "period", 30), NL_OK);
  assert_int_equal(nl_survey_set(sv, "window", 12), NL_OK);
  assert_int_equal(nl_survey_set(sv, "sample", 30), NL_OK);
  for (long r = 0; r < 2; r++) {
    if (nl_survey_run(sv, nl_scenario_params(sc), nl_scenario_seed(sc), r)) fail_msg("%s", nl_survey_errmsg(sv));
    assert_int_equal(nl_survey_nrows(sv), 30);
    assert_int_equal(nl_survey_ncols(sv), 1 + 17);
    assert_string_equal(nl_survey_column(sv, 0), "firm");
    assert_string_equal(nl_survey_column(sv, 1), "explore1");
    assert_null(nl_survey_column(sv, 18));
    snprintf(path, sizeof path, "%s/mine.csv", dir);
    assert_int_equal(nl_survey_write_csv(sv, path), NL_OK);
    char mine[1 << 16], theirs[1 << 16];
    slurp(path, mine, sizeof mine);
    snprintf(path, sizeof path, "%s/surveys/survey_rep%ld.csv", dir, r);
    slurp(path, theirs, sizeof theirs);
    assert_true(theirs[0] != '\0'); /* the study wrote its survey of replication r */
    /* drop the study's last column (",formal" and ",0"/",1") line by line */
    char want[1 << 16];
    size_t n = 0;
    for (char *line = strtok(theirs, "\n"); line; line = strtok(NULL, "\n")) {
      char *comma = strrchr(line, ',');
      *comma = '\0';
      n += (size_t)snprintf(want + n, sizeof want - n, "%s\n", line);
    }
    assert_string_equal(mine, want);
  }
  nl_survey_free(sv);
  nl_study_free(s);
}

static void test_public_survey_lazer(void **unused) {
  (void)unused;
  nl_scenario *sc = nl_scenario_new();
  assert_int_equal(nl_scenario_load_string(sc, "model: lazer2007\nparameters: {n: 100}\nseed: 3\n", "l.yaml"), NL_OK);
  const nl_params *p = nl_scenario_params(sc);
  nl_survey *sv = nl_survey_new();
  double l3[3] = {0.85, 0.8, 0.75}, bad[2] = {0.8, 1.0};
  /* errors, each named */
  assert_int_equal(nl_survey_run(sv, p, 3, 0), NL_EINVAL);
  assert_non_null(strstr(nl_survey_errmsg(sv), "survey period not set"));
  assert_int_equal(nl_survey_set(sv, "periods", 5), NL_EINVAL);
  assert_non_null(strstr(nl_survey_errmsg(sv), "unknown survey setting 'periods'"));
  assert_int_equal(nl_survey_set(sv, "sample", 2.5), NL_EINVAL);
  assert_int_equal(nl_survey_set(sv, "period", 10), NL_OK);
  assert_int_equal(nl_survey_run(sv, p, 3, 0), NL_EINVAL); /* no constructs, no coopnet fields */
  assert_non_null(strstr(nl_survey_errmsg(sv), "no constructs given, and model lazer2007's agents have not coopnet's"));
  nl_survey_free(sv);
  sv = nl_survey_new();
  assert_int_equal(nl_survey_set(sv, "period", 10), NL_OK);
  assert_int_equal(nl_survey_add_construct(sv, "BAD", "score", 0, bad, 2), NL_ERANGE);
  assert_int_equal(nl_survey_add_construct(sv, "two words", "score", 0, l3, 3), NL_EINVAL);
  assert_int_equal(nl_survey_add_construct(sv, "SCORE", "scor", 0, l3, 3), NL_OK);
  assert_int_equal(nl_survey_run(sv, p, 3, 0), NL_EINVAL);
  assert_non_null(strstr(nl_survey_errmsg(sv), "model lazer2007's agents have no field 'scor' (did you mean 'score'?)"));
  nl_survey_free(sv);
  sv = nl_survey_new();
  assert_int_equal(nl_survey_set(sv, "period", 10), NL_OK);
  assert_int_equal(nl_survey_add_construct(sv, "SCORE", "score", 0, l3, 3), NL_OK);
  assert_int_equal(nl_survey_add_construct(sv, "SCORE", "degree", 0, l3, 3), NL_EINVAL); /* twice */
  assert_int_equal(nl_survey_add_construct(sv, "SEEN", " neighbour_score + best_neighbour_score ", 0, l3, 2), NL_OK);
  assert_int_equal(nl_survey_set(sv, "sample", 101), NL_OK);
  assert_int_equal(nl_survey_run(sv, p, 3, 0), NL_ERANGE);
  assert_non_null(strstr(nl_survey_errmsg(sv), "survey sample 101 is larger than the 100 agents"));
  assert_int_equal(nl_survey_set(sv, "sample", 60), NL_OK);
  if (nl_survey_run(sv, p, 3, 1)) fail_msg("%s", nl_survey_errmsg(sv));
  assert_int_equal(nl_survey_nrows(sv), 60);
  assert_int_equal(nl_survey_ncols(sv), 6);
  const char *cols[] = {"agent", "score1", "score2", "score3", "seen1", "seen2"};
  for (size_t j = 0; j < 6; j++) assert_string_equal(nl_survey_column(sv, j), cols[j]);
  double first[60 * 6];
  for (size_t i = 0; i < 60; i++)
    for (size_t j = 0; j < 6; j++) {
      first[j * 60 + i] = nl_survey_get(sv, i, j);
      if (j == 0 && i > 0) assert_true(first[i] > first[i - 1]); /* units in increasing order */
      if (j > 0) assert_true(first[j * 60 + i] >= 1 && first[j * 60 + i] <= 7);
    }
  assert_true(isnan(nl_survey_get(sv, 60, 0)));
  /* the same (seed, replication): the same answers; another replication: others */
  assert_int_equal(nl_survey_run(sv, p, 3, 1), NL_OK);
  for (size_t i = 0; i < 60; i++) assert_true(nl_survey_get(sv, i, 1) == first[60 + i]);
  assert_int_equal(nl_survey_run(sv, p, 3, 2), NL_OK);
  int differ = 0;
  for (size_t i = 0; i < 60; i++) differ |= nl_survey_get(sv, i, 1) != first[60 + i];
  assert_true(differ);
  nl_survey_free(sv);
  /* a model without units */
  nl_scenario *sm = nl_scenario_new();
  assert_int_equal(nl_scenario_load_string(sm, "model: march1991\n", "m.yaml"), NL_OK);
  sv = nl_survey_new();
  nl_survey_set(sv, "period", 10);
  nl_survey_add_construct(sv, "A", "x", 0, l3, 3);
  assert_int_equal(nl_survey_run(sv, nl_scenario_params(sm), 1, 0), NL_EINVAL);
  assert_non_null(strstr(nl_survey_errmsg(sv), "model 'march1991' has no units"));
  nl_survey_free(sv);
  nl_survey_free(NULL);
  nl_scenario_free(sm);
  nl_scenario_free(sc);
}

static int teardown(void **state) {
  nl_plot_release_caches(); /* the reports' figures: fontconfig's caches, for the leak checker */
  return cli_teardown(state);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lazer2007_agents),
      cmocka_unit_test(test_fang2010_individuals),
      cmocka_unit_test(test_example_model_agents),
      cmocka_unit_test(test_bad_fields),
      cmocka_unit_test(test_public_equals_study),
      cmocka_unit_test(test_public_survey_lazer),
  };
  return cmocka_run_group_tests(tests, cli_setup, teardown);
}

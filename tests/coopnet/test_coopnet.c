/*
 * coopnet: nesting of march1991 (its phases bit for bit, the model in distribution), input files and
 * their errors, parameter checks, determinism, no allocation inside a period, tie bookkeeping, per-firm rows.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/fault_alloc.h"
#include "core/model_impl.h"
#include "models/coopnet/cn_impl.h"
#include "models/coopnet/coopnet.h"
#include "models/march1991/march.h"
#include "netlearn/netlearn.h"
#include "common/params_kv.h"

#define DATA NL_SOURCE_DIR "/tests/coopnet/data/"

/* Parameters of `model` from "k=v" pairs (NULL-terminated). */
static nl_params *params_of(const char *model, const char *const *kv) {
  nl_params *p = nl_params_new(nl_model_find(model));
  assert_non_null(p);
  nl_test_params_set(p, kv);
  return p;
}

/* A single isolated firm of 50 members over 30 product dimensions, no experimentation, no
 * spanners, no ties, no formal network: march1991 with m = 30, n = 50. */
static const char *const nest_base[] = {"firms=1", "size_dist=fixed", "n=50", "mP=30", "mQ=0", "x_mean=0",
                                        "e_mean=0", "network=empty", "formal_networks=0", NULL};

static nl_sim *nested_sim(const char *p1, const char *p2, const char *p3, const char *p4, nl_params **pc) {
  char b1[32], b2[32], b3[32], b5[32];
  snprintf(b1, sizeof b1, "p1=%s", p1);
  snprintf(b2, sizeof b2, "p2=%s", p2);
  snprintf(b3, sizeof b3, "p3=%s", p3);
  snprintf(b5, sizeof b5, "p4P=%s", p4);
  const char *ck[32];
  size_t k = 0;
  for (; nest_base[k]; k++) ck[k] = nest_base[k];
  ck[k++] = b1;
  ck[k++] = b2;
  ck[k++] = b3;
  ck[k++] = b5;
  ck[k] = NULL;
  *pc = params_of("coopnet", ck);
  nl_sim *sc = nl_sim_new(*pc);
  if (nl_sim_status(sc)) fail_msg("%s", nl_sim_errmsg(sc));
  return sc;
}

/* The nested coopnet runs march1991's own phases (nl_march_*, in march1991's order) on the keyed
 * streams cn_impl.h documents: driving those phases directly on the same streams gives the same
 * run, bit for bit, every period. */
static void nesting_case(uint64_t seed, double p1, double p2, double p3, double p4) {
  char a1[32], a2[32], a3[32], a4[32];
  snprintf(a1, sizeof a1, "%.17g", p1);
  snprintf(a2, sizeof a2, "%.17g", p2);
  snprintf(a3, sizeof a3, "%.17g", p3);
  snprintf(a4, sizeof a4, "%.17g", p4);
  nl_params *pc;
  nl_sim *sc = nested_sim(a1, a2, a3, a4, &pc);
  const nl_model *mc = nl_model_find("coopnet");
  size_t nm = nl_model_nmeasures(mc);
  double oc[64];
  assert_true(nm <= 64);
  const char *names[] = {"code_knowledge", "individual_knowledge", "diversity", "superior_size"};
  long idx[4];
  for (int i = 0; i < 4; i++) {
    idx[i] = nl_model_measure_index(mc, names[i]);
    assert_true(idx[i] >= 0);
    assert_int_equal(nl_model_measure_index(nl_model_find("march1991"), names[i]), i);
  }
  long kp = nl_model_measure_index(mc, "code_knowledge_product");
  nl_march_org o;
  assert_int_equal(nl_march_org_alloc(&o, 30, 50), NL_OK);
  nl_march_org_rates(&o, p1, p1, 0, p2);
  uint64_t rpos[1];
  for (uint64_t rep = 0; rep < 3; rep++) {
    assert_int_equal(nl_sim_reset(sc, seed, rep), 0);
    cn_state keys;
    memset(&keys, 0, sizeof keys);
    keys.seed = seed;
    keys.rep = rep;
    nl_rng r;
    nl_rng_init(&r, seed, rep, NL_RNG_INIT, 0); /* march1991's initial stream, in its order */
    rpos[0] = 0;
    nl_reality_random(&r, rpos, 30);
    nl_march_org_randomize(&o, &r);
    for (long t = 0; t <= 150; t++) {
      if (t > 0) {
        assert_int_equal(nl_sim_step(sc), 0);
        cn_rng(&r, &keys, CN_RNG_TURNOVER, 0, t);
        nl_march_turnover(&o, &r, p3);
        cn_rng(&r, &keys, CN_RNG_TURB, 0, t);
        nl_march_turbulence(rpos, 30, &r, p4);
        cn_rng(&r, &keys, CN_RNG_ACT, 0, t);
        nl_march_act(&o, &r, rpos, NL_MARCH_ORIGINAL);
        cn_rng(&r, &keys, CN_RNG_SOCIALIZE, 0, t);
        nl_march_socialize(&o, &r, NL_MARCH_ORIGINAL);
        cn_rng(&r, &keys, CN_RNG_CODE, 0, t);
        nl_march_code_learn(&o, &r, NL_MARCH_ORIGINAL);
      }
      nl_march_measures mm;
      nl_march_measure(&o, rpos, &mm);
      double om[4] = {mm.code_knowledge, mm.individual_knowledge, mm.diversity, (double)o.superior};
      nl_sim_observe(sc, oc);
      for (int i = 0; i < 4; i++)
        if (memcmp(&om[i], &oc[idx[i]], sizeof(double)) != 0)
          fail_msg("seed %llu rep %llu period %ld: %s march1991's phases %.17g coopnet %.17g",
                   (unsigned long long)seed, (unsigned long long)rep, t, names[i], om[i], oc[idx[i]]);
      assert_true(oc[kp] == oc[idx[0]]);
      /* turnover and turbulence never settle (march1991's rule) */
      int eq = p3 <= 0 && p4 <= 0 && nl_march_at_equilibrium(&o, rpos, NL_MARCH_ORIGINAL);
      assert_int_equal(eq, nl_sim_at_equilibrium(sc));
    }
  }
  nl_march_org_free(&o);
  nl_sim_free(sc);
  nl_params_free(pc);
}

static void test_nesting(void **st) {
  (void)st;
  nesting_case(1, 0.1, 0.5, 0, 0);
  nesting_case(2, 0.9, 0.9, 0, 0);
  nesting_case(3, 0.1, 0.5, 0.05, 0);
  nesting_case(4, 0.5, 0.1, 0, 0.05);
  nesting_case(5, 0.3, 0.7, 0.02, 0.02);
}

/* ... and the march1991 model itself (one sequential stream per run) gives the same distribution:
 * mean code knowledge and diversity at period 20 over 400 runs of each agree within 4 standard
 * errors of their difference (with turnover and turbulence, so the runs do not all settle). */
static void test_nesting_distribution(void **st) {
  (void)st;
  const char *mk[] = {"m=30", "n=50", "p1=0.3", "p2=0.7", "p3=0.02", "p4=0.02", NULL};
  nl_params *pm = params_of("march1991", mk), *pc;
  nl_sim *sm = nl_sim_new(pm), *sc = nested_sim("0.3", "0.7", "0.02", "0.02", &pc);
  assert_int_equal(nl_sim_status(sm), 0);
  const nl_model *mc = nl_model_find("coopnet");
  long ic[2] = {nl_model_measure_index(mc, "code_knowledge"), nl_model_measure_index(mc, "diversity")};
  double om[8], oc[64], sum[2][2] = {{0}}, sq[2][2] = {{0}};
  enum { RUNS = 400 };
  for (uint64_t rep = 0; rep < RUNS; rep++) {
    assert_int_equal(nl_sim_reset(sm, 7, rep), 0);
    assert_int_equal(nl_sim_reset(sc, 7, rep), 0);
    for (int t = 0; t < 20; t++) {
      assert_int_equal(nl_sim_step(sm), 0);
      assert_int_equal(nl_sim_step(sc), 0);
    }
    nl_sim_observe(sm, om);
    nl_sim_observe(sc, oc);
    for (int j = 0; j < 2; j++) {
      double a = om[j == 0 ? 0 : 2], b = oc[ic[j]]; /* march1991: code_knowledge 0, diversity 2 */
      sum[j][0] += a, sq[j][0] += a * a, sum[j][1] += b, sq[j][1] += b * b;
    }
  }
  for (int j = 0; j < 2; j++) {
    double v[2], m[2];
    for (int k = 0; k < 2; k++) {
      m[k] = sum[j][k] / RUNS;
      v[k] = (sq[j][k] - RUNS * m[k] * m[k]) / (RUNS - 1);
    }
    double se = sqrt(v[0] / RUNS + v[1] / RUNS);
    if (fabs(m[0] - m[1]) > 4 * se)
      fail_msg("%s: march1991 %.4f coopnet %.4f (se %.4f)", j ? "diversity" : "code", m[0], m[1], se);
  }
  nl_sim_free(sm);
  nl_sim_free(sc);
  nl_params_free(pm);
  nl_params_free(pc);
}

/* Run a coopnet state directly through its vtable (tests need the state for the firm API). */
typedef struct run {
  const nl_model *m;
  void *state;
  nl_errbuf err;
} run;

static nl_status run_new(run *r, const char *const *kv) {
  r->m = nl_model_find("coopnet");
  r->state = NULL;
  nl_params *p = params_of("coopnet", kv);
  nl_status s = nl_params_validate(p);
  if (s) snprintf(r->err.msg, sizeof r->err.msg, "%s", nl_params_errmsg(p));
  else s = r->m->create(&r->state, p, &r->err);
  nl_params_free(p);
  return s;
}

static void run_free(run *r) {
  if (r->state) r->m->destroy(r->state);
  r->state = NULL;
}

static void expect_error(const char *const *kv, const char *const *needles) {
  run r;
  nl_status s = run_new(&r, kv);
  if (s == 0) {
    run_free(&r);
    fail_msg("expected an error for %s", kv[0]);
  }
  for (size_t i = 0; needles[i]; i++)
    if (!strstr(r.err.msg, needles[i])) fail_msg("message '%s' lacks '%s'", r.err.msg, needles[i]);
  assert_null(r.state);
}

static void test_firm_table_errors(void **st) {
  (void)st;
  expect_error((const char *[]){"firm_table=" DATA "firms_missing.csv", NULL},
               (const char *[]){"firms_missing.csv", "firm id 2 is missing", NULL});
  expect_error((const char *[]){"firm_table=" DATA "firms_negsize.csv", NULL},
               (const char *[]){"firms_negsize.csv:3:", "size -35", NULL});
  expect_error((const char *[]){"firm_table=" DATA "firms_orient.csv", NULL},
               (const char *[]){"firms_orient.csv:4:", "explore 1.5 is outside [0, 1]", NULL});
  expect_error((const char *[]){"firm_table=" DATA "firms_dup.csv", NULL},
               (const char *[]){"firms_dup.csv:4:", "listed twice", "line 3", NULL});
  expect_error((const char *[]){"firm_table=" DATA "firms_unknown.csv", NULL},
               (const char *[]){"firms_unknown.csv:1:", "unknown column 'explor'", NULL});
  expect_error((const char *[]){"firm_table=" DATA "firms_ragged.csv", NULL},
               (const char *[]){"firms_ragged.csv:3:", "2 fields", NULL});
  expect_error((const char *[]){"firm_table=" DATA "firms_notnum.csv", NULL},
               (const char *[]){"firms_notnum.csv:2:", "'high' is not a number", NULL});
  expect_error((const char *[]){"firm_table=" DATA "nonexistent.csv", NULL},
               (const char *[]){"nonexistent.csv", "cannot open", NULL});
  expect_error((const char *[]){"firm_table=" DATA "firms_good.csv", "firms=7", NULL},
               (const char *[]){"firms = 7", "firms_good.csv has 4 firms", NULL});
}

static void test_network_file_errors(void **st) {
  (void)st;
  expect_error((const char *[]){"firm_table=" DATA "firms_good.csv", "network=file",
                                "network_file=" DATA "ties_badnode.csv", NULL},
               (const char *[]){"ties_badnode.csv:3", NULL});
  expect_error((const char *[]){"firm_table=" DATA "firms_good.csv", "network=file",
                                "network_file=" DATA "ties_badweight.csv", NULL},
               (const char *[]){"ties_badweight.csv", "weight 2.5", NULL});
  expect_error((const char *[]){"firm_table=" DATA "firms_good.csv", "network=file",
                                "network_file=" DATA "ties_badnode.graphml", NULL},
               (const char *[]){"ties_badnode.graphml", "node 'acme' is not a firm id", NULL});
  expect_error((const char *[]){"firms=5", "network=file", "network_file=" DATA "ties_good.graphml", NULL},
               (const char *[]){"ties_good.graphml", "4 nodes but there are 5 firms", NULL});
  expect_error((const char *[]){"firms=4", "network=file", "capacity=1", "network_file=" DATA "ties_good.csv", NULL},
               (const char *[]){"ties_good.csv", "more than capacity = 1 ties", NULL});
}

static void test_parameter_errors(void **st) {
  (void)st;
  nl_params *p = nl_params_new(nl_model_find("coopnet"));
  assert_int_equal(nl_params_set_text(p, "sigma", "1.5"), NL_ERANGE);
  assert_int_equal(nl_params_set_text(p, "tau", "-0.1"), NL_ERANGE);
  assert_int_equal(nl_params_set_text(p, "firms", "0"), NL_ERANGE);
  assert_int_equal(nl_params_set_text(p, "network", "smallworld"), NL_EINVAL);
  nl_params_free(p);
  expect_error((const char *[]){"n_min=40", "n=30", NULL}, (const char *[]){"n_min <= n <= n_max", NULL});
  expect_error((const char *[]){"patience_min=5", "patience_max=2", NULL}, (const char *[]){"patience_min", NULL});
  expect_error((const char *[]){"mP=0", "mQ=0", NULL}, (const char *[]){"mP + mQ", NULL});
  expect_error((const char *[]){"network=file", NULL}, (const char *[]){"network_file", NULL});
  expect_error((const char *[]){"network_file=x.csv", NULL}, (const char *[]){"network: file", NULL});
  expect_error((const char *[]){"search_common=0.7", "search_reputation=0.5", NULL},
               (const char *[]){"exceeds 1", NULL});
  expect_error((const char *[]){"firms=10", "network=ring", "net_k=6", NULL}, (const char *[]){"ring", NULL});
}

static void test_firm_table_and_files(void **st) {
  (void)st;
  const char *kv[] = {"firm_table=" DATA "firms_good.csv", "network=file", "network_file=" DATA "ties_good.graphml",
                      NULL};
  run r;
  if (run_new(&r, kv)) fail_msg("%s", r.err.msg);
  assert_int_equal(r.m->reset(r.state, 11, 0, &r.err), 0);
  assert_int_equal(nl_coopnet_firms(r.state), 4);
  double row[NL_CN_FIRM_NFIELDS];
  const double size[] = {20, 35, 8, 60}, x[] = {0.2, 0.9, 0.5, 0.1}, pat[] = {2, 3, 1, 4}, deg[] = {1, 1, 1, 1};
  const double str[] = {0.5, 0.5, 0.9, 0.9};
  for (size_t f = 0; f < 4; f++) {
    nl_coopnet_firm_row(r.state, f, row);
    assert_true(row[NL_CN_FIRM_SIZE] == size[f]);
    assert_true(row[NL_CN_FIRM_EXPLORE] == x[f]);
    assert_true(row[NL_CN_FIRM_PATIENCE] == pat[f]);
    assert_true(row[NL_CN_FIRM_DEGREE] == deg[f]);
    assert_true(fabs(row[NL_CN_FIRM_STRENGTH] - str[f]) < 1e-12);
  }
  for (int t = 0; t < 50; t++) assert_int_equal(r.m->step(r.state, &r.err), 0);
  FILE *fp = tmpfile();
  assert_non_null(fp);
  assert_int_equal(nl_coopnet_write_firms(r.state, fp, 3, 1, &r.err), 0);
  rewind(fp);
  char line[2048];
  int lines = 0;
  while (fgets(line, sizeof line, fp)) {
    if (lines == 0) assert_non_null(strstr(line, "replication,period,firm,formal,size"));
    else assert_true(strncmp(line, "3,50,", 5) == 0);
    lines++;
  }
  assert_int_equal(lines, 5);
  fclose(fp);
  run_free(&r);
  /* Edge list with weights. */
  const char *kv2[] = {"firm_table=" DATA "firms_good.csv", "network=file", "network_file=" DATA "ties_good.csv", NULL};
  if (run_new(&r, kv2)) fail_msg("%s", r.err.msg);
  assert_int_equal(r.m->reset(r.state, 11, 0, &r.err), 0);
  nl_coopnet_firm_row(r.state, 1, row);
  assert_true(row[NL_CN_FIRM_DEGREE] == 2);
  assert_true(fabs(row[NL_CN_FIRM_STRENGTH] - 1.3) < 1e-12);
  run_free(&r);
}

/* Same seed, same trajectory; a period allocates nothing; tie bookkeeping stays consistent. */
static void test_determinism_and_invariants(void **st) {
  (void)st;
  const char *kv[] = {"firms=60", "p3=0.01", "p4P=0.02", "p4Q=0.01", "network=barabasi_albert", "net_k=2",
                      "capacity=6", "T_review=2", "lambda=0.8", NULL};
  run a, b;
  if (run_new(&a, kv)) fail_msg("%s", a.err.msg);
  if (run_new(&b, kv)) fail_msg("%s", b.err.msg);
  size_t nm = a.m->nmeasures;
  double oa[64], ob[64], row[NL_CN_FIRM_NFIELDS];
  assert_int_equal(a.m->reset(a.state, 99, 2, &a.err), 0);
  assert_int_equal(b.m->reset(b.state, 99, 2, &b.err), 0);
  long ties = nl_model_measure_index(a.m, "ties"), formed = nl_model_measure_index(a.m, "ties_formed");
  double total_formed = 0;
  nl_alloc_fail_after(0);
  for (int t = 0; t < 120; t++) {
    assert_int_equal(a.m->step(a.state, &a.err), 0);
    assert_int_equal(b.m->step(b.state, &b.err), 0);
    a.m->observe(a.state, oa);
    b.m->observe(b.state, ob);
    assert_memory_equal(oa, ob, nm * sizeof(double));
    total_formed += oa[formed];
    double degsum = 0;
    for (size_t f = 0; f < 60; f++) {
      nl_coopnet_firm_row(a.state, f, row);
      assert_true(row[NL_CN_FIRM_DEGREE] <= 6);
      assert_true(row[NL_CN_FIRM_KAPPA] >= 0 && row[NL_CN_FIRM_KAPPA] <= 1);
      assert_true(row[NL_CN_FIRM_SPANNERS] <= row[NL_CN_FIRM_SIZE]);
      degsum += row[NL_CN_FIRM_DEGREE];
    }
    assert_true(degsum == 2 * oa[ties]);
  }
  assert_int_equal(nl_alloc_fail_after(0), 0); /* no allocation in 120 periods */
  assert_true(total_formed > 0);
  /* A different replication differs. */
  assert_int_equal(b.m->reset(b.state, 99, 3, &b.err), 0);
  for (int t = 0; t < 120; t++) assert_int_equal(b.m->step(b.state, &b.err), 0);
  b.m->observe(b.state, ob);
  assert_true(memcmp(oa, ob, nm * sizeof(double)) != 0);
  run_free(&a);
  run_free(&b);
}

/* Allocation failures in create return NL_ENOMEM without leaks (checked under ASan). */
static void test_alloc_faults(void **st) {
  (void)st;
  const char *kv[] = {"firm_table=" DATA "firms_good.csv", "formal_networks=2", NULL};
  nl_params *p = params_of("coopnet", kv);
  const nl_model *m = nl_model_find("coopnet");
  int ok = 0;
  for (long k = 1; k < 2000 && !ok; k++) {
    void *state = NULL;
    nl_errbuf err;
    nl_alloc_fail_after(k);
    nl_status s = m->create(&state, p, &err);
    nl_alloc_fail_after(0);
    if (s == 0) {
      ok = 1;
      assert_int_equal(m->reset(state, 1, 0, &err), 0);
      m->destroy(state);
    } else {
      assert_int_equal(s, NL_ENOMEM);
      assert_null(state);
    }
  }
  assert_true(ok);
  nl_params_free(p);
}


/* Mechanisms switched off leave their traces at zero; per-period measures add up to the firms'
 * cumulative counters. */
static void run_sums(const char *const *kv, double *meas_sum, double *firm_sum) {
  run r;
  if (run_new(&r, kv)) fail_msg("%s", r.err.msg);
  size_t nm = r.m->nmeasures, F;
  double o[64], row[NL_CN_FIRM_NFIELDS];
  memset(meas_sum, 0, nm * sizeof(double));
  assert_int_equal(r.m->reset(r.state, 5, 1, &r.err), 0);
  F = nl_coopnet_firms(r.state);
  for (int t = 0; t < 150; t++) {
    assert_int_equal(r.m->step(r.state, &r.err), 0);
    r.m->observe(r.state, o);
    for (size_t i = 0; i < nm; i++) meas_sum[i] += o[i];
  }
  memset(firm_sum, 0, NL_CN_FIRM_NFIELDS * sizeof(double));
  for (size_t f = 0; f < F; f++) {
    nl_coopnet_firm_row(r.state, f, row);
    for (size_t c = 0; c < NL_CN_FIRM_NFIELDS; c++) firm_sum[c] += row[c] / (double)F;
  }
  run_free(&r);
}

static double msum(const double *s, const char *name) {
  long i = nl_model_measure_index(nl_model_find("coopnet"), name);
  assert_true(i >= 0);
  return s[i];
}

static void test_mechanisms_and_bookkeeping(void **st) {
  (void)st;
  double ms[64], fs[NL_CN_FIRM_NFIELDS];
  /* Full model: every channel is used, and the per-period measures (per firm) sum to the
   * cumulative per-firm counters (mean over firms). */
  run_sums((const char *[]){"firms=40", NULL}, ms, fs);
  const struct { const char *measure; int field; } pairs[] = {
      {"product_coinnovation", NL_CN_FIRM_PROD_COINNO}, {"process_coinnovation", NL_CN_FIRM_PROC_COINNO},
      {"internal_innovation_product", NL_CN_FIRM_PROD_INNO}, {"internal_innovation_process", NL_CN_FIRM_PROC_INNO},
      {"explorative_changes", NL_CN_FIRM_EXPLORATIVE}, {"exploitative_changes", NL_CN_FIRM_EXPLOITATIVE},
      {"explorative_after_switch", NL_CN_FIRM_EXPLOR_SW}, {"exploitative_after_switch", NL_CN_FIRM_EXPLOIT_SW},
      {"transfers_informal", NL_CN_FIRM_T_INFORMAL}, {"transfers_formal", NL_CN_FIRM_T_FORMAL},
      {"transfers_translation", NL_CN_FIRM_T_TRANSLATE}, {"transfers_amplification", NL_CN_FIRM_T_AMPLIFY},
      {"transfers_upward", NL_CN_FIRM_T_UPWARD}};
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
    double a = msum(ms, pairs[i].measure), b = fs[pairs[i].field];
    if (fabs(a - b) > 1e-9 * (1 + fabs(a))) fail_msg("%s: measures sum %g, firm counters %g", pairs[i].measure, a, b);
    assert_true(a > 0);
  }
  /* Each tie formed or dropped is counted once in the network and once for each of its firms. */
  assert_true(fabs(msum(ms, "ties_formed") * 2 / 40 - fs[NL_CN_FIRM_FORMED]) < 1e-9);
  assert_true(fabs(msum(ms, "ties_dropped") * 2 / 40 - fs[NL_CN_FIRM_DROPPED]) < 1e-9);
  /* Switches between levels are a subset of all changes; co-innovation needs them. */
  assert_true(fs[NL_CN_FIRM_EXPLOR_SW] <= fs[NL_CN_FIRM_EXPLORATIVE]);
  assert_true(fs[NL_CN_FIRM_PROD_COINNO] + fs[NL_CN_FIRM_PROC_COINNO] <=
              fs[NL_CN_FIRM_EXPLOR_SW] + fs[NL_CN_FIRM_EXPLOIT_SW]);

  /* No translation: spanners never count, so nothing external reaches a code. */
  run_sums((const char *[]){"firms=40", "tau=0", NULL}, ms, fs);
  assert_true(msum(ms, "transfers_translation") == 0 && msum(ms, "transfers_amplification") == 0);
  assert_true(msum(ms, "product_coinnovation") == 0 && msum(ms, "process_coinnovation") == 0);
  assert_true(msum(ms, "transfers_informal") > 0);
  /* No amplification. */
  run_sums((const char *[]){"firms=40", "alpha=0", NULL}, ms, fs);
  assert_true(msum(ms, "transfers_amplification") == 0 && msum(ms, "transfers_translation") > 0);
  /* No informal learning, no formal networks. */
  run_sums((const char *[]){"firms=40", "p_inf=0", "formal_networks=0", NULL}, ms, fs);
  assert_true(msum(ms, "transfers_informal") == 0 && msum(ms, "transfers_formal") == 0);
  assert_true(msum(ms, "transfers_upward") == 0 && msum(ms, "product_coinnovation") == 0);
  /* No exploration: no spanners, no search, no experiments; an empty graph stays empty. */
  run_sums((const char *[]){"firms=40", "x_mean=0", "network=empty", NULL}, ms, fs);
  assert_true(msum(ms, "ties") == 0 && msum(ms, "ties_formed") == 0 && fs[NL_CN_FIRM_SPANNERS] == 0);
  /* Regional clusters without links across them and without search stay apart: >= 4 components. */
  run_sums((const char *[]){"firms=40", "network=sbm", "net_blocks=4", "net_p_in=0.5", "net_p_out=0", "lambda=0",
                            NULL},
           ms, fs);
  assert_true(msum(ms, "components") / 150 >= 4);
}

/* coopnet 2: each exploitation mechanism does what docs/coopnet.md 7.5 says, and nothing when
 * its parameter or e_f is 0. */
static void test_coopnet2_mechanisms(void **st) {
  (void)st;
  double ms[64], fs[NL_CN_FIRM_NFIELDS], m0[64], f0[NL_CN_FIRM_NFIELDS];
  /* Per-period measures add up to the firms' counters; every mechanism leaves traces. */
  run_sums((const char *[]){"firms=40", NULL}, ms, fs);
  assert_true(fabs(msum(ms, "refinements") - fs[NL_CN_FIRM_REFINE]) < 1e-9 * (1 + fs[NL_CN_FIRM_REFINE]));
  assert_true(fabs(msum(ms, "refinements_adopted") - fs[NL_CN_FIRM_REFINE_ADOPT]) < 1e-9 * (1 + fs[NL_CN_FIRM_REFINE_ADOPT]));
  assert_true(fabs(msum(ms, "nih_rejected") - fs[NL_CN_FIRM_NIH]) < 1e-9 * (1 + fs[NL_CN_FIRM_NIH]));
  assert_true(fs[NL_CN_FIRM_REFINE] > 0 && fs[NL_CN_FIRM_REFINE_ADOPT] > 0 && fs[NL_CN_FIRM_NIH] > 0);
  assert_true(fs[NL_CN_FIRM_REFINE_ADOPT] <= fs[NL_CN_FIRM_PROC_INNO] + fs[NL_CN_FIRM_PROC_COINNO] +
                                                 fs[NL_CN_FIRM_EXPLORATIVE] + fs[NL_CN_FIRM_EXPLOITATIVE]);
  assert_true(msum(ms, "ties_dropped_myopic") > 0 && msum(ms, "ties_dropped_myopic") <= msum(ms, "ties_dropped"));
  /* Without exploitation (every e_f = 0) the mechanisms are inert: coopnet 1, value for value. */
  run_sums((const char *[]){"firms=40", "e_mean=0", NULL}, ms, fs);
  run_sums((const char *[]){"firms=40", "e_mean=0", "rho=0", "theta=0", "c_e=0", "m_e=0", "phi=0", NULL}, m0, f0);
  assert_memory_equal(ms, m0, nl_model_nmeasures(nl_model_find("coopnet")) * sizeof(double));
  assert_memory_equal(fs, f0, sizeof fs);
  /* Each switch alone: only its own trace. */
  run_sums((const char *[]){"firms=40", "theta=0", "c_e=0", "m_e=0", "phi=0", NULL}, ms, fs);
  assert_true(fs[NL_CN_FIRM_REFINE] > 0 && fs[NL_CN_FIRM_NIH] == 0 && msum(ms, "ties_dropped_myopic") == 0);
  assert_true(fabs(fs[NL_CN_FIRM_ATTENTION] - 1) < 1e-12);
  run_sums((const char *[]){"firms=40", "rho=0", "c_e=0", "m_e=0", "phi=0", NULL}, ms, fs);
  assert_true(fs[NL_CN_FIRM_REFINE] == 0 && fs[NL_CN_FIRM_NIH] == 0 && msum(ms, "ties_dropped_myopic") == 0);
  assert_true(fs[NL_CN_FIRM_ATTENTION] < 1 && fs[NL_CN_FIRM_ATTENTION] > 0.5);
  run_sums((const char *[]){"firms=40", "rho=0", "theta=0", "phi=0", NULL}, ms, fs);
  assert_true(fs[NL_CN_FIRM_REFINE] == 0 && fs[NL_CN_FIRM_NIH] == 0 && msum(ms, "ties_dropped_myopic") > 0);
  run_sums((const char *[]){"firms=40", "rho=0", "theta=0", "c_e=0", "m_e=0", NULL}, ms, fs);
  assert_true(fs[NL_CN_FIRM_REFINE] == 0 && fs[NL_CN_FIRM_NIH] > 0 && msum(ms, "ties_dropped_myopic") == 0);
  /* Refinement only where there are process routines. */
  run_sums((const char *[]){"firms=40", "mQ=0", NULL}, ms, fs);
  assert_true(fs[NL_CN_FIRM_REFINE] == 0 && fs[NL_CN_FIRM_REFINE_ADOPT] == 0);

  /* Attention: a_f = 1 - theta e_f per firm; theta = 1 at e = 1 leaves no spanners, no search. */
  run r;
  if (run_new(&r, (const char *[]){"firms=30", "theta=0.8", NULL})) fail_msg("%s", r.err.msg);
  assert_int_equal(r.m->reset(r.state, 3, 0, &r.err), 0);
  double row[NL_CN_FIRM_NFIELDS];
  for (size_t f = 0; f < 30; f++) {
    nl_coopnet_firm_row(r.state, f, row);
    assert_true(fabs(row[NL_CN_FIRM_ATTENTION] - (1 - 0.8 * row[NL_CN_FIRM_EXPLOIT])) < 1e-15);
  }
  run_free(&r);
  run_sums((const char *[]){"firms=40", "theta=1", "e_mean=1", "network=empty", NULL}, ms, fs);
  assert_true(fs[NL_CN_FIRM_SPANNERS] == 0 && msum(ms, "ties_formed") == 0 && fs[NL_CN_FIRM_ATTENTION] == 0);

  /* Refinement reads the truth: with q_ref = 1 in a stable world, exploitative firms' process codes
   * become right on every dimension (without it March's rule stops short). */
  const char *stable[] = {"firms=10", "size_dist=fixed", "network=empty", "formal_networks=0", "x_mean=0", "p3=0",
                          "p4P=0", "p4Q=0", "mP=0", "e_mean=1", "theta=0", "c_e=0", "m_e=0", "phi=0", NULL, NULL, NULL};
  for (int k = 0; k < 2; k++) {
    stable[14] = k ? "rho=0.5" : "rho=0";
    stable[15] = "q_ref=1";
    run_sums(stable, ms, fs);
    printf("  stable world, %s: process code knowledge %.4f\n", stable[14], fs[NL_CN_FIRM_CODE_KQ]);
    if (k) assert_true(fs[NL_CN_FIRM_CODE_KQ] > 0.98);
    else assert_true(fs[NL_CN_FIRM_CODE_KQ] < 0.99);
  }

  /* Myopia: patience scaled by 1 - m_e e_f for the review, the trait column unchanged. Not invented
   * here at phi = 1 for fully exploitative firms stops adoption on established dimensions, so
   * informal transfers fall. */
  run_sums((const char *[]){"firms=40", "rho=0", "theta=0", "c_e=0", "m_e=0", "e_mean=1", NULL}, ms, fs);
  double t_nih = fs[NL_CN_FIRM_T_INFORMAL], rej = fs[NL_CN_FIRM_NIH];
  run_sums((const char *[]){"firms=40", "rho=0", "theta=0", "c_e=0", "m_e=0", "e_mean=1", "phi=0", NULL}, ms, fs);
  assert_true(rej > 0 && t_nih < fs[NL_CN_FIRM_T_INFORMAL]);
}

/* March's code-learning rule, one dimension at a time (the definition), against the word-parallel
 * nl_march_adopt_majority that coopnet runs for every firm: same result and same draws. */
static long adopt_reference(uint64_t *nz, uint64_t *pos, const uint64_t *cnt_a, const uint64_t *cnt_b, size_t np,
                            size_t W, size_t m, long voters, const uint64_t *fx, nl_rng *r) {
  long changed = 0;
  if (voters == 0) return 0;
  for (size_t k = 0; k < m; k++) {
    long plus = nl_bitcount_get(cnt_a, np, W, k);
    long minus = cnt_b ? nl_bitcount_get(cnt_b, np, W, k) : voters - plus;
    if (plus == minus) continue;
    int val = plus > minus ? 1 : -1;
    uint64_t bit = (uint64_t)1 << (k % 64);
    int cur = (nz[k / 64] & bit) ? ((pos[k / 64] & bit) ? 1 : -1) : 0;
    if (cur == val) continue;
    if ((nl_rng_u64(r) >> 32) < fx[plus > minus ? plus - minus : minus - plus]) {
      nz[k / 64] |= bit;
      pos[k / 64] = val > 0 ? pos[k / 64] | bit : pos[k / 64] & ~bit;
      changed++;
    }
  }
  return changed;
}

static void test_adopt_majority_reference(void **st) {
  (void)st;
  nl_rng g;
  nl_rng_init(&g, 1, 2, 3, 4);
  uint64_t fx[1001];
  for (int k = 0; k <= 1000; k++) fx[k] = ((uint64_t)k * 3000017u) & 0xffffffffu;
  for (int it = 0; it < 20000; it++) {
    size_t m = 1 + nl_rng_below(&g, 200), W = nl_words(m);
    long n = 1 + (long)nl_rng_below(&g, 1000);
    size_t np = nl_bitcount_planes((size_t)n);
    int paper = (int)nl_rng_below(&g, 2);
    long voters = (long)nl_rng_below(&g, (uint64_t)n + 1);
    uint64_t ca[10 * 4] = {0}, cb[10 * 4] = {0}, nz1[4], pos1[4], nz2[4], pos2[4];
    for (size_t k = 0; k < m; k++) {
      long a = voters ? (long)nl_rng_below(&g, (uint64_t)voters + 1) : 0;
      long b = paper ? (long)nl_rng_below(&g, (uint64_t)(voters - a) + 1) : 0;
      for (size_t j = 0; j < np; j++) {
        if ((a >> j) & 1) ca[j * W + k / 64] |= (uint64_t)1 << (k % 64);
        if ((b >> j) & 1) cb[j * W + k / 64] |= (uint64_t)1 << (k % 64);
      }
    }
    nl_belief_random(&g, nz1, pos1, m);
    memcpy(nz2, nz1, W * 8);
    memcpy(pos2, pos1, W * 8);
    nl_rng r1, r2;
    nl_rng_init(&r1, (uint64_t)it, 0, 0, 0);
    r2 = r1;
    long c1 = adopt_reference(nz1, pos1, ca, paper ? cb : NULL, np, W, m, voters, fx, &r1);
    long c2 = nl_march_adopt_majority(nz2, pos2, ca, paper ? cb : NULL, np, W, m, voters, fx, &r2);
    assert_int_equal(c1, c2);
    assert_memory_equal(nz1, nz2, W * 8);
    assert_memory_equal(pos1, pos2, W * 8);
    assert_true(nl_rng_u64(&r1) == nl_rng_u64(&r2)); /* same number of draws */
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nesting),
      cmocka_unit_test(test_nesting_distribution),
      cmocka_unit_test(test_adopt_majority_reference),
      cmocka_unit_test(test_firm_table_errors),
      cmocka_unit_test(test_network_file_errors),
      cmocka_unit_test(test_parameter_errors),
      cmocka_unit_test(test_firm_table_and_files),
      cmocka_unit_test(test_determinism_and_invariants),
      cmocka_unit_test(test_alloc_faults),
      cmocka_unit_test(test_mechanisms_and_bookkeeping),
      cmocka_unit_test(test_coopnet2_mechanisms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

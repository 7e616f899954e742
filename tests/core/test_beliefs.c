/* Bit-packed belief vectors against a plain int8 reference implementation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/beliefs.h"

enum { MAXM = 200 };

static void unpack(const uint64_t *nz, const uint64_t *pos, size_t m, int *out) {
  for (size_t k = 0; k < m; k++) {
    int on = (int)((nz[k / 64] >> (k % 64)) & 1), p = (int)((pos[k / 64] >> (k % 64)) & 1);
    out[k] = on ? (p ? 1 : -1) : 0;
  }
}

static void unpack_reality(const uint64_t *rpos, size_t m, int *out) {
  for (size_t k = 0; k < m; k++) out[k] = ((rpos[k / 64] >> (k % 64)) & 1) ? 1 : -1;
}

static const size_t sizes[] = {1, 30, 63, 64, 65, 128, 200};

static void test_score_matches_reference(void **state) {
  (void)state;
  nl_rng r;
  nl_rng_init(&r, 11, 0, NL_RNG_INIT, 0);
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
    size_t m = sizes[si], W = nl_words(m);
    uint64_t nz[4], pos[4], rp[4], nz2[4], pos2[4];
    int b[MAXM], b2[MAXM], rr[MAXM];
    for (int trial = 0; trial < 200; trial++) {
      nl_belief_random(&r, nz, pos, m);
      nl_belief_random(&r, nz2, pos2, m);
      nl_reality_random(&r, rp, m);
      for (size_t w = 0; w < W; w++) {
        assert_int_equal(pos[w] & ~nz[w], 0);               /* pos within nz */
        assert_int_equal(nz[w] & ~nl_valid_mask(m, w), 0); /* no bits past m */
        assert_int_equal(rp[w] & ~nl_valid_mask(m, w), 0);
      }
      unpack(nz, pos, m, b);
      unpack(nz2, pos2, m, b2);
      unpack_reality(rp, m, rr);
      long score = 0, right = 0, dist = 0;
      for (size_t k = 0; k < m; k++) {
        score += b[k] * rr[k];
        right += b[k] == rr[k];
        dist += b[k] != b2[k];
      }
      assert_int_equal(nl_belief_score(nz, pos, rp, W), score);
      assert_int_equal(nl_belief_right(nz, pos, rp, W), right);
      assert_int_equal(nl_belief_distance(nz, pos, nz2, pos2, W), dist);
    }
  }
}

static void test_random_beliefs_are_thirds(void **state) {
  (void)state;
  nl_rng r;
  nl_rng_init(&r, 12, 0, NL_RNG_INIT, 0);
  long c[3] = {0};
  int b[MAXM];
  for (int t = 0; t < 3000; t++) {
    uint64_t nz[1], pos[1];
    nl_belief_random(&r, nz, pos, 30);
    unpack(nz, pos, 30, b);
    for (int k = 0; k < 30; k++) c[b[k] + 1]++;
  }
  double e = 3000 * 30 / 3.0, chi2 = 0;
  for (int i = 0; i < 3; i++) chi2 += ((double)c[i] - e) * ((double)c[i] - e) / e;
  assert_true(chi2 < 13.8); /* 2 df, p = 0.001 */
}

static void test_gradual_socialization_one_step(void **state) {
  (void)state;
  /* With p1 = 1 every differing dimension under a non-zero code moves exactly one step. */
  nl_rng r;
  nl_rng_init(&r, 13, 0, NL_RNG_INIT, 0);
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
    size_t m = sizes[si], W = nl_words(m);
    for (int t = 0; t < 100; t++) {
      uint64_t nz[4], pos[4], cnz[4], cpos[4];
      int before[MAXM], after[MAXM], code[MAXM];
      nl_belief_random(&r, nz, pos, m);
      nl_belief_random(&r, cnz, cpos, m);
      unpack(nz, pos, m, before);
      unpack(cnz, cpos, m, code);
      long changed = nl_belief_socialize_gradual(&r, nl_rng_fixed32(1.0), nz, pos, cnz, cpos, W);
      unpack(nz, pos, m, after);
      long expect_changed = 0;
      for (size_t k = 0; k < m; k++) {
        int want = before[k];
        if (code[k] != 0 && before[k] != code[k]) {
          want = before[k] == 0 ? code[k] : 0;
          expect_changed++;
        }
        assert_int_equal(after[k], want);
      }
      assert_int_equal(changed, expect_changed);
      for (size_t w = 0; w < W; w++) assert_int_equal(pos[w] & ~nz[w], 0);
    }
  }
}

static void test_immediate_socialization(void **state) {
  (void)state;
  nl_rng r;
  nl_rng_init(&r, 14, 0, NL_RNG_INIT, 0);
  size_t m = 65, W = nl_words(m);
  uint64_t nz[2], pos[2], cnz[2], cpos[2];
  int before[MAXM], after[MAXM], code[MAXM];
  nl_belief_random(&r, nz, pos, m);
  nl_belief_random(&r, cnz, cpos, m);
  unpack(nz, pos, m, before);
  unpack(cnz, cpos, m, code);
  nl_belief_socialize_immediate(&r, nl_rng_fixed32(1.0), nz, pos, cnz, cpos, W);
  unpack(nz, pos, m, after);
  for (size_t k = 0; k < m; k++) assert_int_equal(after[k], code[k] != 0 ? code[k] : before[k]);
  /* p1 = 0 changes nothing. */
  uint64_t nz0[2] = {nz[0], nz[1]}, pos0[2] = {pos[0], pos[1]};
  nl_belief_random(&r, cnz, cpos, m);
  assert_int_equal(nl_belief_socialize_immediate(&r, 0, nz, pos, cnz, cpos, W), 0);
  assert_memory_equal(nz, nz0, sizeof nz0);
  assert_memory_equal(pos, pos0, sizeof pos0);
}

static void test_socialization_rate(void **state) {
  (void)state;
  /* Gradual socialization at p1 changes a differing dimension with probability p1. */
  nl_rng r;
  nl_rng_init(&r, 15, 0, NL_RNG_INIT, 0);
  size_t m = 64;
  uint64_t cnz[1] = {~0ULL}, cpos[1] = {~0ULL};
  long changed = 0, n = 0;
  for (int t = 0; t < 4000; t++) {
    uint64_t nz[1] = {0}, pos[1] = {0}; /* all doubt: every dimension differs */
    changed += nl_belief_socialize_gradual(&r, nl_rng_fixed32(0.1), nz, pos, cnz, cpos, 1);
    n += (long)m;
  }
  double f = (double)changed / (double)n;
  assert_true(f > 0.1 - 0.005 && f < 0.1 + 0.005); /* SE 0.0006 */
}

static void test_act_performance(void **state) {
  (void)state;
  nl_rng r;
  nl_rng_init(&r, 16, 0, NL_RNG_INIT, 0);
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
    size_t m = sizes[si];
    uint64_t nz[4], pos[4], rp[4], act[4];
    int b[MAXM], a[MAXM], rr[MAXM];
    nl_belief_random(&r, nz, pos, m);
    nl_reality_random(&r, rp, m);
    long perf = nl_belief_act(&r, nz, pos, rp, act, m);
    unpack(nz, pos, m, b);
    unpack_reality(rp, m, rr);
    unpack_reality(act, m, a);
    long expect = 0;
    for (size_t k = 0; k < m; k++) {
      if (b[k] != 0) assert_int_equal(a[k], b[k]); /* acts on its belief where it has one */
      expect += a[k] * rr[k];
    }
    assert_int_equal(perf, expect);
    for (size_t w = 0; w < nl_words(m); w++) assert_int_equal(act[w] & ~nl_valid_mask(m, w), 0);
  }
}

static void test_bitcount(void **state) {
  (void)state;
  nl_rng r;
  nl_rng_init(&r, 17, 0, NL_RNG_INIT, 0);
  size_t m = 130, W = nl_words(m), n = 1000, np = nl_bitcount_planes(n);
  assert_int_equal(nl_bitcount_planes(1), 1);
  assert_int_equal(nl_bitcount_planes(2), 2);
  assert_int_equal(nl_bitcount_planes(1000), 10);
  uint64_t *planes = calloc(np * W, sizeof(uint64_t));
  long ref[130] = {0};
  for (size_t i = 0; i < n; i++) {
    uint64_t x[3];
    for (size_t w = 0; w < W; w++) x[w] = nl_rng_u64(&r) & nl_valid_mask(m, w);
    nl_bitcount_add(planes, np, W, x);
    for (size_t k = 0; k < m; k++) ref[k] += (long)((x[k / 64] >> (k % 64)) & 1);
  }
  for (size_t k = 0; k < m; k++) assert_int_equal(nl_bitcount_get(planes, np, W, k), ref[k]);
  free(planes);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_score_matches_reference),  cmocka_unit_test(test_random_beliefs_are_thirds),
      cmocka_unit_test(test_gradual_socialization_one_step), cmocka_unit_test(test_immediate_socialization),
      cmocka_unit_test(test_socialization_rate),       cmocka_unit_test(test_act_performance),
      cmocka_unit_test(test_bitcount),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

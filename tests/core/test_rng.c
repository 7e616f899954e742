/* Philox streams: determinism, independence of keys, and the distributions built on them. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/rng.h"

static void test_same_key_same_sequence(void **state) {
  (void)state;
  nl_rng a, b;
  nl_rng_init(&a, 42, 7, NL_RNG_DYNAMICS, 3);
  nl_rng_init(&b, 42, 7, NL_RNG_DYNAMICS, 3);
  for (int i = 0; i < 1000; i++) assert_int_equal(nl_rng_u64(&a), nl_rng_u64(&b));
}

static void test_keys_give_different_streams(void **state) {
  (void)state;
  /* Any single component of (seed, stream, purpose, sub) changes the whole sequence. */
  uint64_t keys[5][4] = {{1, 0, 2, 0}, {2, 0, 2, 0}, {1, 1, 2, 0}, {1, 0, 3, 0}, {1, 0, 2, 1}};
  uint64_t first[5][8];
  for (int k = 0; k < 5; k++) {
    nl_rng r;
    nl_rng_init(&r, keys[k][0], keys[k][1], keys[k][2], keys[k][3]);
    for (int i = 0; i < 8; i++) first[k][i] = nl_rng_u64(&r);
  }
  for (int a = 0; a < 5; a++)
    for (int b = a + 1; b < 5; b++) {
      int same = 0;
      for (int i = 0; i < 8; i++) same += first[a][i] == first[b][i];
      assert_int_equal(same, 0);
    }
}

static void test_uniform_moments(void **state) {
  (void)state;
  nl_rng r;
  nl_rng_init(&r, 1, 0, NL_RNG_INIT, 0);
  const int n = 200000;
  double s = 0, ss = 0, lo = 1, hi = 0;
  for (int i = 0; i < n; i++) {
    double u = nl_rng_uniform(&r);
    assert_true(u >= 0.0 && u < 1.0);
    s += u;
    ss += u * u;
    if (u < lo) lo = u;
    if (u > hi) hi = u;
  }
  double mean = s / n, var = ss / n - mean * mean;
  /* mean of U(0,1): 0.5 with SE sqrt(1/12/n) = 0.00065; 5 SE. */
  assert_true(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / n));
  assert_true(fabs(var - 1.0 / 12) < 0.002);
  assert_true(lo < 1e-3 && hi > 1 - 1e-3);
}

static void test_below_is_uniform(void **state) {
  (void)state;
  nl_rng r;
  nl_rng_init(&r, 9, 1, NL_RNG_INIT, 0);
  enum { K = 7, N = 70000 };
  long count[K] = {0};
  for (int i = 0; i < N; i++) {
    uint64_t v = nl_rng_below(&r, K);
    assert_true(v < K);
    count[v]++;
  }
  double chi2 = 0, e = (double)N / K;
  for (int k = 0; k < K; k++) chi2 += ((double)count[k] - e) * ((double)count[k] - e) / e;
  assert_true(chi2 < 22.46); /* chi-square, 6 df, p = 0.001 */
}

/* Bit frequency of masks must match p at every bit position. */
static void check_mask_frequency(double p, int use_on) {
  nl_rng r;
  nl_rng_init(&r, 5, 5, NL_RNG_INIT, (uint64_t)(p * 1000));
  uint64_t P = nl_rng_fixed32(p);
  const int N = 20000;
  long ones[64] = {0};
  uint64_t where = use_on ? 0x00000000000000ffULL : ~0ULL; /* sparse path when use_on */
  for (int i = 0; i < N; i++) {
    uint64_t m = use_on ? nl_rng_mask_on(&r, P, where) : nl_rng_mask_fixed(&r, P);
    assert_int_equal(m & ~where, 0);
    for (int b = 0; b < 64; b++) ones[b] += (long)((m >> b) & 1);
  }
  double se = sqrt(p * (1 - p) / N);
  for (int b = 0; b < 64; b++) {
    if (!((where >> b) & 1)) continue;
    double f = (double)ones[b] / N;
    assert_true(fabs(f - p) <= 5 * se + 1e-12);
  }
}

static void test_mask_fixed_frequencies(void **state) {
  (void)state;
  double ps[] = {0.0, 0.1, 0.25, 0.5, 0.9, 0.999, 1.0};
  for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) check_mask_frequency(ps[i], 0);
}

static void test_mask_on_frequencies(void **state) {
  (void)state;
  double ps[] = {0.0, 0.1, 0.5, 0.9, 1.0};
  for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) check_mask_frequency(ps[i], 1);
}

static void test_mask_bits_independent(void **state) {
  (void)state;
  /* Adjacent bits of a mask are independent: P(both) = p^2. */
  nl_rng r;
  nl_rng_init(&r, 77, 0, NL_RNG_INIT, 0);
  double p = 0.3;
  uint64_t P = nl_rng_fixed32(p);
  long both = 0, n = 0;
  for (int i = 0; i < 20000; i++) {
    uint64_t m = nl_rng_mask_fixed(&r, P);
    both += __builtin_popcountll(m & (m >> 1) & 0x7fffffffffffffffULL);
    n += 63;
  }
  double f = (double)both / (double)n, se = sqrt(p * p * (1 - p * p) / (double)n);
  assert_true(fabs(f - p * p) < 5 * se);
}

static void test_normal_moments(void **state) {
  (void)state;
  nl_rng r;
  nl_rng_init(&r, 3, 0, NL_RNG_SURVEY, 0);
  const int n = 100000;
  double s = 0, ss = 0;
  for (int i = 0; i < n; i++) {
    double z = nl_rng_normal(&r);
    s += z;
    ss += z * z;
  }
  assert_true(fabs(s / n) < 5 / sqrt(n));
  assert_true(fabs(ss / n - 1) < 5 * sqrt(2.0 / n));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_key_same_sequence), cmocka_unit_test(test_keys_give_different_streams),
      cmocka_unit_test(test_uniform_moments),        cmocka_unit_test(test_below_is_uniform),
      cmocka_unit_test(test_mask_fixed_frequencies), cmocka_unit_test(test_mask_on_frequencies),
      cmocka_unit_test(test_mask_bits_independent),  cmocka_unit_test(test_normal_moments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

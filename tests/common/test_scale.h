#ifndef NL_TESTS_COMMON_TEST_SCALE_H
#define NL_TESTS_COMMON_TEST_SCALE_H
/*
 * NL_TEST_SCALE: the fraction of their replications (or trials) the statistical tests run. CMake's
 * nl_add_test sets it for the sanitizer build (0.2 unless SANITIZER_SCALE says otherwise); unset or
 * outside (0, 1] it is 1, the full test. A test with a scale below 1 is a reduced run: each test
 * says what it still judges there.
 */
#include <stdlib.h>

static inline double nl_test_scale(void) {
  const char *s = getenv("NL_TEST_SCALE");
  double v = s ? atof(s) : 1.0;
  return v > 0 && v <= 1 ? v : 1.0;
}

/* full scaled by NL_TEST_SCALE, at least `floor` (the fewest the test's tolerances allow). */
static inline long nl_test_scaled(long full, long floor) {
  long r = (long)((double)full * nl_test_scale());
  return r < floor ? floor : r;
}

#endif

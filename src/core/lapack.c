/*
 * BLAS and LAPACK through the Fortran interface (see lapack.h).
 *
 * Fortran passes every argument by reference, and a CHARACTER argument also passes its length
 * as a hidden trailing argument (size_t with gfortran >= 8, what Debian's LAPACK, R's and
 * OpenBLAS's LAPACK are built with). The prototypes below declare those lengths, as R does with
 * FCONE: leaving them out is undefined behaviour that recent gfortran builds punish.
 *
 * Workspace and transposed copies are allocated with nl_malloc, so the installed allocator sees
 * them (and the fault-injection tests fail them); a wrapper returns NL_LAPACK_NOMEM when one
 * cannot be had, and its callers report NL_ENOMEM (nl_lapack_status).
 */
#include "core/lapack.h"

#include <math.h>

#include "core/alloc.h"

typedef size_t nl_flen; /* the hidden length of a CHARACTER argument */

void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k, const double *alpha,
            const double *a, const int *lda, const double *b, const int *ldb, const double *beta, double *c,
            const int *ldc, nl_flen la, nl_flen lb);
void dgemv_(const char *trans, const int *m, const int *n, const double *alpha, const double *a, const int *lda,
            const double *x, const int *incx, const double *beta, double *y, const int *incy, nl_flen lt);
void dsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha, const double *a,
            const int *lda, const double *beta, double *c, const int *ldc, nl_flen lu, nl_flen lt);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, nl_flen lu);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info, nl_flen lu);
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb,
            int *info, nl_flen lu);
void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b,
            const int *ldb, double *work, const int *lwork, int *info, nl_flen lt);
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
            const int *lwork, int *info, nl_flen lj, nl_flen lu);
void dgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork, int *info,
             nl_flen lu, nl_flen lv);

/* OpenBLAS's own calls, weak: NULL when the BLAS linked is another implementation. */
int openblas_get_num_threads(void) __attribute__((weak));
void openblas_set_num_threads(int n) __attribute__((weak));
char *openblas_get_config(void) __attribute__((weak));

static int imax1(int a) { return a > 1 ? a : 1; }
static size_t zs(int a) { return a > 0 ? (size_t)a : 0; }

/* ---- BLAS ---- */

void nl_dgemm(char transa, char transb, int m, int n, int k, double alpha, const double *a, int lda, const double *b,
              int ldb, double beta, double *c, int ldc) {
  dgemm_(&transa, &transb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c, &ldc, 1, 1);
}

void nl_dgemv(char trans, int m, int n, double alpha, const double *a, int lda, const double *x, int incx, double beta,
              double *y, int incy) {
  dgemv_(&trans, &m, &n, &alpha, a, &lda, x, &incx, &beta, y, &incy, 1);
}

void nl_dsyrk(char uplo, char trans, int n, int k, double alpha, const double *a, int lda, double beta, double *c,
              int ldc) {
  dsyrk_(&uplo, &trans, &n, &k, &alpha, a, &lda, &beta, c, &ldc, 1, 1);
}

/* ---- NaN checks (LAPACKE's, on the logical matrix) ---- */

/* Any NaN in the m x n matrix (element (i, j) at a[i * rs + j * cs]). */
static int ge_nan(int m, int n, const double *a, size_t rs, size_t cs) {
  for (size_t j = 0; j < zs(n); j++)
    for (size_t i = 0; i < zs(m); i++)
      if (isnan(a[i * rs + j * cs])) return 1;
  return 0;
}

/* Any NaN in the uplo triangle (diagonal included) of the n x n matrix. */
static int tr_nan(char uplo, int n, const double *a, size_t rs, size_t cs) {
  int lower = uplo == 'L' || uplo == 'l';
  for (size_t j = 0; j < zs(n); j++)
    for (size_t i = lower ? j : 0; i < (lower ? zs(n) : j + 1); i++)
      if (isnan(a[i * rs + j * cs])) return 1;
  return 0;
}

/* Copy the n x n triangle (or the full m x n matrix when uplo is 0) between layouts:
 * element (i, j) from src[i * srs + j * scs] to dst[i * drs + j * dcs]. */
static void copy_mat(char uplo, int m, int n, const double *src, size_t srs, size_t scs, double *dst, size_t drs,
                     size_t dcs) {
  int lower = uplo == 'L' || uplo == 'l', upper = uplo == 'U' || uplo == 'u';
  for (size_t j = 0; j < zs(n); j++) {
    size_t i0 = lower ? j : 0, i1 = upper ? j + 1 : zs(m);
    for (size_t i = i0; i < i1; i++) dst[i * drs + j * dcs] = src[i * srs + j * scs];
  }
}

/* ---- LAPACK, column-major ---- */

int nl_dpotrf(char uplo, int n, double *a, int lda) {
  int info = 0;
  if (tr_nan(uplo, n, a, 1, zs(lda))) return -4;
  dpotrf_(&uplo, &n, a, &lda, &info, 1);
  return info;
}

int nl_dpotri(char uplo, int n, double *a, int lda) {
  int info = 0;
  if (tr_nan(uplo, n, a, 1, zs(lda))) return -4;
  dpotri_(&uplo, &n, a, &lda, &info, 1);
  return info;
}

int nl_dposv(char uplo, int n, int nrhs, double *a, int lda, double *b, int ldb) {
  int info = 0;
  if (tr_nan(uplo, n, a, 1, zs(lda))) return -5;
  if (ge_nan(n, nrhs, b, 1, zs(ldb))) return -7;
  dposv_(&uplo, &n, &nrhs, a, &lda, b, &ldb, &info, 1);
  return info;
}

int nl_dgels(char trans, int m, int n, int nrhs, double *a, int lda, double *b, int ldb) {
  int info = 0, lwork = -1;
  double query = 0;
  if (ge_nan(m, n, a, 1, zs(lda))) return -6;
  if (ge_nan(m > n ? m : n, nrhs, b, 1, zs(ldb))) return -8;
  dgels_(&trans, &m, &n, &nrhs, a, &lda, b, &ldb, &query, &lwork, &info, 1);
  if (info != 0) return info;
  lwork = (int)query;
  double *work = nl_malloc(zs(imax1(lwork)) * sizeof *work);
  if (!work) return NL_LAPACK_NOMEM;
  dgels_(&trans, &m, &n, &nrhs, a, &lda, b, &ldb, work, &lwork, &info, 1);
  nl_free(work);
  return info;
}

int nl_dsyev(char jobz, char uplo, int n, double *a, int lda, double *w) {
  int info = 0, lwork = -1;
  double query = 0;
  if (tr_nan(uplo, n, a, 1, zs(lda))) return -5;
  dsyev_(&jobz, &uplo, &n, a, &lda, w, &query, &lwork, &info, 1, 1);
  if (info != 0) return info;
  lwork = (int)query;
  double *work = nl_malloc(zs(imax1(lwork)) * sizeof *work);
  if (!work) return NL_LAPACK_NOMEM;
  dsyev_(&jobz, &uplo, &n, a, &lda, w, work, &lwork, &info, 1, 1);
  nl_free(work);
  return info;
}

/* ---- LAPACK, row-major: transpose into column-major copies, call, transpose back ---- */

int nl_dposv_rows(char uplo, int n, int nrhs, double *a, int lda, double *b, int ldb) {
  int info = 0, ldt = imax1(n);
  if (tr_nan(uplo, n, a, zs(lda), 1)) return -5;
  if (ge_nan(n, nrhs, b, zs(ldb), 1)) return -7;
  if (lda < n) return -6;
  if (ldb < nrhs) return -8;
  double *at = nl_malloc(zs(ldt) * zs(imax1(n)) * sizeof *at), *bt = nl_malloc(zs(ldt) * zs(imax1(nrhs)) * sizeof *bt);
  if (!at || !bt) {
    info = NL_LAPACK_NOMEM;
    goto cleanup;
  }
  copy_mat(uplo, n, n, a, zs(lda), 1, at, 1, zs(ldt));
  copy_mat(0, n, nrhs, b, zs(ldb), 1, bt, 1, zs(ldt));
  dposv_(&uplo, &n, &nrhs, at, &ldt, bt, &ldt, &info, 1);
  copy_mat(uplo, n, n, at, 1, zs(ldt), a, zs(lda), 1);
  copy_mat(0, n, nrhs, bt, 1, zs(ldt), b, zs(ldb), 1);
cleanup:
  nl_free(at);
  nl_free(bt);
  return info;
}

int nl_dsyev_rows(char jobz, char uplo, int n, double *a, int lda, double *w) {
  int info = 0, ldt = imax1(n), lwork = -1;
  double query = 0, *at = NULL, *work = NULL;
  if (tr_nan(uplo, n, a, zs(lda), 1)) return -5;
  if (lda < n) return -6;
  dsyev_(&jobz, &uplo, &n, a, &ldt, w, &query, &lwork, &info, 1, 1);
  if (info != 0) return info;
  lwork = (int)query;
  work = nl_malloc(zs(imax1(lwork)) * sizeof *work);
  at = nl_malloc(zs(ldt) * zs(imax1(n)) * sizeof *at);
  if (!work || !at) {
    info = NL_LAPACK_NOMEM;
    goto cleanup;
  }
  copy_mat(uplo, n, n, a, zs(lda), 1, at, 1, zs(ldt));
  dsyev_(&jobz, &uplo, &n, at, &ldt, w, work, &lwork, &info, 1, 1);
  /* eigenvectors fill the whole matrix; otherwise only the triangle was touched */
  copy_mat(jobz == 'V' || jobz == 'v' ? 0 : uplo, n, n, at, 1, zs(ldt), a, zs(lda), 1);
cleanup:
  nl_free(at);
  nl_free(work);
  return info;
}

int nl_dgesvd_rows(char jobu, char jobvt, int m, int n, double *a, int lda, double *s, double *vt, int ldvt,
                   double *superb) {
  int info = 0, ldat = imax1(m), ldu = 1, all_vt = jobvt == 'A' || jobvt == 'a', ldvtt = imax1(all_vt ? n : 1);
  int lwork = -1;
  double query = 0, u = 0, *at = NULL, *vtt = NULL, *work = NULL;
  if (jobu != 'N' && jobu != 'n') return -2; /* left vectors: not needed so far */
  if (ge_nan(m, n, a, zs(lda), 1)) return -6;
  if (lda < n) return -9;
  if (all_vt && ldvt < n) return -14;
  dgesvd_(&jobu, &jobvt, &m, &n, a, &ldat, s, &u, &ldu, vt, &ldvtt, &query, &lwork, &info, 1, 1);
  if (info != 0) return info;
  lwork = (int)query;
  work = nl_malloc(zs(imax1(lwork)) * sizeof *work);
  at = nl_malloc(zs(ldat) * zs(imax1(n)) * sizeof *at);
  if (all_vt) vtt = nl_malloc(zs(ldvtt) * zs(imax1(n)) * sizeof *vtt);
  if (!work || !at || (all_vt && !vtt)) {
    info = NL_LAPACK_NOMEM;
    goto cleanup;
  }
  copy_mat(0, m, n, a, zs(lda), 1, at, 1, zs(ldat));
  dgesvd_(&jobu, &jobvt, &m, &n, at, &ldat, s, &u, &ldu, all_vt ? vtt : &u, &ldvtt, work, &lwork, &info, 1, 1);
  if (all_vt) copy_mat(0, n, n, vtt, 1, zs(ldvtt), vt, zs(ldvt), 1);
  copy_mat(0, m, n, at, 1, zs(ldat), a, zs(lda), 1);
  for (int i = 0; i < (m < n ? m : n) - 1; i++) superb[i] = work[i + 1];
cleanup:
  nl_free(at);
  nl_free(vtt);
  nl_free(work);
  return info;
}

nl_status nl_lapack_status(int info) {
  return info == 0 ? NL_OK : info == NL_LAPACK_NOMEM ? NL_ENOMEM : NL_ENUMERIC;
}

/* ---- the implementation ---- */

int nl_blas_threads(void) { return openblas_get_num_threads ? openblas_get_num_threads() : 1; }

void nl_blas_set_threads(int n) {
  if (openblas_set_num_threads) openblas_set_num_threads(n);
}

const char *nl_blas_name(void) {
  const char *c = openblas_get_config ? openblas_get_config() : NULL;
  return c ? c : "BLAS/LAPACK (Fortran interface)";
}

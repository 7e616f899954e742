#ifndef NL_CORE_LAPACK_H
#define NL_CORE_LAPACK_H
/*
 * BLAS and LAPACK through their Fortran interface only (dgemm_, dpotrf_, ...), so that the library
 * links against any implementation: OpenBLAS (Debian's default and netlearn's run-time choice),
 * the reference BLAS/LAPACK, R's libRblas/libRlapack, MKL, FlexiBLAS. No CBLAS, no LAPACKE.
 *
 * The nl_d* LAPACK wrappers behave exactly as the LAPACKE calls they replaced: same NaN checks on
 * the inputs (a negative result naming the argument), same workspace query then optimal
 * workspace (so blocked algorithms take the same path and results stay byte-identical), and for
 * the _rows variants the same transposition of C-order (row-major) matrices. They return LAPACK's
 * info: 0 success, < 0 a bad or NaN argument, > 0 the algorithm's own failure (not positive
 * definite, no convergence), NL_LAPACK_NOMEM when the workspace or a transposed copy could not be
 * allocated (dgels, dsyev and the _rows variants allocate, through nl_malloc; the others never).
 * Matrices are column-major unless the name ends in _rows. All sizes are ints (LP64 LAPACK).
 */
#include <stddef.h>

#include "netlearn/status.h"

/* A wrapper's result when its workspace could not be allocated (LAPACKE's value). */
#define NL_LAPACK_NOMEM (-1011)
/* The status a caller reports for a wrapper's result: NL_OK (0), NL_ENOMEM (NL_LAPACK_NOMEM),
 * NL_ENUMERIC (any other failure; the caller says which computation failed). O(1). */
nl_status nl_lapack_status(int info);

/* ---- BLAS (column-major; alpha, beta as in the reference BLAS) ---- */
/* C = alpha op(A) op(B) + beta C, op(X) = X ('N') or X' ('T'). */
void nl_dgemm(char transa, char transb, int m, int n, int k, double alpha, const double *a, int lda, const double *b,
              int ldb, double beta, double *c, int ldc);
/* y = alpha op(A) x + beta y. */
void nl_dgemv(char trans, int m, int n, double alpha, const double *a, int lda, const double *x, int incx, double beta,
              double *y, int incy);
/* C = alpha op(A) op(A)' + beta C on the uplo triangle of the n x n C. */
void nl_dsyrk(char uplo, char trans, int n, int k, double alpha, const double *a, int lda, double beta, double *c,
              int ldc);

/* ---- LAPACK (column-major) ---- */
int nl_dpotrf(char uplo, int n, double *a, int lda);
int nl_dpotri(char uplo, int n, double *a, int lda);
int nl_dposv(char uplo, int n, int nrhs, double *a, int lda, double *b, int ldb);
int nl_dgels(char trans, int m, int n, int nrhs, double *a, int lda, double *b, int ldb);
int nl_dsyev(char jobz, char uplo, int n, double *a, int lda, double *w);

/* ---- LAPACK on C-order (row-major) matrices: the logical matrix as in LAPACKE_*(LAPACK_ROW_MAJOR) ---- */
int nl_dposv_rows(char uplo, int n, int nrhs, double *a, int lda, double *b, int ldb);
int nl_dsyev_rows(char jobz, char uplo, int n, double *a, int lda, double *w);
/* Only jobu = 'N' (no left singular vectors) and jobvt = 'A' or 'N'; superb gets the
 * unconverged superdiagonal (min(m,n) - 1 values) as in LAPACKE_dgesvd. */
int nl_dgesvd_rows(char jobu, char jobvt, int m, int n, double *a, int lda, double *s, double *vt, int ldvt,
                   double *superb);

/* ---- the implementation's threads ----
 * OpenBLAS runs its own thread pool; code that is already parallel (OpenMP over resamples) sets it
 * to one thread for the duration. Other BLAS libraries have no such call: get returns 1 and set
 * does nothing (the symbols are looked up weakly, at load time). */
int nl_blas_threads(void);
void nl_blas_set_threads(int n);
/* The implementation's description ("OpenBLAS 0.3.21 DYNAMIC_ARCH ...") or a generic name. */
const char *nl_blas_name(void);

#endif

#ifndef NL_CLI_RUN_MPI_H
#define NL_CLI_RUN_MPI_H
/* `netlearn run` under mpirun: rank 0 runs the library's run pipeline with a runner that hands the
 * runs out one at a time and writes the database; every other rank simulates. Without MPI support
 * cli_mpi_init returns 0 and nothing else is called. */
#include "netlearn/experiment.h"

typedef struct cli_mpi {
  int rank, nranks;
  int released;              /* rank 0 told the others whether to run */
  int reported;              /* rank 0's runner printed its own failure */
  const char *scenario_path; /* for messages */
} cli_mpi;

/* 1 when launched by mpirun (MPI initialized; stdout and stderr of ranks but 0 silenced), else 0. */
int cli_mpi_init(cli_mpi *m);
void cli_mpi_finalize(cli_mpi *m);
/* Rank 0 reads path and sends its text; the others receive it. NULL when rank 0 cannot read it
 * (rank 0 then reports it as without MPI). Caller frees. */
char *cli_mpi_share_text(cli_mpi *m, const char *path);
/* Rank 0: tell the others to run (rc 0) or to stop (rc: the exit code). */
void cli_mpi_release(cli_mpi *m, int rc);
/* Rank 0's runner (nl_run_dir_runner): releases the others, hands out the n runs in pairs,
 * writes each result, polls cfg->progress (non-zero: stop). */
nl_status cli_mpi_master(cli_mpi *m, nl_store *st, const nl_run_config *cfg, const long *pairs, long n);
/* Other ranks: wait for rank 0's word, then run what it hands out on design d (NULL: report a
 * failure for each). Returns the exit code. */
int cli_mpi_worker(cli_mpi *m, const nl_design *d);

#endif

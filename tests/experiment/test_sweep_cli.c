/* End-to-end sweeps with the netlearn binary: identical databases for 1 thread, 2 threads and 2 MPI
 * ranks; kill -9 and resume; export and summary; and every fault (changed scenario, too many runs,
 * locked, read-only, disk full) with its message, exit code and finished runs kept. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cli_harness.h"

#include "experiment/dbdump.h"

static char *dump(const char *rel) {
  char p[256];
  path_of(p, sizeof p, rel);
  char *d = dbdump(p);
  if (!d) fail_msg("cannot read %s", p);
  return d;
}

static long count(const char *rel, const char *sql) {
  char p[256];
  path_of(p, sizeof p, rel);
  return dbcount(p, sql);
}

/* 6 design points x 6 replications, to equilibrium. */
static const char *sweep = "name: t\nmodel: march1991\nreplications: 6\nseed: 5\n"
                           "stop: {until: equilibrium, periods: 3000}\noutputs: {every: 5}\n"
                           "sweep:\n  parameters:\n    p1: [0.1, 0.5, 0.9]\n    p2: [0.5, 0.9]\n";

/* 9 points x 50 replications of 150 periods, every period stored: a few seconds, to be killed. */
static const char *big = "name: big\nmodel: march1991\nreplications: 50\nseed: 9\n"
                         "stop: {until: periods, periods: 150}\n"
                         "sweep:\n  parameters:\n    p1: [0.1, 0.5, 0.9]\n    p2: [0.1, 0.5, 0.9]\n";

static void test_threads_and_ranks_identical(void **state) {
  (void)state;
  write_file("sweep.yaml", sweep);
  assert_int_equal(nl("run sweep.yaml -o t1 -t 1 -q"), 0);
  assert_int_equal(nl("run sweep.yaml -o t2 -t 2 -q"), 0);
  char *a = dump("t1/results.db"), *b = dump("t2/results.db");
  assert_string_equal(a, b);
  assert_int_equal(count("t1/results.db", "SELECT count(*) FROM runs WHERE status = 'done'"), 36);
  assert_int_equal(count("t1/results.db", "SELECT count(*) FROM points"), 6);
  static const char *const files[] = {"series.csv", "summary.csv", "final.csv", "points.csv"};
  for (int i = 0; i < 4; i++) same_in("t1", "t2", files[i]);
  assert_true(exists("t1/manifest.json"));
  char p[256];
  path_of(p, sizeof p, "t1/final.csv");
  slurp(p, outbuf, sizeof outbuf);
  assert_non_null(strstr(outbuf, "point,p1,p2,replication,periods,equilibrium,code_knowledge,"));
  assert_non_null(strstr(outbuf, "\n6,0.9,0.9,5,"));
#ifdef NL_TEST_MPI
  if (system("command -v mpirun > /dev/null 2>&1") == 0) {
    int rc = sh("ASAN_OPTIONS=detect_leaks=0 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
                "OMPI_MCA_rmaps_base_oversubscribe=1 mpirun --oversubscribe -np 2",
                "run sweep.yaml -o m2 -q");
    if (rc != 0) fail_msg("mpirun exit %d: %s", rc, errbuf);
    char *c = dump("m2/results.db");
    assert_string_equal(a, c);
    for (int i = 0; i < 4; i++) same_in("t1", "m2", files[i]);
    assert_int_equal(count("m2/results.db", "SELECT ranks FROM sessions"), 2);
    free(c);
  }
#endif
  free(a);
  free(b);
}

static void test_export_and_summary(void **state) {
  (void)state;
  write_file("sweep.yaml", sweep);
  if (!exists("t1/manifest.json")) assert_int_equal(nl("run sweep.yaml -o t1 -t 1 -q"), 0);
  assert_int_equal(nl("export t1/results.db -o e1"), 0);
  static const char *const files[] = {"series.csv", "summary.csv", "final.csv", "points.csv"};
  for (int i = 0; i < 4; i++) same_in("t1", "e1", files[i]);
  assert_int_equal(nl("summary t1/results.db"), 0);
  assert_non_null(strstr(outbuf, "march1991, seed 5: 6 design points, 36 of 36 runs done"));
  assert_non_null(strstr(outbuf, "code_knowledge"));
  assert_non_null(strstr(outbuf, "6/6"));
  assert_int_equal(nl("summary nowhere.db"), 2);
  assert_non_null(strstr(errbuf, "nowhere.db: cannot open the database"));
  write_file("junk.db", "not a database at all, only text, long enough to be read as a header page\n");
  assert_int_equal(nl("summary junk.db"), 2);
  assert_non_null(strstr(errbuf, "not a netlearn results database"));
  assert_int_equal(nl("export t1/results.db"), 2);
  assert_non_null(strstr(errbuf, "export: -o DIR is required"));
}

/* Start `netlearn args` in the background; returns its pid. */
static pid_t spawn(const char *args, int fsize_limit) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "cd %s && exec %s %s > out.txt 2> err.txt", tmpdir, NL_CLI, args);
  pid_t pid = fork();
  if (pid == 0) {
    if (fsize_limit > 0) {
      struct rlimit rl = {(rlim_t)fsize_limit, (rlim_t)fsize_limit};
      signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG, as on a full disk */
      setrlimit(RLIMIT_FSIZE, &rl);
    }
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  return pid;
}

static int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  read_outputs();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

static void test_kill_and_resume(void **state) {
  (void)state;
  write_file("big.yaml", big);
  assert_int_equal(nl("run big.yaml -o ref -t 2 -q"), 0);
  long total = count("ref/results.db", "SELECT count(*) FROM runs");
  assert_int_equal(total, 450);
  /* Kill -9 once the write-ahead log shows committed runs. */
  pid_t pid = spawn("run big.yaml -o killed -t 2 -q", 0);
  char wal[256];
  path_of(wal, sizeof wal, "killed/results.db-wal");
  struct timespec ts = {0, 5 * 1000 * 1000};
  int killed = 0;
  for (int i = 0; i < 20000 && !killed; i++) {
    struct stat st;
    if (stat(wal, &st) == 0 && st.st_size > 300 * 1024) {
      kill(pid, SIGKILL);
      killed = 1;
    } else if (waitpid(pid, NULL, WNOHANG) == pid) {
      fail_msg("the run finished before it could be killed");
    }
    nanosleep(&ts, NULL);
  }
  assert_true(killed);
  assert_int_equal(wait_exit(pid), -SIGKILL);
  assert_false(exists("killed/manifest.json"));
  write_file("killed/final.csv.tmp.12345", "half a file"); /* as left by a kill during the export */
  long done = count("killed/results.db", "SELECT count(*) FROM runs WHERE status = 'done'");
  if (!(done > 0 && done < total)) fail_msg("%ld of %ld runs done when killed", done, total);
  /* Every finished run is complete: its final measures and series are all there. */
  assert_int_equal(count("killed/results.db", "SELECT count(*) FROM final"), done * 4);
  assert_int_equal(count("killed/results.db", "SELECT count(DISTINCT point * 1000 + replication) FROM series"), done);
  /* The same command resumes and ends with the same database as the uninterrupted run. */
  assert_int_equal(nl("run big.yaml -o killed -t 2"), 0);
  assert_non_null(strstr(errbuf, "resuming killed/results.db: ")); /* the database, not manifest.json */
  char *a = dump("ref/results.db"), *b = dump("killed/results.db");
  assert_string_equal(a, b);
  same_in("ref", "killed", "summary.csv");
  same_in("ref", "killed", "final.csv");
  assert_int_equal(count("killed/results.db", "SELECT count(*) FROM sessions"), 2);
  assert_false(exists("killed/final.csv.tmp.12345"));
  free(a);
  free(b);
  /* Nothing left to do: a third run does nothing but rewrite the outputs. */
  assert_int_equal(nl("run big.yaml -o killed -q"), 0);
  b = dump("killed/results.db");
  a = dump("ref/results.db");
  assert_string_equal(a, b);
  free(a);
  free(b);
}

/* Runs of about 10 minutes each (2e8 periods of about 3 microseconds). */
static const char *endless = "name: endless\nmodel: march1991\nreplications: 2\nseed: 3\n"
                             "stop: {until: periods, periods: 200000000}\noutputs: {series: false}\n";

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Start a long run and wait until its database exists (its signal handlers are then in place). */
static pid_t spawn_endless(const char *dir) {
  write_file("endless.yaml", endless);
  char args[256], db[256];
  snprintf(args, sizeof args, "run endless.yaml -o %s -t 2", dir);
  snprintf(db, sizeof db, "%s/results.db", dir);
  pid_t pid = spawn(args, 0);
  struct timespec ts = {0, 20 * 1000 * 1000};
  for (int i = 0; i < 500 && !exists(db); i++) nanosleep(&ts, NULL);
  ts.tv_nsec = 200 * 1000 * 1000; /* past the bind: the runs are going */
  nanosleep(&ts, NULL);
  return pid;
}

/* Wait at most `limit` seconds; a process still running then is killed and the test fails. */
static int wait_within(pid_t pid, double limit, double *took) {
  double t0 = now_s();
  struct timespec ts = {0, 10 * 1000 * 1000};
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (now_s() - t0 > limit) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      fail_msg("still running %.0f s after the signal", limit);
    }
    nanosleep(&ts, NULL);
  }
  *took = now_s() - t0;
  read_outputs();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

static void test_interrupt(void **state) {
  (void)state;
  /* Ctrl-C reaches runs in progress (it was read only when a run finished: minutes here). */
  pid_t pid = spawn_endless("intr");
  kill(pid, SIGINT);
  double took = 0;
  int rc = wait_within(pid, 5.0, &took);
  if (rc != 3) fail_msg("exit %d (want 3): %s", rc, errbuf);
  assert_non_null(strstr(errbuf, "interrupted after 0 of 2 runs; the finished runs are kept"));
  assert_non_null(strstr(errbuf, "re-run the same command"));
  assert_false(exists("intr/manifest.json"));
  assert_int_equal(count("intr/results.db", "SELECT count(*) FROM runs WHERE status = 'pending'"), 2);
  printf("# SIGINT to exit: %.3f s\n", took);
  /* SIGTERM likewise. Each run gets a new directory: spawn_endless waits for the database to appear,
   * which in a used directory it already has, so the signal could come before the handlers are in. */
  pid = spawn_endless("intr_term");
  kill(pid, SIGTERM);
  rc = wait_within(pid, 5.0, &took);
  if (rc != 3) fail_msg("SIGTERM: exit %d (want 3): %s", rc, errbuf);
  /* A second signal while the first is being handled exits at once with code 3. */
  pid = spawn_endless("intr_twice");
  kill(pid, SIGINT);
  kill(pid, SIGTERM);
  rc = wait_within(pid, 5.0, &took);
  if (rc != 3) fail_msg("second signal: exit %d (want 3): %s", rc, errbuf);
  assert_non_null(strstr(errbuf, "netlearn: interrupted again: exiting now"));
  assert_int_equal(count("intr_twice/results.db", "SELECT count(*) FROM runs WHERE status = 'pending'"), 2);
}

static void test_disk_full(void **state) {
  (void)state;
  write_file("big.yaml", big);
  if (!exists("ref/manifest.json")) assert_int_equal(nl("run big.yaml -o ref -t 2 -q"), 0);
  /* Files may grow to 600 kB only: the database fills up mid-sweep. */
  int rc = wait_exit(spawn("run big.yaml -o full -t 2 -q", 600 * 1000 + 77));
  if (rc != 1) fail_msg("exit %d (want 1): %s", rc, errbuf);
  assert_non_null(strstr(errbuf, "netlearn: "));
  if (!strstr(errbuf, "disk full")) fail_msg("no 'disk full' in: %s", errbuf);
  assert_non_null(strstr(errbuf, "finished runs are kept"));
  assert_false(exists("full/manifest.json"));
  long done = count("full/results.db", "SELECT count(*) FROM runs WHERE status = 'done'");
  assert_true(done > 0);
  assert_true(done < 450);
  assert_int_equal(count("full/results.db", "SELECT count(*) FROM final"), done * 4);
  /* With room again, the same command completes the study. */
  assert_int_equal(nl("run big.yaml -o full -q"), 0);
  char *a = dump("ref/results.db"), *b = dump("full/results.db");
  assert_string_equal(a, b);
  free(a);
  free(b);
}

static void test_changed_scenario_and_force_new(void **state) {
  (void)state;
  write_file("sweep.yaml", sweep);
  assert_int_equal(nl("run sweep.yaml -o chg -q"), 0);
  assert_int_equal(nl("run sweep.yaml -o chg -q --seed 6"), 2);
  assert_non_null(strstr(errbuf, "chg/results.db holds results of a different scenario: 'seed' is 5 there, 6 here"));
  assert_non_null(strstr(errbuf, "--force-new"));
  assert_int_equal(count("chg/results.db", "SELECT value FROM scenario WHERE key = 'seed'"), 5);
  assert_true(exists("chg/manifest.json")); /* refused before anything was touched */
  assert_int_equal(nl("run sweep.yaml -o chg -q --seed 6 --force-new"), 0);
  assert_int_equal(count("chg/results.db", "SELECT value FROM scenario WHERE key = 'seed'"), 6);
  assert_int_equal(count("chg/results.db", "SELECT count(*) FROM sessions"), 1);
  assert_true(exists("chg/points.csv"));
  /* More replications and points: an extension, only the new runs are run. */
  assert_int_equal(nl("run sweep.yaml -o chg --seed 6 --set replications=8 --set p2=0.9"), 2);
  assert_non_null(strstr(errbuf, "warning: --set p2=0.9: 'p2' is swept"));
  assert_non_null(strstr(errbuf, "'parameters.p2' is 0.5 there, 0.9 here")); /* the base point changed */
  assert_int_equal(nl("run sweep.yaml -o chg --seed 6 --set replications=8"), 0);
  assert_non_null(strstr(errbuf, "resuming"));
  assert_non_null(strstr(errbuf, "36 of 48 runs already done"));
  /* Narrowed back to 6 replications: said on the terminal and in the manifest (it said 6 beside
   * CSV files holding 8). */
  assert_int_equal(nl("run sweep.yaml -o chg --seed 6 --set replications=6"), 0);
  assert_non_null(strstr(errbuf, "chg/results.db holds 48 runs, more than the 36 this scenario asks for"));
  char p[256];
  path_of(p, sizeof p, "chg/manifest.json");
  slurp(p, outbuf, sizeof outbuf);
  assert_non_null(strstr(outbuf, "\"replications_per_point\": 6"));
  assert_non_null(strstr(outbuf, "\"outputs_max_replications_per_point\": 8"));
  assert_non_null(strstr(outbuf, "\"replications_run\": 48"));
  /* --force-new with a scenario without sweep and without series: the sweep's points.csv and
   * series.csv do not stay beside the new results. */
  write_file("plain.yaml", "model: march1991\nreplications: 3\nstop: {until: periods, periods: 20}\n"
                           "outputs: {series: false}\n");
  assert_int_equal(nl("run plain.yaml -o chg -q --force-new"), 0);
  assert_false(exists("chg/points.csv"));
  assert_false(exists("chg/series.csv"));
  assert_true(exists("chg/final.csv"));
}

static void test_bad_sweeps_and_too_many(void **state) {
  (void)state;
  write_file("bad.yaml", "model: march1991\nsweep:\n  parameters:\n    p11: [0.1, 0.2]\n");
  assert_int_equal(nl("run bad.yaml -o bad -q"), 2);
  assert_non_null(strstr(errbuf, "netlearn: bad.yaml:4:5: unknown parameter 'p11' in sweep"));
  assert_non_null(strstr(errbuf, "did you mean 'p1'?"));
  write_file("bad.yaml", "model: march1991\nsweep: {}\n");
  assert_int_equal(nl("run bad.yaml -o bad -q"), 2);
  assert_non_null(strstr(errbuf, "bad.yaml:2:1: key 'sweep' is empty"));
  write_file("bad.yaml", "model: march1991\nsweep:\n  parameters:\n    p1: {from: 0.1, to: 0.5, step: 0}\n");
  assert_int_equal(nl("run bad.yaml -o bad -q"), 2);
  assert_non_null(strstr(errbuf, "the step of 'p1' is 0"));
  write_file("bad.yaml", "model: march1991\nsweep:\n  parameters:\n    p1: {from: 0.5, to: 0.1, step: 0.1}\n");
  assert_int_equal(nl("run bad.yaml -o bad -q"), 2);
  assert_non_null(strstr(errbuf, "needs a negative step"));
  assert_false(exists("bad"));
  /* 1001 x 101 points: refused without --yes, before anything is expanded or written. */
  write_file("huge.yaml", "model: march1991\nsweep:\n  parameters:\n    p1: {from: 0, to: 1, step: 0.001}\n"
                          "    n: {from: 100, to: 200, step: 1}\n");
  assert_int_equal(nl("run huge.yaml -o huge -q"), 2);
  assert_non_null(strstr(errbuf, "101101 runs (101101 design points x 1 replications), more than 100000"));
  assert_non_null(strstr(errbuf, "add --yes"));
  assert_false(exists("huge"));
}

static void test_locked(void **state) {
  (void)state;
  write_file("sweep.yaml", sweep);
  assert_int_equal(nl("run sweep.yaml -o lk -q"), 0);
  char p[256];
  path_of(p, sizeof p, "lk/results.db");
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
  /* Held as a writing netlearn run holds it. */
  assert_int_equal(sqlite3_exec(db, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; SELECT count(*) FROM runs",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  assert_int_equal(nl("run sweep.yaml -o lk -q --set replications=7"), 2);
  assert_non_null(strstr(errbuf, "another netlearn run is writing lk "));
  /* --force-new while another process holds the database: refused, nothing removed (it used to
   * delete the database under the other run's feet, and both exited 0). */
  assert_int_equal(nl("run sweep.yaml -o lk -q --seed 99 --force-new"), 2);
  assert_non_null(strstr(errbuf, "another netlearn run is writing lk "));
  assert_true(exists("lk/results.db"));
  assert_true(exists("lk/manifest.json"));
  /* A reader names the lock, not "not a netlearn results database". */
  assert_int_equal(nl("summary lk/results.db"), 2);
  assert_non_null(strstr(errbuf, "lk/results.db: another netlearn run is writing this database"));
  sqlite3_close(db);
  assert_int_equal(count("lk/results.db", "SELECT count(*) FROM runs WHERE status = 'done'"), 36);
  assert_int_equal(nl("run sweep.yaml -o lk -q --set replications=7"), 0);
  assert_int_equal(count("lk/results.db", "SELECT count(*) FROM runs WHERE status = 'done'"), 42);
}

/* --force-new deletes netlearn databases only; a foreign results.db is left byte for byte. */
static void test_force_new_foreign(void **state) {
  (void)state;
  write_file("sweep.yaml", sweep);
  char p[256];
  path_of(p, sizeof p, "fo");
  mkdir(p, 0777);
  write_file("fo/results.db", "my thesis notes, not a database\n");
  assert_int_equal(nl("run sweep.yaml -o fo -q --force-new"), 2);
  assert_non_null(strstr(errbuf, "fo/results.db: not a netlearn results database"));
  assert_non_null(strstr(errbuf, "not touching it"));
  path_of(p, sizeof p, "fo/results.db");
  slurp(p, outbuf, sizeof outbuf);
  assert_string_equal(outbuf, "my thesis notes, not a database\n");
  /* Another program's SQLite database: neither emptied nor given netlearn's tables. */
  remove(p);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE mine(x); INSERT INTO mine VALUES(42)", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(nl("run sweep.yaml -o fo -q"), 2);
  assert_int_equal(nl("run sweep.yaml -o fo -q --force-new"), 2);
  assert_non_null(strstr(errbuf, "not a netlearn results database"));
  assert_int_equal(count("fo/results.db", "SELECT x FROM mine"), 42);
  assert_int_equal(count("fo/results.db", "SELECT count(*) FROM sqlite_master"), 1);
  assert_false(exists("fo/manifest.json"));
}

/* Run `netlearn args` in tmpdir as user nobody (root writes anything). -2: cannot switch user. */
static int as_nobody(const char *args) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "cd %s && %s %s > out.txt 2> err.txt", tmpdir, NL_CLI, args);
  write_file("out.txt", "");
  write_file("err.txt", "");
  char o[256], e[256];
  path_of(o, sizeof o, "out.txt");
  path_of(e, sizeof e, "err.txt");
  chmod(o, 0666);
  chmod(e, 0666);
  chmod(tmpdir, 0777);
  pid_t pid = fork();
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(126);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  int rc = wait_exit(pid);
  if (rc == 126 || (rc == 127 && !errbuf[0]) ||
      (rc != 1 && strstr(errbuf, "Permission denied") && !strstr(errbuf, "netlearn:")))
    return -2;
  return rc;
}

static void test_read_only(void **state) {
  (void)state;
  write_file("sweep.yaml", sweep);
  assert_int_equal(nl("run sweep.yaml -o ro -q"), 0);
  char dir[256], db[256];
  path_of(dir, sizeof dir, "ro");
  path_of(db, sizeof db, "ro/results.db");
  int rc;
  if (geteuid() != 0) {
    chmod(db, 0444);
    rc = nl("run sweep.yaml -o ro -q --set replications=7");
  } else {
    /* Root writes anything: run as nobody, in a directory nobody may write to, on root's 0644 database. */
    chmod(dir, 0777);
    chmod(db, 0644);
    rc = as_nobody("run sweep.yaml -o ro -q --set replications=7");
    if (rc == -2) skip(); /* cannot switch to an unprivileged user here */
  }
  if (rc != 1) fail_msg("exit %d (want 1): %s", rc, errbuf);
  assert_non_null(strstr(errbuf, "ro/results.db: the database is read-only"));
  assert_int_equal(count("ro/results.db", "SELECT count(*) FROM runs WHERE status = 'done'"), 36);
  assert_int_equal(count("ro/results.db", "SELECT count(*) FROM runs"), 36);
  /* A complete database in a directory the reader cannot write (an archive, a colleague's
   * results): summary and export read it (they called it "not a netlearn results database"). */
  chmod(dir, 0555);
  rc = geteuid() != 0 ? nl("summary ro/results.db") : as_nobody("summary ro/results.db");
  if (rc == -2) skip();
  if (rc != 0) fail_msg("summary in a read-only directory: exit %d: %s", rc, errbuf);
  assert_non_null(strstr(outbuf, "36"));
  chmod(dir, 0777);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_threads_and_ranks_identical),
      cmocka_unit_test(test_export_and_summary),
      cmocka_unit_test(test_kill_and_resume),
      cmocka_unit_test(test_disk_full),
      cmocka_unit_test(test_interrupt),
      cmocka_unit_test(test_changed_scenario_and_force_new),
      cmocka_unit_test(test_bad_sweeps_and_too_many),
      cmocka_unit_test(test_locked),
      cmocka_unit_test(test_force_new_foreign),
      cmocka_unit_test(test_read_only),
  };
  return cmocka_run_group_tests(tests, cli_setup, cli_teardown);
}

#!/bin/sh
# Lazer & Friedman (2007), Appendix B, Table B.1: on the same 1000 landscapes and starting
# solutions, how often the row network ends (at convergence) with a higher average score than
# the column network. Paper values in brackets. Usage:
#   examples/lazer2007/table_b1.sh [netlearn] [outdir] [replications]
set -eu
NL=${1:-build/netlearn}
OUT=${2:-lazer2007-b1}
REPS=${3:-1000}
HERE=$(dirname "$0")
run() {
  name=$1
  shift
  "$NL" run "$HERE/total.yaml" -q --set replications="$REPS" --set until=equilibrium --set periods=5000 "$@" \
    -o "$OUT/$name" >/dev/null
}
run full --set network=complete
run line --set network=line
run lattice --set network=ring --set net_k=2
run smallworld --set network=sw_added --set net_k=2 --set shortcuts=10
run random --set network=erdos_renyi --set p=0.07
awk -F, -v reps="$REPS" '
  FNR == 1 { f++; for (i = 1; i <= NF; i++) if ($i == "average_score") c = i; next }
  { s[f, $1] = $c }
  END {
    split("Full Line Lattice Small_world Random", nm, " ")
    split("- 26 50 88 138 845 - 468 605 787 762 216 - 478 684 632 132 222 - 557 320 54 83 136 -", pv, " ")
    printf "%-12s", ""; for (j = 1; j <= 5; j++) printf " %-12s", nm[j]; printf "\n"
    for (i = 1; i <= 5; i++) {
      printf "%-12s", nm[i]
      for (j = 1; j <= 5; j++) {
        if (i == j) { printf " %-12s", "-"; continue }
        w = 0; for (r = 0; r < reps; r++) if (s[i, r] > s[j, r]) w++
        printf " %4d [%4s] ", w * 1000 / reps, pv[(i - 1) * 5 + j]
      }
      printf "\n"
    }
  }' "$OUT/full/final.csv" "$OUT/line/final.csv" "$OUT/lattice/final.csv" "$OUT/smallworld/final.csv" \
  "$OUT/random/final.csv"

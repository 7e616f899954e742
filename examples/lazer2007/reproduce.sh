#!/bin/sh
# Lazer & Friedman (2007): average score over rounds for the linear, totally connected, random and
# small-world networks, and the velocity / error variants. Usage:
#   examples/lazer2007/reproduce.sh [netlearn] [outdir]
set -eu
NL=${1:-build/netlearn}
OUT=${2:-lazer2007-out}
HERE=$(dirname "$0")
printf 'network,t5,t10,t20,t50,t100\n'
for s in linear total random lattice smallworld total_slow total_error linear_error; do
  "$NL" run "$HERE/$s.yaml" -o "$OUT/$s" >/dev/null
  awk -F, -v s=$s '$2=="average_score" && ($1==5||$1==10||$1==20||$1==50||$1==100){v[$1]=$4}
    END{printf "%s,%.3f,%.3f,%.3f,%.3f,%.3f\n", s, v[5], v[10], v[20], v[50], v[100]}' "$OUT/$s/summary.csv"
done

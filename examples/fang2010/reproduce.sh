#!/bin/sh
# Fang, Lee & Schilling (2010): equilibrium knowledge against the cross-group linking rate, for
# subgroup sizes 7, 14 and 28 (280 individuals). Until the engine's `sweep:` section is used, one
# run per design point with --set. Usage: examples/fang2010/reproduce.sh [netlearn] [outdir]
set -eu
NL=${1:-build/netlearn}
OUT=${2:-fang2010-out}
HERE=$(dirname "$0")
printf 'group_size,r,knowledge_mean,knowledge_sd\n'
for g in 7 14 28; do
  for r in 0 0.001 0.003 0.01 0.03 0.1 0.3 1; do
    "$NL" run "$HERE/r_$r.yaml" -o "$OUT/g${g}_r$r" --set group_size=$g >/dev/null
    awk -F, -v g=$g -v r=$r 'NR==1{for(i=1;i<=NF;i++) if($i=="knowledge") c=i; next}
      {s+=$c; ss+=$c*$c; n++} END{m=s/n; printf "%s,%s,%.4f,%.4f\n", g, r, m, sqrt((ss-n*m*m)/(n-1))}' \
      "$OUT/g${g}_r$r/final.csv"
  done
done

#!/usr/bin/env bash
# Reproduces every figure in BENCHMARKS.md: `scripts/bench/run.sh` from the repository root.
# Scale scenarios at SCALE 1, 2, 4 (linear-growth check), then process start and script runs.
set -euo pipefail
cargo build --release --quiet
klab=target/release/klab
scales=${SCALES:-"1 2 4"}
for f in scripts/bench/*.rhai; do
    for k in $scales; do
        "$klab" bench --scale "$k" "$f"
    done
done
# Wall time of a whole process, best of 10 (ms): --version, the REPL reading EOF, each script.
best_ms() {
    local best=999999
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        local t0 t1
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 </dev/null || true
        t1=$(date +%s%N)
        local ms=$(( (t1 - t0) / 1000000 ))
        (( ms < best )) && best=$ms
    done
    echo "$best"
}
echo "klab --version: $(best_ms "$klab" --version) ms"
echo "REPL start to EOF: $(best_ms "$klab") ms"
for f in scripts/*.rhai lessons/*.rhai; do
    [ -e "$f" ] || continue
    echo "klab run $f: $(best_ms "$klab" run --quiet "$f") ms"
done

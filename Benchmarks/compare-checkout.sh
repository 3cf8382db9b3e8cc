#!/usr/bin/env bash
# Durable checkouts: VetPOS's Store against the C baseline on the same SQLite, in the same run.
#
#   Benchmarks/compare-checkout.sh [-n 2000] [-r 3] [-m basic|split] [-c extra-catalog-items]
#
# Builds Baseline/checkout_bench.c (gcc -O2) and the CheckoutThroughput tool (swift build -c release), then
# runs, -r times and interleaved so both see the same machine load, on one temp folder:
#   C       checkout_bench -j wal -s full   -n N   the machine's limit for durable (power-loss safe) commits: the
#                                                   like-for-like reference (the Store's writer runs synchronous=FULL)
#   VetPOS  CheckoutThroughput -n N                 N checkouts through POSStorage.Store (its line shows the writer's
#                                                   synchronous level as SQLite reports it: 2 = FULL)
#   C       checkout_bench -j wal -s normal -n N   the same C without an fsync per commit (for scale: what the
#                                                   fsync costs on this disk right now)
# and prints every run's key=value line, the medians, and the ratios VetPOS / C.
#
set -euo pipefail

n=2000
rounds=3
mode=basic
extra=0
while getopts "n:r:m:c:h" opt; do
    case $opt in
    n) n=$OPTARG ;;
    r) rounds=$OPTARG ;;
    m) mode=$OPTARG ;;
    c) extra=$OPTARG ;;
    *)
        sed -n '2,18p' "$0"
        exit 2
        ;;
    esac
done

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
perf_dir=$bench_dir/Baseline
for f in checkout_bench.c schema.sql; do
    [[ -f $perf_dir/$f ]] || {
        echo "compare-checkout: $perf_dir/$f not found " >&2
        exit 1
    }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vetpos-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== build"
gcc -O2 -Wall -o "$work/checkout_bench" "$perf_dir/checkout_bench.c" -lsqlite3
echo "C baseline: gcc -O2 $perf_dir/checkout_bench.c -lsqlite3"
export SWIFT_DETERMINISTIC_HASHING=1 # STACK.md §8: avoids spurious rebuilds
if ! swift build -c release --package-path "$bench_dir" --product CheckoutThroughput >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    echo "compare-checkout: swift build failed" >&2
    exit 1
fi
grep -v '^\[' "$work/build.log" || true
vetpos=$(swift build -c release --package-path "$bench_dir" --show-bin-path)/CheckoutThroughput
[[ -x $vetpos ]] || {
    echo "compare-checkout: $vetpos was not built" >&2
    exit 1
}
sqlite_version=$(sqlite3 --version 2>/dev/null | cut -d' ' -f1) || sqlite_version="(no sqlite3 CLI)"
echo "SQLite $sqlite_version, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

results=$work/results.txt
: >"$results"
run() { # label command...
    local label=$1
    shift
    local line
    line=$("$@")
    echo "$label $line" | tee -a "$results"
}

echo "== runs: $rounds round(s) of $n checkouts each, interleaved (temp folder $work)"
for ((round = 1; round <= rounds; round++)); do
    rm -f "$work"/c.db*
    run c_full "$work/checkout_bench" -d "$work/c.db" -S "$perf_dir/schema.sql" -j wal -s full -n "$n"
    rm -rf "$work"/vetpos-bench-*
    run vetpos "$vetpos" -n "$n" -d "$work" -m "$mode" -c "$extra"
    rm -f "$work"/c.db*
    run c_normal "$work/checkout_bench" -d "$work/c.db" -S "$perf_dir/schema.sql" -j wal -s normal -n "$n"
done
rm -f "$work"/c.db*

echo "== medians over $rounds round(s)"
awk -v rounds="$rounds" '
function median(label, key,    i, m, v, tmp, j, k) {
    m = 0
    for (i = 1; i <= count[label]; i++) v[++m] = val[label, i, key]
    for (j = 2; j <= m; j++) { tmp = v[j]; for (k = j - 1; k >= 1 && v[k] > tmp; k--) v[k + 1] = v[k]; v[k + 1] = tmp }
    return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
}
{
    label = $1; i = ++count[label]
    for (f = 2; f <= NF; f++) { split($f, kv, "="); val[label, i, kv[1]] = kv[2] }
}
END {
    split("commits_per_s p50_ms p99_ms max_ms dev_flushes_per_commit", keys, " ")
    printf "%-44s %14s %9s %9s %9s %15s\n", "", "commits/s", "p50 ms", "p99 ms", "max ms", "flushes/commit"
    n = split("c_full vetpos c_normal", labels, " ")
    name["c_full"] = "C baseline, WAL + synchronous=FULL"
    name["vetpos"] = "VetPOS Store.checkout"
    name["c_normal"] = "C baseline, WAL + synchronous=NORMAL"
    for (l = 1; l <= n; l++) {
        lb = labels[l]
        for (k = 1; k <= 5; k++) med[lb, keys[k]] = median(lb, keys[k])
        printf "%-44s %14.1f %9.3f %9.3f %9.3f %15.2f\n", name[lb], med[lb, "commits_per_s"], med[lb, "p50_ms"], \
            med[lb, "p99_ms"], med[lb, "max_ms"], med[lb, "dev_flushes_per_commit"]
    }
    print ""
    print "== ratios (medians)"
    split("c_full c_normal", refs, " ")
    for (r = 1; r <= 2; r++) {
        ref = refs[r]
        # Also the median of the per-round throughput ratios: each round runs both back to back, so this one is less
        # swayed by rounds in which the neighbours stall every fsync.
        for (i = 1; i <= count["vetpos"] && i <= count[ref]; i++)
            val["ratio_" ref, i, "t"] = val["vetpos", i, "commits_per_s"] / val[ref, i, "commits_per_s"]
        count["ratio_" ref] = i - 1
        printf "VetPOS / %-36s throughput %.3f (%.1f %% of C; per round %.3f)   p50 %.1fx   p99 %.1fx\n", \
            name[ref], med["vetpos", "commits_per_s"] / med[ref, "commits_per_s"], \
            100 * med["vetpos", "commits_per_s"] / med[ref, "commits_per_s"], median("ratio_" ref, "t"), \
            med["vetpos", "p50_ms"] / med[ref, "p50_ms"], med["vetpos", "p99_ms"] / med[ref, "p99_ms"]
    }
    printf "A clinic day of 150 checkouts at the VetPOS median rate: %.2f s of commit time.\n", \
        150 / med["vetpos", "commits_per_s"]
    # The synchronous level of the writer connection, as each VetPOS run read it back from SQLite (2 = FULL).
    levels = ""; notfull = 0
    for (i = 1; i <= count["vetpos"]; i++) {
        s = (("vetpos", i, "synchronous") in val) ? val["vetpos", i, "synchronous"] : "?"
        levels = levels (i > 1 ? " " : "") s
        if (s != "2") notfull = 1
    }
    printf "VetPOS writer synchronous per run (2 = FULL, as C with -s full): %s\n", levels
    if (notfull) {
        print ""
        print "WARNING: a VetPOS run did not report its writer on synchronous=FULL (2): its commits are not durable"
        print "one by one, so the ratio to C with FULL compares unlike work. See README.md."
    }
    if (med["vetpos", "dev_flushes_per_commit"] >= 0 && med["vetpos", "dev_flushes_per_commit"] < 0.5 \
        && med["c_full", "dev_flushes_per_commit"] >= 0.9) {
        print ""
        printf "WARNING: VetPOS made %.2f device flushes per commit against %.2f for C with FULL:\n", \
            med["vetpos", "dev_flushes_per_commit"], med["c_full", "dev_flushes_per_commit"]
        print "its commits are not flushed one by one (whatever synchronous level it reports), so the FULL ratio"
        print "compares unlike work and swings with fsync latency. See README.md."
    }
}' "$results"

#!/bin/sh
# CRM import benchmark (bench/README.md "CRM import"): a Salesforce-shaped
# export of 1M accounts, 3M contacts and 20M activity rows in /tmp (not in
# the repo), imported at 2 threads (bench_crm: MB/s of CSV), against the
# plain CSV route on the same resulting graph.
#
#   bench/run_crm.sh [OUT_DIR]       (default /tmp/lp-crm-bench)
#
# Environment: ACCOUNTS (1000000), CONTACTS (3000000), ACTIVITIES (20000000)
# rows generated; REPEAT_TO=N: generate ACTIVITIES rows, then repeat the
# Task rows until Task.csv has N rows (Python makes ~25k rows/s on a busy
# machine; repeated rows merge into the same ties, the bytes are parsed as
# any others). Needs a release build in build/release.
set -eu
cd "$(dirname "$0")/.."
out=${1:-/tmp/lp-crm-bench}
acc=${ACCOUNTS:-1000000}
con=${CONTACTS:-3000000}
act=${ACTIVITIES:-20000000}
if [ ! -f "$out/salesforce/Task.csv" ]; then
    /usr/bin/python3 scripts/make_crm_sample.py -o "$out" --only salesforce --users 5000 \
        --accounts "$acc" --contacts "$con" --activities "$act"
    if [ -n "${REPEAT_TO:-}" ]; then
        t="$out/salesforce/Task.csv"
        mv "$t" "$t.base"
        rows=$(($(wc -l <"$t.base") - 1))
        reps=$(((REPEAT_TO + rows - 1) / rows))
        { head -1 "$t.base"; for _ in $(seq "$reps"); do tail -n +2 "$t.base"; done; } |
            head -n "$((REPEAT_TO + 1))" >"$t"
        rm "$t.base"
    fi
fi
du -sh "$out/salesforce"
wc -l "$out"/salesforce/*.csv
# every import in a fresh process, the routes alternating: first as a
# user's nightly job meets this VM (cold memory), then with the memory warm
# (bench_crm.c says why the two differ)
./build/release/bench/bench_crm "$out/salesforce" "$out/csv-route" --threads 2 --runs 3
./build/release/bench/bench_crm "$out/salesforce" "$out/csv-route" --threads 2 --runs 3 \
    --memory warm

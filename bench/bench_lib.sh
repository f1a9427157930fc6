# bench/bench_lib.sh — shell helpers shared by suite.sh and run_busfactor.sh
# (sourced, not run). POSIX sh.

# value of KEY on the line of PHASE in FILE ("NA" if absent)
kv() {
    v=$(awk -v ph="phase=$2" -v key="$3" '
        { hit = 0; for (i = 1; i <= NF; i++) if ($i == ph) hit = 1 }
        !hit { next }
        { for (i = 1; i <= NF; i++) {
              j = index($i, "=")
              if (substr($i, 1, j - 1) == key) { print substr($i, j + 1); exit }
          } }' "$1" 2>/dev/null)
    echo "${v:-NA}"
}

# peak RSS in MB from a /usr/bin/time -v report
rss_mb() {
    awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); printf "%.0f", $2 / 1024 }' "$1"
}

# a / b with 2 decimals, NA-safe
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b + 0 == 0) print "NA"; else printf "%.2f", a / b }'
}

secs() {
    awk -v a="$1" 'BEGIN { if (a == "NA") print "NA"; else printf "%.3f", a }'
}

# 1-minute load average
load1() {
    cut -d' ' -f1 /proc/loadavg
}

# Wait (sleep 30, up to MAX seconds, default 600) until the 1-minute load
# average is at most LIMIT (default 0.5), so that other work on a shared
# machine does not pollute the figures. Prints the load it starts with on
# stderr; never fails (after MAX it goes on and says so).
wait_quiet() {
    limit=${1:-0.5}
    max=${2:-600}
    waited=0
    while awk -v l="$(load1)" -v lim="$limit" 'BEGIN { exit !(l > lim) }'; do
        if [ "$waited" -ge "$max" ]; then
            echo "bench: load $(load1) still above $limit after ${max}s; measuring anyway" >&2
            return 0
        fi
        sleep 30
        waited=$((waited + 30))
    done
    echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) (waited ${waited}s)" >&2
}

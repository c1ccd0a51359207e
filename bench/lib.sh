# Shared by the bench scripts (sourced): figures from a `/usr/bin/time -v` report FILE.

# Wall-clock seconds ("h:mm:ss" or "m:ss.cc").
wall_s() {
    awk -F': ' '/Elapsed \(wall clock\) time/ {
        n = split($2, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]
        printf "%.2f", s
    }' "$1"
}
# Peak RSS in MB.
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
# User + system CPU seconds: steadier than wall time when other work shares the machine.
cpu_s() {
    awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$1"
}

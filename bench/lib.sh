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

# timed3 LOG WIDTH NAME CMD...: runs CMD three times under /usr/bin/time -v (stdout to LOG.out,
# the report to LOG.time) and prints one line: NAME padded to WIDTH, each run's wall and CPU
# seconds, the largest peak RSS; leaves the walls in TIMED3_WALLS.
timed3() {
    local log="$1" width="$2" name="$3"; shift 3
    local walls=() cpus=() rss=0
    for run in 1 2 3; do
        sync
        "${TIME:-/usr/bin/time}" -v -o "$log.time" "$@" >"$log.out"
        walls+=("$(wall_s "$log.time")")
        cpus+=("$(cpu_s "$log.time")")
        local r; r=$(rss_mb "$log.time")
        (( r > rss )) && rss=$r
    done
    printf "%-${width}s wall %s s   cpu %s s   peak RSS %s MB\n" "$name" "${walls[*]}" "${cpus[*]}" "$rss"
    # The walls, for a script's own ratios.
    TIMED3_WALLS="${walls[*]}"
}

# plant_reviews SRC DB REVIEWS FUNNEL: DB as a copy of the store SRC (never SRC itself), its
# clock frozen at 2026-11-20 12:00 (the day the synthetic export was written around), with
# REVIEWS current reviews planted by bench/seed_reviews.py. A DB already there is reused: delete
# it to re-seed.
plant_reviews() {
    local src="$1" db="$2" reviews="$3" funnel="$4"
    [[ -s "$db" ]] && return 0
    echo "== copying $src and planting $reviews reviews"
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$src" "$db"
    sqlite3 "$db" "INSERT INTO meta (key, value) VALUES ('clock', '2026-11-20 12:00:00')
                   ON CONFLICT (key) DO UPDATE SET value = excluded.value;"
    python3 bench/seed_reviews.py "$db" "$reviews" --funnel "$funnel"
}

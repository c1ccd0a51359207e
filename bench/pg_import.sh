#!/usr/bin/env bash
# Import into a team server: `okk --db URL import` of a synthetic amoCRM export against psql's
# own `\copy` of the same file into a plain table of text columns (the floor: no mapping, no
# hashing, no rules).
#
#   bench/pg_import.sh URL [N]   URL: postgres://… of a server where the user may create
#                                databases; N rows, default 300000
#
# Makes two throwaway databases (okk_bench_import_<pid>, okk_bench_copy_<pid>) and drops them at
# the end. Generates bench/out/amocrm_N.csv with bench/gen_rows.py when it is not there. Each
# step runs three times under /usr/bin/time -v; the last line is okk's median over psql's.
# OKK_BIN=/path/to/okk benchmarks that binary (default target/release/okk). An okk that refuses
# the import on a server prints "refused".
set -euo pipefail

URL="${1:-}"
N="${2:-300000}"
if ! [[ "$URL" =~ ^postgres(ql)?:// && "$N" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 postgres://USER@HOST:PORT/DB [N]" >&2
    exit 2
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bench/lib.sh
OUT=bench/out
FILE="$OUT/amocrm_$N.csv"
OKK="${OKK_BIN:-target/release/okk}"
export OKK_TODAY=2026-11-20
export PGOPTIONS="-c client_min_messages=warning"
mkdir -p "$OUT"
for tool in python3 psql "${TIME:-/usr/bin/time}"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 2; }
done
if [[ ! -s "$FILE" ]]; then
    python3 bench/gen_rows.py "$N" "$FILE.tmp"
    mv "$FILE.tmp" "$FILE"
fi

base="${URL%/*}"
import_db="okk_bench_import_$$"
copy_db="okk_bench_copy_$$"
cleanup() {
    psql -q "$URL" -c "DROP DATABASE IF EXISTS $import_db" -c "DROP DATABASE IF EXISTS $copy_db" || true
}
trap cleanup EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# psql \copy into a table of as many text columns as the header has.
cols=$(head -1 "$FILE" | python3 -c \
    "import csv, sys; print(', '.join(f'c{i} text' for i in range(len(next(csv.reader(sys.stdin))))))")
psql -q "$URL" -c "CREATE DATABASE $copy_db"
copy_one() {
    psql -q "$base/$copy_db" -c "DROP TABLE IF EXISTS deals" -c "CREATE TABLE deals ($cols)"
    psql -q "$base/$copy_db" -c "\\copy deals FROM '$FILE' WITH (FORMAT csv, HEADER true)"
}
export base copy_db cols FILE
export -f copy_one
timed3 "$OUT/pg_copy" 22 "psql \\copy" bash -c copy_one

# okk import into an empty server store each run: the database made and migrated before the
# clock starts (as psql's table is), the import alone timed.
fresh_store() {
    psql -q "$URL" -c "DROP DATABASE IF EXISTS $import_db" -c "CREATE DATABASE $import_db"
    "$OKK" --db "$base/$import_db" db roles >/dev/null
}
okk_walls=() okk_cpus=() okk_rss=0 refused=""
for run in 1 2 3; do
    fresh_store
    sync
    if ! "${TIME:-/usr/bin/time}" -v -o "$OUT/pg_import.time" \
        "$OKK" --db "$base/$import_db" --funnel assets/funnel.toml import "$FILE" \
        >"$OUT/pg_import.out" 2>"$OUT/pg_import.err"; then
        refused="$(tail -n 1 "$OUT/pg_import.err")"
        break
    fi
    okk_walls+=("$(wall_s "$OUT/pg_import.time")")
    okk_cpus+=("$(cpu_s "$OUT/pg_import.time")")
    r=$(rss_mb "$OUT/pg_import.time")
    (( r > okk_rss )) && okk_rss=$r
done
if [[ -n "$refused" ]]; then
    printf '%-22s refused: %s\n' "okk import" "$refused"
else
    printf "%-22s wall %s s   cpu %s s   peak RSS %s MB\n" "okk import" "${okk_walls[*]}" \
        "${okk_cpus[*]}" "$okk_rss"
    median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
    copy_median=$(median $TIMED3_WALLS)
    okk_median=$(median "${okk_walls[@]}")
    printf "%-22s %s s / %s s = %s× psql \\copy (medians of three)\n" "okk import / \\copy" \
        "$okk_median" "$copy_median" \
        "$(awk -v a="$okk_median" -v b="$copy_median" 'BEGIN { printf "%.2f", a / b }')"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

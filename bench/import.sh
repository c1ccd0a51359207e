#!/usr/bin/env bash
# Import benchmark: okk import of a synthetic amoCRM export vs. sqlite3's own CSV .import.
#
#   bench/import.sh [N] [SHAPE]  N rows, default 1000000; SHAPE dense (default) or sparse
#                                (see bench/gen_rows.py: 49 quoted columns, a fifth of the cards
#                                faulty / 35 sparsely quoted columns, three quarters faulty)
#
# Steps: cargo build --release; generate bench/out/amocrm_N.csv (amocrm_sparse_N.csv; reused when
# it exists); time
#   1. okk import as users run it, rules included, into a fresh DB
#                                             (target/release/okk --db DB
#                                              --funnel assets/funnel.toml import FILE)
#   2. okk import --no-check into a fresh DB  (the store the other benchmarks start from:
#                                              bench/out/okk.db, or okk_sparse.db)
#   3. okk re-import of the unchanged file   (--no-check, same DB)
#   4. sqlite3 .mode csv / .import FILE deals into a fresh bench/out/plain.db
# each under /usr/bin/time -v (wall time, peak RSS), then print a table. Logs of every step are
# kept in bench/out/. OKK_BIN=/path/to/okk benchmarks that binary instead (no cargo build). If okk does not build or its import fails, the sqlite3 part still runs, the
# okk cells read "failed", and the script exits 1.
set -euo pipefail

N="${1:-1000000}"
SHAPE="${2:-dense}"
if ! [[ "$N" =~ ^[1-9][0-9]*$ && "$SHAPE" =~ ^(dense|sparse)$ ]]; then
    echo "usage: $0 [N] [dense|sparse]   (N = rows, default 1000000)" >&2
    exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT=bench/out
if [[ $SHAPE == dense ]]; then
    FILE="$OUT/amocrm_$N.csv"
    OKK_DB="$OUT/okk.db"
else
    FILE="$OUT/amocrm_${SHAPE}_$N.csv"
    OKK_DB="$OUT/okk_$SHAPE.db"
fi
OKK="${OKK_BIN:-target/release/okk}"
PLAIN_DB="$OUT/plain.db"
FUNNEL=assets/funnel.toml
TIME=/usr/bin/time
# The generated deals are written as of this day (scripts/gen_demo.py's TODAY): judged on it, the
# shares of flagged cards are the ones each shape plants, whatever the wall clock says.
export OKK_TODAY=2026-11-20
mkdir -p "$OUT"

for tool in cargo python3 sqlite3 "$TIME"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 2; }
done

# --- timing helpers --------------------------------------------------------------------------
# timed NAME CMD...: runs CMD under /usr/bin/time -v, stdout+stderr to $OUT/NAME.log, the
# time report to $OUT/NAME.time. Returns CMD's exit status.
timed() {
    local name="$1"; shift
    # Start each step with no dirty pages of the previous one still being written back, so
    # that no step pays for another's I/O.
    sync
    "$TIME" -v -o "$OUT/$name.time" "$@" >"$OUT/$name.log" 2>&1
}
source "$(dirname "$0")/lib.sh"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
fresh_db() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

# --- build -----------------------------------------------------------------------------------
okk_ok=1
if [[ -n "${OKK_BIN:-}" ]]; then
    echo "== using OKK_BIN=$OKK_BIN (no build)"
elif ! { echo "== cargo build --release"; cargo build --release; }; then
    echo "bench: cargo build failed; okk steps skipped" >&2
    okk_ok=0
fi

# --- data ------------------------------------------------------------------------------------
if [[ -s "$FILE" ]]; then
    echo "== reusing $FILE"
else
    echo "== generating $FILE ($N rows)"
    python3 bench/gen_rows.py "$N" "$FILE.tmp" --shape "$SHAPE"
    mv "$FILE.tmp" "$FILE"
fi
file_mb=$(awk -v b="$(stat -c %s "$FILE")" 'BEGIN { printf "%.1f", b / 1e6 }')

# --- okk -------------------------------------------------------------------------------------
okk_full=failed okk_full_rss=failed okk_first=failed okk_re=failed okk_rss=failed
okk_full_cpu=failed okk_first_cpu=failed
if [[ $okk_ok == 1 ]]; then
    fresh_db "$OKK_DB"
    echo "== okk import, rules included (the user's command)"
    if timed okk_full "$OKK" --db "$OKK_DB" --funnel "$FUNNEL" import "$FILE"; then
        tail -n 20 "$OUT/okk_full.log"
        okk_full=$(wall_s "$OUT/okk_full.time")
        okk_full_rss=$(rss_mb "$OUT/okk_full.time")
        okk_full_cpu=$(cpu_s "$OUT/okk_full.time")
    else
        echo "bench: okk import failed (see $OUT/okk_full.log):" >&2
        tail -n 20 "$OUT/okk_full.log" >&2
        okk_ok=0
    fi
fi
if [[ $okk_ok == 1 ]]; then
    fresh_db "$OKK_DB"
    echo "== okk first import, --no-check"
    if timed okk_first "$OKK" --db "$OKK_DB" --funnel "$FUNNEL" import --no-check "$FILE"; then
        tail -n 20 "$OUT/okk_first.log"
        okk_first=$(wall_s "$OUT/okk_first.time")
        okk_first_cpu=$(cpu_s "$OUT/okk_first.time")
        echo "== okk re-import (unchanged file)"
        if timed okk_re "$OKK" --db "$OKK_DB" --funnel "$FUNNEL" import --no-check "$FILE"; then
            tail -n 20 "$OUT/okk_re.log"
            okk_re=$(wall_s "$OUT/okk_re.time")
            okk_rss=$(( $(rss_mb "$OUT/okk_first.time") > $(rss_mb "$OUT/okk_re.time") ? $(rss_mb "$OUT/okk_first.time") : $(rss_mb "$OUT/okk_re.time") ))
        else
            echo "bench: okk re-import failed (see $OUT/okk_re.log):" >&2
            tail -n 20 "$OUT/okk_re.log" >&2
            okk_ok=0
        fi
    else
        echo "bench: okk import failed (see $OUT/okk_first.log):" >&2
        tail -n 20 "$OUT/okk_first.log" >&2
        okk_ok=0
    fi
fi

# --- sqlite3 ---------------------------------------------------------------------------------
fresh_db "$PLAIN_DB"
echo "== sqlite3 .import"
printf '.bail on\n.mode csv\n.import %s deals\n' "$FILE" >"$OUT/plain_import.sql"
if ! timed sqlite3 sqlite3 "$PLAIN_DB" -init "$OUT/plain_import.sql" .quit; then
    echo "bench: sqlite3 .import failed (see $OUT/sqlite3.log):" >&2
    tail -n 20 "$OUT/sqlite3.log" >&2
    exit 1
fi
plain_rows=$(sqlite3 "$PLAIN_DB" 'SELECT count(*) FROM deals;')
if [[ "$plain_rows" != "$N" ]]; then
    echo "bench: sqlite3 imported $plain_rows rows, expected $N" >&2
    exit 1
fi
sqlite_s=$(wall_s "$OUT/sqlite3.time")
sqlite_rss=$(rss_mb "$OUT/sqlite3.time")
sqlite_cpu=$(cpu_s "$OUT/sqlite3.time")

# --- report ----------------------------------------------------------------------------------
speedup=n/a speedup_full=n/a reimport=n/a
if [[ $okk_full != failed ]]; then speedup_full=$(ratio "$sqlite_s" "$okk_full"); fi
if [[ $okk_first != failed ]]; then speedup=$(ratio "$sqlite_s" "$okk_first"); fi
if [[ $okk_re != failed ]]; then reimport=$(ratio "$okk_first" "$okk_re"); fi

echo
printf '%-34s %s\n' \
    "rows" "$N" \
    "shape" "$SHAPE" \
    "file MB" "$file_mb" \
    "okk import (rules) s" "$okk_full" \
    "okk import (rules) CPU s" "$okk_full_cpu" \
    "speed-up, rules (sqlite3 / okk)" "$speedup_full" \
    "okk import (rules) peak RSS MB" "$okk_full_rss" \
    "okk first import --no-check s" "$okk_first" \
    "okk first import --no-check CPU s" "$okk_first_cpu" \
    "okk re-import s" "$okk_re" \
    "sqlite3 .import s" "$sqlite_s" \
    "sqlite3 .import CPU s" "$sqlite_cpu" \
    "speed-up, --no-check" "$speedup" \
    "re-import ratio (first / re)" "$reimport" \
    "okk peak RSS MB" "$okk_rss" \
    "sqlite3 peak RSS MB" "$sqlite_rss"

[[ $okk_ok == 1 ]]

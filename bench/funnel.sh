#!/usr/bin/env bash
# `okk fields` and `okk funnel suggest` on the import benchmark's store (1,000,000 cards), with
# REVIEWS current reviews and a stage history for every card (bench/seed_history.py) planted in a
# copy of it (never the store itself).
#
#   bench/import.sh 1000000 && bench/funnel.sh [REVIEWS]       REVIEWS default 200000
#
# OKK_BENCH_SRC=path reads another store (default bench/out/okk.db); OKK_BENCH_DIR=dir puts the
# copy elsewhere (default bench/out; the copy is bench/out/funnel.db, reused when it exists).
# OKK_BIN=/path/to/okk uses that binary (default target/release/okk, built if missing). Runs
# `okk stats` once (the day's rules run, not timed), then times three runs each of
# `okk fields --json` and `okk funnel suggest --json`: wall time, CPU time, peak RSS.
set -euo pipefail

REVIEWS="${1:-200000}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SRC="${OKK_BENCH_SRC:-bench/out/okk.db}"
OUT="${OKK_BENCH_DIR:-bench/out}"
DB="$OUT/funnel.db"
OKK="${OKK_BIN:-target/release/okk}"
FUNNEL="$OUT/funnel_bench.toml"
TIME=/usr/bin/time

[[ -s "$SRC" ]] || { echo "bench: $SRC not found; run bench/import.sh first" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 not found" >&2; exit 2; }
if [[ -z "${OKK_BIN:-}" ]]; then cargo build --release --quiet; fi
mkdir -p "$OUT"
cp assets/funnel.toml "$FUNNEL"

source "$(dirname "$0")/lib.sh"
fresh=0; [[ -s "$DB" ]] || fresh=1
plant_reviews "$SRC" "$DB" "$REVIEWS" "$FUNNEL"
if (( fresh )); then
    # The import benchmark's store was imported once: no card has moved. Histories give
    # `okk funnel suggest`'s history pass its real work.
    python3 bench/seed_history.py "$DB" --funnel "$FUNNEL"
fi
echo "== $(sqlite3 "$DB" 'SELECT count(*) FROM cards') cards, \
$(sqlite3 "$DB" 'SELECT count(*) FROM stage_history') history rows, \
$(sqlite3 "$DB" 'SELECT count(*) FROM reviews WHERE superseded_by IS NULL AND withdrawn_at IS NULL') current reviews"
echo "== the day's rules run (not timed)"
"$OKK" --db "$DB" --funnel "$FUNNEL" stats --table trend >/dev/null

# timed NAME CMD...: three runs of CMD, logs $OUT/funnel_NAME.{time,out} (bench/lib.sh).
timed() {
    local name="$1"; shift
    timed3 "$OUT/funnel_${name//[^a-z]/_}" 26 "$name" "$@"
}

echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
timed "fields --json" "$OKK" --db "$DB" --funnel "$FUNNEL" fields --json
timed "funnel suggest --json" "$OKK" --db "$DB" --funnel "$FUNNEL" funnel suggest --json
echo "suggestions: $(grep -o '"kind":"[a-z_]*"' "$OUT/funnel_funnel_suggest___json.out" | sort | uniq -c | tr '\n' ' ')"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

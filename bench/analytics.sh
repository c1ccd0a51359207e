#!/usr/bin/env bash
# Analytics benchmark: `okk stats --json` and `okk report` on the import benchmark's store
# (1,000,000 cards) with REVIEWS current reviews planted in a copy of it.
#
#   bench/import.sh 1000000 && bench/analytics.sh [REVIEWS]      REVIEWS default 200000
#   bench/analytics.sh --prepare [REVIEWS]     only make bench/out/analytics.db (bench/export.sh)
#
# Steps: copy bench/out/okk.db to bench/out/analytics.db (reused when it exists: delete it to
# re-seed); freeze its clock at 2026-11-20 12:00 (the day the synthetic export was written
# around); plant the reviews with bench/seed_reviews.py (SQL, one transaction); run `okk stats`
# once so that the day's rules run is done (the first command of a day reruns the stage rules
# over every card: the audit benchmark times that); then time three runs each of
# `okk stats --json`, `okk stats` (text), `okk stats --csv --table managers` and
# `okk report --out`, under /usr/bin/time -v (wall time, peak RSS). OKK_BIN=/path/to/okk uses
# that binary (default target/release/okk, built if missing).
set -euo pipefail

PREPARE_ONLY=0
if [[ "${1:-}" == --prepare ]]; then PREPARE_ONLY=1; shift; fi
REVIEWS="${1:-200000}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT=bench/out
SRC="$OUT/okk.db"
DB="$OUT/analytics.db"
OKK="${OKK_BIN:-target/release/okk}"
FUNNEL=assets/funnel.toml
TIME=/usr/bin/time

[[ -s "$SRC" ]] || { echo "bench: $SRC not found; run bench/import.sh first" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 not found" >&2; exit 2; }
if [[ -z "${OKK_BIN:-}" ]]; then cargo build --release --quiet; fi

source "$(dirname "$0")/lib.sh"
plant_reviews "$SRC" "$DB" "$REVIEWS" "$FUNNEL"
echo "== $(sqlite3 "$DB" 'SELECT count(*) FROM cards') cards, \
$(sqlite3 "$DB" 'SELECT count(*) FROM reviews WHERE superseded_by IS NULL AND withdrawn_at IS NULL') current reviews"
echo "== the day's rules run (not timed)"
"$OKK" --db "$DB" --funnel "$FUNNEL" stats --table trend >/dev/null
(( PREPARE_ONLY )) && exit 0

# timed NAME CMD...: three runs of CMD, logs $OUT/analytics_NAME.{time,out} (bench/lib.sh).
timed() {
    local name="$1"; shift
    timed3 "$OUT/analytics_${name//[^a-z]/_}" 30 "$name" "$@"
}

echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
timed "stats --json" "$OKK" --db "$DB" --funnel "$FUNNEL" stats --json
timed "stats (text)" "$OKK" --db "$DB" --funnel "$FUNNEL" stats
timed "stats --csv --table managers" "$OKK" --db "$DB" --funnel "$FUNNEL" stats --csv --table managers
timed "report --out" "$OKK" --db "$DB" --funnel "$FUNNEL" report --out "$OUT/report.html" --force
echo "report: $(stat -c %s "$OUT/report.html") bytes; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

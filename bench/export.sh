#!/usr/bin/env bash
# Export benchmark: `okk export reviews` against `sqlite3 -csv` of a comparable SELECT, on the
# analytics benchmark's store (1,000,000 cards, 200,000 current reviews).
#
#   bench/import.sh 1000000 && bench/export.sh [RUNS]          RUNS default 3
#
# Makes bench/out/analytics.db with `bench/analytics.sh --prepare` when it is missing, then times,
# alternating in the same run, RUNS runs each of
#   okk export reviews --out bench/out/export_okk.csv --force
#   sqlite3 -csv -header bench/out/analytics.db "$SQL" > bench/out/export_sqlite.csv
# under /usr/bin/time -v (wall, user + system CPU, peak RSS), with the load average before and
# after, and checks that both files hold the same number of rows. The SELECT is the one okk's own
# export runs, less what SQL cannot compute (failed checklist items: the checklist JSON is written
# instead) — the same rows (current reviews, their card as it is now, the lead's latest decision),
# the same columns in the same order, the same sort, with sqlite3's default settings.
# OKK_BIN=/path/to/okk uses that binary (default target/release/okk, built if missing).
set -euo pipefail

RUNS="${1:-3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT=bench/out
DB="$OUT/analytics.db"
OKK="${OKK_BIN:-target/release/okk}"
FUNNEL=assets/funnel.toml
TIME=/usr/bin/time

for tool in sqlite3 python3 "$TIME"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found (Debian: apt install sqlite3 time)" >&2; exit 2; }
done
if [[ -z "${OKK_BIN:-}" ]]; then cargo build --release --quiet; fi
[[ -s "$DB" ]] || OKK_BIN="$OKK" bench/analytics.sh --prepare

SQL="
SELECT r.id AS review_id, r.card_source AS source, r.card_external_id AS external_id,
       c.title, r.stage, c.owner, r.auditor, r.verdict, round(r.score, 1) AS score,
       r.checklist AS failed_items, NULL AS failed_critical_items,
       r.suggested_stage, r.suggested_owner, nullif(r.corrections, '{}') AS corrections,
       r.comment, r.created_at AS reviewed_at, round(r.seconds_spent, 1) AS seconds_spent,
       d.decision AS lead_decision, d.lead,
       CASE WHEN c.id IS NULL THEN NULL WHEN c.content_hash <> r.card_hash THEN 'yes' ELSE 'no' END
         AS card_changed
FROM reviews r
LEFT JOIN cards c ON c.id = r.card_id
LEFT JOIN lead_decisions d ON d.rowid = (
    SELECT d2.rowid FROM lead_decisions d2 WHERE d2.review_id = r.id AND d2.withdrawn_at IS NULL
    ORDER BY d2.seq DESC, d2.created_at DESC, d2.id DESC LIMIT 1)
WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL
ORDER BY r.created_at, r.card_source, r.card_external_id, r.auditor, r.id;"

source "$(dirname "$0")/lib.sh"

declare -A WALL CPU RSS
# once NAME STDOUT CMD...: one timed run, its figures appended to NAME's lists.
once() {
    local name="$1" stdout="$2"; shift 2
    local log="$OUT/export_$name.time"
    sync
    "$TIME" -v -o "$log" "$@" >"$stdout"
    WALL[$name]+="$(wall_s "$log") "
    CPU[$name]+="$(cpu_s "$log") "
    local r; r=$(rss_mb "$log")
    (( r > ${RSS[$name]:-0} )) && RSS[$name]=$r
    return 0
}

echo "== $(sqlite3 "$DB" 'SELECT count(*) FROM cards') cards, \
$(sqlite3 "$DB" 'SELECT count(*) FROM reviews WHERE superseded_by IS NULL AND withdrawn_at IS NULL') current reviews; $(sqlite3 --version | cut -d' ' -f1)"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$RUNS"); do
    once okk "$OUT/export_okk.log" \
        "$OKK" --db "$DB" --funnel "$FUNNEL" export reviews --out "$OUT/export_okk.csv" --force
    once sqlite3 "$OUT/export_sqlite.csv" sqlite3 -csv -header "$DB" "$SQL"
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

for name in okk sqlite3; do
    printf '%-8s wall %s s   cpu %s s   peak RSS %s MB\n' "$name" "${WALL[$name]}" "${CPU[$name]}" "${RSS[$name]}"
done
python3 - "$OUT/export_okk.csv" "$OUT/export_sqlite.csv" "${WALL[okk]}" "${WALL[sqlite3]}" <<'PY'
import csv, statistics, sys
rows = []
for path in sys.argv[1:3]:
    with open(path, newline="", encoding="utf-8") as f:
        r = list(csv.reader(f))
    rows.append(len(r) - 1)
okk, lite = (statistics.median(map(float, a.split())) for a in sys.argv[3:5])
print(f"rows: okk {rows[0]}, sqlite3 {rows[1]}" + ("" if rows[0] == rows[1] else "   MISMATCH"))
print(f"median wall: okk {okk:.2f} s, sqlite3 {lite:.2f} s: okk {lite / okk:.2f}x faster (target 2x)")
sys.exit(0 if rows[0] == rows[1] else 1)
PY

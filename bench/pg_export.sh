#!/usr/bin/env bash
# The lead's outputs from a team server: `okk export reviews`, `okk export crm` and `okk report`
# from a server store against the same from the store file it was copied from, and that their
# files are the same bytes.
#
#   bench/pg_export.sh URL [AUDITORS]   URL: postgres://… of a server where the user may create
#                                       databases; AUDITORS (default 540) each review every one
#                                       of the demo's 371 cards: 540 makes 200,340 reviews
#
# Makes bench/out/pg_export.db (the demo's cards, the reviews and every seventh one decided by
# the lead written straight into it; reused when there) and a throwaway database
# okk_bench_export_<pid> (`okk db copy` of it, dropped at the end). Each command runs three times
# under /usr/bin/time -v on each store. OKK_BIN=/path/to/okk benchmarks that binary (default
# target/release/okk, built if missing).
set -euo pipefail

URL="${1:-}"
AUDITORS="${2:-540}"
if ! [[ "$URL" =~ ^postgres(ql)?:// && "$AUDITORS" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 postgres://USER@HOST:PORT/DB [AUDITORS]" >&2
    exit 2
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bench/lib.sh
OUT=bench/out
DB="$OUT/pg_export.db"
OKK="${OKK_BIN:-target/release/okk}"
FUNNEL=assets/funnel.toml
export OKK_TODAY=2026-11-20
export PGOPTIONS="-c client_min_messages=warning"
mkdir -p "$OUT"
for tool in sqlite3 psql "${TIME:-/usr/bin/time}"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 2; }
done
if [[ -z "${OKK_BIN:-}" ]]; then cargo build --release --quiet; fi

if [[ ! -s "$DB" ]]; then
    "$OKK" --db "$DB.tmp" --funnel "$FUNNEL" import assets/demo/amocrm_deals.csv >/dev/null
    # Ties on time across auditors and cards; a fifth of the cards changed since their review.
    sqlite3 "$DB.tmp" "
WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM a WHERE n < $AUDITORS)
INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage, verdict,
    card_hash, created_at, seconds_spent, score, comment, checklist)
SELECT printf('r-%04d-%s', a.n, c.external_id), c.id, c.source, c.external_id, 'auditor' || a.n,
    c.stage, CASE (c.id + a.n) % 3 WHEN 0 THEN 'ok' WHEN 1 THEN 'stale' ELSE 'wrong_stage' END,
    CASE WHEN c.id % 5 = 0 THEN 0 ELSE c.content_hash END,
    printf('2026-%02d-%02d 10:%02d:00', 1 + a.n % 11, 1 + c.id % 28, a.n % 60),
    12.5 + c.id % 7, (c.id % 11) * 9.5, 'комментарий ' || a.n,
    '{\"next_step\":\"fail\",\"contact_saved\":\"pass\"}'
FROM cards c, a;
INSERT INTO lead_decisions (id, review_id, lead, decision, verdict, suggested_stage, created_at,
    seq)
SELECT 'd-' || id, id, 'lena',
    CASE rowid % 3 WHEN 0 THEN 'accept' WHEN 1 THEN 'override' ELSE 'return' END,
    CASE rowid % 3 WHEN 1 THEN 'wrong_stage' END, CASE rowid % 3 WHEN 1 THEN 'Договор' END,
    '2026-11-20 09:00:00', 1
FROM reviews WHERE rowid % 7 = 0;"
    mv "$DB.tmp" "$DB"
fi

base="${URL%/*}"
server_db="okk_bench_export_$$"
cleanup() { psql -q "$URL" -c "DROP DATABASE IF EXISTS $server_db" || true; }
trap cleanup EXIT
psql -q "$URL" -c "CREATE DATABASE $server_db"
"$OKK" db copy "$DB" "$base/$server_db" >/dev/null
echo "== $(sqlite3 "$DB" 'SELECT count(*) FROM reviews') reviews; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

same=yes
for command in "export reviews" "export crm --profile amocrm" "report"; do
    name="${command// /_}"
    for store in file server; do
        db="$DB"
        [[ $store == server ]] && db="$base/$server_db"
        # shellcheck disable=SC2086 # the command's words
        timed3 "$OUT/pg_export_$store" 40 "$command ($store)" \
            "$OKK" --db "$db" --funnel "$FUNNEL" $command --out "$OUT/pg_export_$name.$store" --force
    done
    cmp -s "$OUT/pg_export_$name.file" "$OUT/pg_export_$name.server" || { same=no; echo "   differ: $command"; }
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg); the same bytes: $same"
[[ $same == yes ]]

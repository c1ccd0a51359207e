#!/usr/bin/env bash
# API sync benchmark: okk sync of N deals from the local fake amoCRM (examples/fake_crm.rs, rate
# limit off) against okk import of the same deals from the CSV the fake writes of them.
#
#   bench/sync.sh [N] [EDITS] [KIND] [FIELDS]
#                     N deals (default 100000); EDITS deals edited before the incremental sync
#                     (default 1000); KIND amocrm (default) or bitrix24 (pages of 50 and a batch
#                     of their comments); FIELDS custom fields in the account (default 2, or the
#                     env FIELDS: the fake's `--fields`): 2 is the lean shape («Источник», the
#                     meeting date), 30 the shape of a real account (20–50 fields of every kind,
#                     each deal filling about two thirds of them, a third of the deals none)
#
# Steps: cargo build --release (okk and the fake_crm example); start the fake with N deals on a
# free port, which writes them as an amoCRM export (bench/out/sync/deals.csv); time, each under
# /usr/bin/time -v, with rules as users run them and as of the data's day:
#   1. okk import deals.csv into a fresh store
#   2. okk sync of the same deals into another fresh store (the first sync: every deal)
#   3. okk sync again after the fake's EDITS deals changed (an incremental sync)
# and print wall and CPU (user + system) time. The target (#15): the first sync costs okk at most
# 1.5× the CPU time of the import; the incremental sync under 2 s of okk's own time.
# OKK_BIN / FAKE_BIN benchmark those binaries instead (no cargo build).
set -euo pipefail

N="${1:-100000}"
EDITS="${2:-1000}"
KIND="${3:-amocrm}"
FIELDS="${4:-${FIELDS:-2}}"
if ! [[ "$N" =~ ^[1-9][0-9]*$ && "$EDITS" =~ ^[0-9]+$ && "$KIND" =~ ^(amocrm|bitrix24)$ \
        && "$FIELDS" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 [N] [EDITS] [amocrm|bitrix24] [FIELDS]" >&2
    exit 2
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT=bench/out/sync
mkdir -p "$OUT"
OKK="${OKK_BIN:-target/release/okk}"
FAKE="${FAKE_BIN:-target/release/examples/fake_crm}"
FUNNEL=assets/funnel.toml
TIME=/usr/bin/time
source "$(dirname "$0")/lib.sh"
for tool in cargo python3 "$TIME"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 2; }
done
if [[ -z "${OKK_BIN:-}" || -z "${FAKE_BIN:-}" ]]; then
    echo "== cargo build --release"
    cargo build --release --bin okk --example fake_crm
fi

# The fake's deals are dated around its own clock; judge them as of a fixed day.
export OKK_TODAY=2026-11-20
export OKK_FAKE_TOKEN=fake-token-0123456789
# Rate limit off: the benchmark measures okk, not the politeness toward a real CRM.
export OKK_SYNC_RATE=0

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ctl="$OUT/ctl"
rm -f "$ctl"
mkfifo "$ctl"
"$FAKE" --kind "$KIND" --deals "$N" --fields "$FIELDS" --port "$port" --write-csv "$OUT/deals.csv" <"$ctl" >"$OUT/fake.log" 2>&1 &
fake_pid=$!
exec 3>"$ctl"
cleanup() { exec 3>&-; kill "$fake_pid" 2>/dev/null || true; rm -f "$ctl"; }
trap cleanup EXIT
for _ in $(seq 600); do
    grep -q "okk sync fake" "$OUT/fake.log" 2>/dev/null && break
    sleep 0.1
done
grep -q "okk sync fake" "$OUT/fake.log" || { echo "bench: the fake CRM did not start" >&2; cat "$OUT/fake.log" >&2; exit 1; }

fresh_db() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }
timed() {
    local name="$1"; shift
    sync
    "$TIME" -v -o "$OUT/$name.time" "$@" >"$OUT/$name.log" 2>&1 || {
        echo "bench: $name failed:" >&2; tail -n 20 "$OUT/$name.log" >&2; exit 1; }
}

IMPORT_DB="$OUT/import.db"
SYNC_DB="$OUT/sync.db"
CONFIG="$OUT/config.toml"
fresh_db "$IMPORT_DB"
fresh_db "$SYNC_DB"
rm -f "$CONFIG"
if [[ "$KIND" == bitrix24 ]]; then
    # The webhook's address, secret and all, as the fake prints it.
    url=$(grep -o 'http://127.0.0.1:[0-9]*/rest/[^ ]*' "$OUT/fake.log" | tail -n 1)
    "$OKK" --db "$SYNC_DB" --funnel "$FUNNEL" crm add fake --config "$CONFIG" --kind bitrix24 \
        --url "$url" >/dev/null
else
    "$OKK" --db "$SYNC_DB" --funnel "$FUNNEL" crm add fake --config "$CONFIG" --kind amocrm \
        --url "http://127.0.0.1:$port" --token-env OKK_FAKE_TOKEN >/dev/null
fi

echo "== okk import of the fake's deals as a CSV export"
timed import "$OKK" --db "$IMPORT_DB" --funnel "$FUNNEL" import "$OUT/deals.csv"
echo "== okk sync, first (every deal)"
timed sync_first "$OKK" --db "$SYNC_DB" --funnel "$FUNNEL" sync --config "$CONFIG" --json
echo "== okk sync after $EDITS edits"
echo "edit $EDITS" >&3
for _ in $(seq 600); do
    grep -q "edited $EDITS deal" "$OUT/fake.log" && break
    sleep 0.1
done
timed sync_edits "$OKK" --db "$SYNC_DB" --funnel "$FUNNEL" sync --config "$CONFIG" --json
tail -n 1 "$OUT/sync_edits.log"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
printf '%-36s %s\n' \
    "deals ($KIND)" "$N" \
    "custom fields in the account" "$FIELDS" \
    "okk import s / CPU s" "$(wall_s "$OUT/import.time") / $(cpu_s "$OUT/import.time")" \
    "okk sync (first) s / CPU s" "$(wall_s "$OUT/sync_first.time") / $(cpu_s "$OUT/sync_first.time")" \
    "sync CPU / import CPU" "$(ratio "$(cpu_s "$OUT/sync_first.time")" "$(cpu_s "$OUT/import.time")")" \
    "okk sync ($EDITS edits) s / CPU s" "$(wall_s "$OUT/sync_edits.time") / $(cpu_s "$OUT/sync_edits.time")" \
    "okk sync (first) peak RSS MB" "$(rss_mb "$OUT/sync_first.time")"

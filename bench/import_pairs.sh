#!/usr/bin/env bash
# The import benchmark repeated: bench/import.sh REPS times in a row (one build), each rep timing
# okk and sqlite3 back to back, then every rep's ratios and their range. On a shared 2-core machine
# the speed moves by a quarter within minutes, and more for okk (two busy threads) than for
# sqlite3 (one): a single run says little; the ratios of runs side by side say more.
#
#   bench/import_pairs.sh [N] [SHAPE] [REPS]   defaults: 1000000 dense 3
set -euo pipefail

N="${1:-1000000}"
SHAPE="${2:-dense}"
REPS="${3:-3}"
if ! [[ "$REPS" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [N] [dense|sparse] [REPS]" >&2
    exit 2
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -z "${OKK_BIN:-}" ]]; then
    cargo build --release
    export OKK_BIN=target/release/okk
fi

field() { awk -F'  +' -v k="$1" '$1 == k { print $2 }' "$2"; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rules=() plain=()
for rep in $(seq "$REPS"); do
    bench/import.sh "$N" "$SHAPE" >"$log" 2>&1 || { tail -n 30 "$log" >&2; exit 1; }
    r=$(field "speed-up, rules (sqlite3 / okk)" "$log")
    p=$(field "speed-up, --no-check" "$log")
    rules+=("$r") plain+=("$p")
    printf 'rep %d: sqlite3 %s s; rules %s s (CPU %s s, %s MB): %s×; --no-check %s s (CPU %s s): %s×; re-import %s s\n' \
        "$rep" "$(field "sqlite3 .import s" "$log")" \
        "$(field "okk import (rules) s" "$log")" "$(field "okk import (rules) CPU s" "$log")" \
        "$(field "okk import (rules) peak RSS MB" "$log")" "$r" \
        "$(field "okk first import --no-check s" "$log")" \
        "$(field "okk first import --no-check CPU s" "$log")" "$p" \
        "$(field "okk re-import s" "$log")"
done
range() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }'; }
echo "$N rows, $SHAPE: rules $(range "${rules[@]}")×, --no-check $(range "${plain[@]}")× sqlite3 .import"

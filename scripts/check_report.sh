#!/usr/bin/env bash
# Looks at `okk report` in a real browser: builds the demo store, plants reviews in it
# (bench/seed_reviews.py), writes report.html, then has headless Chromium parse it (--dump-dom:
# every section, its charts, no script element) and take a screenshot to look at.
#
#   scripts/check_report.sh [OUT_DIR]        default target/report-check
#
# Needs python3 and Chromium (Debian: apt-get install -y chromium; CHROMIUM=/path/to/chrome
# picks another). OKK_BIN=/path/to/okk uses that binary instead of `cargo build`'s.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$(mkdir -p "${1:-target/report-check}" && cd "${1:-target/report-check}" && pwd)"

CHROME="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
if [[ -z "$CHROME" ]]; then
    echo "check_report: Chromium not found (Debian: apt-get install -y chromium)" >&2
    exit 2
fi
if [[ -z "${OKK_BIN:-}" ]]; then
    cargo build --quiet
    OKK_BIN=target/debug/okk
fi

# The demo prints where its fresh store is; TMPDIR keeps it inside OUT.
mkdir -p "$OUT/tmp"
DB=$(TMPDIR="$OUT/tmp" "$OKK_BIN" demo --print | sed -n 's/^Demo database: //p')
python3 bench/seed_reviews.py "$DB" 250
"$OKK_BIN" --db "$DB" --funnel assets/funnel.toml report --out "$OUT/report.html" --force

chrome() {
    "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run "$@" \
        2> >(grep -v -e dbus -e Fontconfig -e 'unexpected operator' >&2 || true)
}
chrome --dump-dom "file://$OUT/report.html" >"$OUT/dom.html"
chrome --window-size=1280,2600 --screenshot="$OUT/report.png" "file://$OUT/report.html" >/dev/null

fail=0
for id in funnel bottlenecks managers trend auditors; do
    grep -q "<section id=\"$id\">" "$OUT/dom.html" || { echo "check_report: no section $id" >&2; fail=1; }
done
count() { { grep -o "$1" "$OUT/dom.html" || true; } | wc -l; }
svgs=$(count '<svg')
scripts=$(count '<script')
[[ $svgs -ge 3 ]] || { echo "check_report: $svgs charts, expected 3" >&2; fail=1; }
[[ $scripts -eq 0 ]] || { echo "check_report: $scripts script elements" >&2; fail=1; }
echo "check_report: $svgs charts, $scripts scripts; look at $OUT/report.png"
exit $fail

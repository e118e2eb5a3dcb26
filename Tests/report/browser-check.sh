#!/usr/bin/env bash
# holdfast report's HTML in a real browser: the synthetic client's five sessions
# (Simulator/clients/jd42) are simulated, replayed and reported; headless Chromium
# (Debian's chromium) renders the page to PNG and dumps its DOM; the check counts
# each plot's SVG in the DOM and each series' colour in the picture, so a plot that
# is missing, empty or not drawn fails. With --picture OUT.png it also writes the
# top of the page, halved, for the README.
#   Tests/report/browser-check.sh .build/debug/holdfast [--picture docs/report.png]
# Skips, saying why, only where chromium cannot be installed (like the HIL step: neither
# root nor sudo, or apt cannot reach its archive); fails wherever it can run and does
# not, or the page is not right.
set -euo pipefail
cd "$(dirname "$0")/../.."
holdfast=$(realpath "$1")
picture=${3:-}
[ "${2:-}" = "--picture" ] || picture=""

# A skip only where chromium cannot be installed: neither root nor sudo, or apt cannot reach its
# archive. Where it could be installed and is not, the check fails.
skip() { echo "report-browser: SKIPPED: $*"; exit 0; }
if ! command -v chromium >/dev/null; then
  log=$(mktemp)
  if ! scripts/ensure-packages report >"$log" 2>&1 || ! command -v chromium >/dev/null; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null || skip "not root and no sudo: installing Debian's chromium needs root"
      sudo="sudo -n"
    fi
    if ! $sudo apt-get update -qq --error-on=any >>"$log" 2>&1; then
      echo "report-browser: SKIPPED: chromium is not installed and apt cannot reach its archive:"; tail -n 3 "$log"; exit 0
    fi
    echo "report-browser: FAILED: chromium cannot be installed, although apt reaches its archive:"; tail -n 5 "$log"
    exit 1
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sessions"
for k in 1 2 3 4 5; do
  "$holdfast" simulate "Simulator/clients/jd42/session-$k.scenario" --trace "$work/s$k.csv" >/dev/null
  "$holdfast" replay "$work/s$k.csv" --session "$work/sessions/jd42-$k.jsonl" --quiet
done
"$holdfast" report --client jd42 --sessions "$work/sessions" --html "$work/jd42.html" --csv "$work/jd42.csv" >"$work/jd42.txt"

passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "report-browser: FAILED: $1"; fi; }

# The page loads nothing from outside: no URL other than its own anchors.
check "self-contained (no src/href to a URL)" "! grep -qE '(src|href)=\"(https?:|//)' '$work/jd42.html'"
check "no script" "! grep -qi '<script' '$work/jd42.html'"
check "terminal form fits 80 columns" "[ \$(awk '{ if (length > m) m = length } END { print m }' '$work/jd42.txt') -le 80 ]"

chrome=(chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
        --user-data-dir="$work/profile")
"${chrome[@]}" --dump-dom "file://$work/jd42.html" >"$work/dom.html" 2>"$work/chromium.log"
check "DOM: three PPT plots" "[ \$(grep -o 'class=\"plot ppt\"' '$work/dom.html' | wc -l) -eq 3 ]"
check "DOM: dose and pain plots" "grep -q 'id=\"plot-dose\"' '$work/dom.html' && grep -q 'id=\"plot-pain\"' '$work/dom.html'"
# Five sessions, pre and post at three points (one post missing), each a circle; five pain points.
check "DOM: PPT and pain markers" "[ \$(grep -o '<circle' '$work/dom.html' | wc -l) -eq \$((3 * 2 + 29 + 5)) ]"
check "DOM: the setback and the missing retest are flagged" \
  "grep -q 'setback at session 3' '$work/dom.html' && grep -q 'not retested in session 4' '$work/dom.html'"

"${chrome[@]}" --window-size=900,2000 --screenshot="$work/shot.png" "file://$work/jd42.html" >/dev/null 2>>"$work/chromium.log"
# Pixels of each series' colour: pre, post, pain, and the three points' dose bars.
read -r pre post pain dose1 dose2 dose3 < <(python3 Tests/report/png.py count "$work/shot.png" \
  '#1f6fb4' '#c8322c' '#7b3fa0' '#2e8b57' '#e69f00' '#56b4e9')
echo "report-browser: pixels: pre $pre, post $post, pain $pain, dose $dose1 $dose2 $dose3"
check "PPT pre series drawn" "[ $pre -ge 400 ]"
check "PPT post series drawn" "[ $post -ge 400 ]"
check "pain series drawn" "[ $pain -ge 300 ]"
check "dose bars drawn for each point" "[ $dose1 -ge 3000 ] && [ $dose2 -ge 3000 ] && [ $dose3 -ge 3000 ]"

"${chrome[@]}" --print-to-pdf="$work/jd42.pdf" --no-pdf-header-footer "file://$work/jd42.html" >/dev/null 2>>"$work/chromium.log"
check "prints to PDF (A4)" "[ -s '$work/jd42.pdf' ] && grep -qa '/MediaBox \[0 0 59[45]' '$work/jd42.pdf'"

if [ -n "$picture" ]; then
  python3 Tests/report/png.py thumb "$work/shot.png" "$picture" 900 1180
  echo "report-browser: picture written to $picture"
fi
echo "report-browser: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

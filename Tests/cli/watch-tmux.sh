#!/usr/bin/env bash
# End-to-end check of `holdfast watch` as a therapist sees it: a demo daemon
# on an emulated sensor, the watch running in tmux at 80×24, and the screen
# read back with capture-pane. Usage: Tests/cli/watch-tmux.sh PATH-TO-HOLDFAST
set -uo pipefail
holdfast=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
session="holdfast-watch-$$"
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null
  [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $1"; tmux capture-pane -t "$session" -p 2>/dev/null | sed 's/^/    | /'; }

# Waits up to $2 seconds for the screen to contain the regex $1.
screen_has() {
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    tmux capture-pane -t "$session" -p 2>/dev/null | grep -qE -- "$1" && return 0
    sleep 0.2
  done
  return 1
}

# Plays SCENARIO at SPEED on a daemon with socket $work/NAME.sock and sessions in $work/NAME-sessions,
# and opens the watch on it in tmux at 80×24.
daemon_and_watch() {  # daemon_and_watch SCENARIO SPEED NAME
  "$holdfast" simulate "$1" --trace "$work/$3.csv" >/dev/null
  "$holdfast" daemon --bus emulated --emulate-trace "$work/$3.csv" --emulate-speed "$2" --socket "$work/$3.sock" \
    --state-dir "$work/$3-sessions" --realtime-priority off 2>"$work/$3-daemon.log" &
  daemon=$!
  for _ in $(seq 50); do [ -S "$work/$3.sock" ] && break; sleep 0.1; done
  tmux new-session -d -s "$session" -x 80 -y 24 "NO_COLOR= $holdfast watch --socket $work/$3.sock"
}

daemon_and_watch "$root/Simulator/scenarios/over-pressure.scenario" 4 hf
if screen_has "PRESSURE +[0-9.]+ N" 10; then ok; else fail "pressure shown"; fi
if screen_has "LEVEL +[0-9.]+ / 10" 5; then ok; else fail "level shown"; fi
if screen_has "temporalis R" 5; then ok; else fail "point label from the session"; fi
if screen_has "HOLD +[0-9]{2}:[0-9]{2}  hold" 10; then ok; else fail "hold timer running"; fi
if screen_has "TARGET 6-7" 10; then ok; else fail "zone in words"; fi

tmux send-keys -t "$session" p
tmux send-keys -t "$session" -l "retest"
tmux send-keys -t "$session" Enter
if screen_has "point: retest" 5; then ok; else fail "labelling a point"; fi
if screen_has "HOLDFAST  retest" 5; then ok; else fail "new label in the title"; fi

if screen_has "OVER-PRESSURE +level 9" 20; then ok; else fail "over-pressure alarm banner"; fi
tmux capture-pane -t "$session" -p > "$work/alarm-screen.txt"
if grep -q "OVER 9-10 !" "$work/alarm-screen.txt"; then ok; else fail "alarm zone in words"; fi

tmux send-keys -t "$session" q
sleep 0.5
if tmux has-session -t "$session" 2>/dev/null; then fail "q quits"; else ok; fi

# Plain mode: one line per hold and per alarm, for logs and pipes.
timeout 15 "$holdfast" watch --socket "$work/hf.sock" > "$work/plain.txt" 2>&1
# The hold is filed under the point in effect when it began.
if grep -qE "^hold  temporalis R .* s  mean" "$work/plain.txt"; then ok; else fail "plain mode logs the hold"; cat "$work/plain.txt"; fi

kill -TERM "$daemon"
wait "$daemon"
status=$?
if [ $status -eq 0 ]; then ok; else fail "daemon exits cleanly (exit $status)"; tail -n 20 "$work/hf-daemon.log"; fi
daemon=""

# Test, treat, retest: a trial signalled by the emulated button (the trace's ppt row), one by the
# watch's s key during a slow ramp (the ramp gauge against the band), and an outcome through the o form.
cat > "$work/ppt.scenario" <<'SCENARIO'
rate_hz 320
noise_n 0.1
point upper trapezius L
hold 2
ppt 5 15 0.4
hold 3
ramp 30 6
hold 6
ramp 0 1
hold 30
SCENARIO
daemon_and_watch "$work/ppt.scenario" 2 ppt
if screen_has "PPT pre 1[5-7]\.[0-9] N \(1/3\)" 15; then ok; else fail "the button's trial counted for the point"; fi
if screen_has "RAMP +[0-9.]+ N/s ok \(3\.0-7\.0\)" 15; then ok; else fail "ramp gauge against the band"; fi
tmux send-keys -t "$session" s
if screen_has "signalled: release" 5; then ok; else fail "the s key signals"; fi
if screen_has "PPT pre [0-9.]+ N \(2/3\)" 15; then ok; else fail "the key's trial counted"; fi
tmux send-keys -t "$session" o p
tmux send-keys -t "$session" -l "6 morning"
tmux send-keys -t "$session" Enter
if screen_has "recorded: pain 6/10 \(morning\)" 5; then ok; else fail "outcome through the o form"; fi
tmux send-keys -t "$session" o p
tmux send-keys -t "$session" -l "12"
tmux send-keys -t "$session" Enter
if screen_has "error: pain 12.0 is out of range" 5; then ok; else fail "an outcome out of range is refused"; fi
tmux send-keys -t "$session" q
kill -TERM "$daemon"
wait "$daemon"
status=$?
if [ $status -eq 0 ]; then ok; else fail "daemon exits cleanly after the PPT session (exit $status)"; tail -n 20 "$work/ppt-daemon.log"; fi
daemon=""
if grep -q '"type":"outcome","t_s":[0-9.]*,"kind":"pain","value":6,"when":"morning"' "$work"/ppt-sessions/*.jsonl \
   && [ "$(grep -c '"type":"ppt"' "$work"/ppt-sessions/*.jsonl)" -eq 2 ]; then ok; else fail "trials and outcome in the session file"; fi

echo "watch: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

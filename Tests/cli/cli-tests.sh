#!/usr/bin/env bash
# Checks the `holdfast` command as scripts use it: exit codes, error messages
# naming file and line, and that a failed replay never leaves a session file
# under the requested name. Usage: Tests/cli/cli-tests.sh PATH-TO-HOLDFAST
set -uo pipefail
holdfast=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0
failed=0

check() {  # check NAME EXPECTED-EXIT PATTERN -- COMMAND...
  local name=$1 want=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $rc (wanted $want), output:"; echo "$out" | sed 's/^/    /'
  fi
}

printf 'time_s,force_n\n0,1\n0.001,abc\n' > not-a-number.csv
printf 'time_s,force_n\n0,1\n0.001,nan\n' > nan.csv
printf 'time_s,force_n\n0.002,1\n0.001,1\n' > backwards.csv
printf 'seconds,newtons\n0,1\n' > no-header.csv
: > empty.csv

check "non-numeric field" 1 'not-a-number.csv:3: force_n is not a number' -- "$holdfast" replay not-a-number.csv --session s.jsonl
check "NaN" 1 'nan.csv:3: force_n must be a finite number' -- "$holdfast" replay nan.csv --session s.jsonl
check "time backwards" 1 'backwards.csv:3: time_s goes backwards' -- "$holdfast" replay backwards.csv --session s.jsonl
check "missing header" 1 'no-header.csv:1: missing header' -- "$holdfast" replay no-header.csv --session s.jsonl
check "empty file" 1 'empty.csv: the trace is empty' -- "$holdfast" replay empty.csv --session s.jsonl
check "unreadable path" 1 'missing.csv: cannot open trace: No such file' -- "$holdfast" replay missing.csv --session s.jsonl
mkfifo fifo.csv
check "FIFO as trace" 1 'fifo.csv: cannot read a trace from a FIFO' -- timeout 10 "$holdfast" replay fifo.csv --session s.jsonl
check "bad scale" 64 'scale "3=1,2=2": point 2' -- "$holdfast" replay nan.csv --scale "3=1,2=2"
check "bad thresholds" 64 'end force 6.0 N must be' -- "$holdfast" replay nan.csv --start-n 5 --end-n 6
check "bad scenario" 1 'bad.scenario:1: unknown keyword' -- bash -c "echo 'wobble 3' > bad.scenario && '$holdfast' simulate bad.scenario --trace t.csv"
if [ -e s.jsonl ]; then failed=$((failed + 1)); echo "FAIL a failed replay left s.jsonl"; else passed=$((passed + 1)); fi

check "simulate" 0 'wrote t.csv and t.truth.jsonl' -- "$holdfast" simulate "$root/Simulator/scenarios/nimmo-series.scenario" --trace t.csv --truth t.truth.jsonl
check "replay" 0 '4 holds, 0 touches' -- "$holdfast" replay t.csv --session t.session.jsonl
check "session complete" 0 '"type":"summary"' -- tail -n 1 t.session.jsonl
check "replay with a scale" 0 'Replayed' -- "$holdfast" replay t.csv --scale "5=1,50=10" --session u.jsonl
check "demo" 0 "upper trapezius L" -- "$holdfast" demo --replay --scenario "$root/Simulator/scenarios/demo-session.scenario" --work-dir "$work"

# The sensor path, on the register-level emulators.
check "replay through an emulated NAU7802" 0 'Sensor: .* at 320.0 Hz, 0 bus errors' -- "$holdfast" replay t.csv --sensor nau7802
check "replay with faults" 0 '1 recovery' -- "$holdfast" replay t.csv --sensor ads1115 --faults "vanish@30+1"
check "unknown chip" 64 'sensor hx711: not one of' -- "$holdfast" replay t.csv --sensor hx711
check "bad fault" 64 'fault "wobble@1" is not of the form' -- "$holdfast" replay t.csv --sensor nau7802 --faults wobble@1
check "faults without a sensor" 64 'faults needs --sensor' -- "$holdfast" replay t.csv --faults vanish@1+1
check "calibrate emulated" 0 'wrote cal.json' -- "$holdfast" calibrate --sensor nau7802 --bus emulated --known-mass-kg 2 --output cal.json --yes
check "check with calibration" 0 'force: mean -?0.0[0-9]* N' -- "$holdfast" check --sensor nau7802 --bus emulated --calibration cal.json
check "calibration of another sensor" 1 'made for NAU7802 .* not ADS1115' -- "$holdfast" check --sensor ads1115 --bus emulated --calibration cal.json
check "missing bus" 1 '/dev/i2c-99: open failed: No such file' -- "$holdfast" check --sensor nau7802 --bus /dev/i2c-99
check "bad drdy" 64 'drdy gpiochip0: expected CHIP:OFFSET' -- "$holdfast" check --sensor nau7802 --drdy gpiochip0

# Recorded sessions.
mkdir -p sessions
cp t.session.jsonl sessions/
check "session list" 0 't.session.jsonl .* 4 holds  complete' -- "$holdfast" session list --dir sessions
check "session show" 0 'Per point' -- "$holdfast" session show t.session.jsonl
check "session export" 0 '^n,point,start_s' -- "$holdfast" session export --csv t.session.jsonl
# A live session in which the sensor went away for 1.3 s.
{ head -n 1 t.session.jsonl; echo '{"type":"gap","t_s":15.266,"missing_s":1.277}'; tail -n +2 t.session.jsonl; } > gap.jsonl
check "session show gaps" 0 'sensor was silent 1 time, longest 1.277 s before 15.3 s' -- "$holdfast" session show gap.jsonl
check "session show missing" 1 'nope.jsonl: cannot read: No such file' -- "$holdfast" session show nope.jsonl

# Input that must never crash, hang or mislead (issue 11). Each command runs under
# `timeout`: a hang shows as exit 124.
mkfifo fifo.jsonl out.jsonl.partial fifo-cal.json fifo.conf
mkdir -p listdir && cp t.session.jsonl listdir/ && mkfifo listdir/stuck.jsonl
check "session show on a FIFO" 1 'fifo.jsonl: cannot read: a FIFO \(named pipe\), not a regular file' -- timeout 10 "$holdfast" session show fifo.jsonl
check "session show on a device" 1 '/dev/zero: cannot read: a character device, not a regular file' -- timeout 10 "$holdfast" session show /dev/zero
check "session list skips a FIFO" 0 'stuck.jsonl  skipped: not a regular file' -- timeout 10 "$holdfast" session list --dir listdir
check "calibration FIFO" 1 'fifo-cal.json: cannot read: a FIFO' -- timeout 10 "$holdfast" check --sensor nau7802 --bus emulated --calibration fifo-cal.json
check "config FIFO" 1 'fifo.conf: open failed: a FIFO' -- timeout 10 "$holdfast" daemon --config fifo.conf
cp t.csv keep.csv
check "session over its own trace" 64 'will not write there: the input file itself' -- timeout 10 "$holdfast" replay keep.csv --session keep.csv
# A device node of our own (a copy of /dev/null's numbers): a regression must not be able to replace the real one.
if mknod nulldev c 1 3 2>/dev/null; then
  check "session over a device" 64 'session nulldev: will not write there: a character device' -- timeout 10 "$holdfast" replay keep.csv --session nulldev
  check "the device survives" 0 '' -- test -c nulldev
fi
check "session whose partial is a FIFO" 64 'out.jsonl.partial: a FIFO' -- timeout 10 "$holdfast" replay keep.csv --session out.jsonl
check "the trace survives" 0 '' -- cmp keep.csv t.csv
check "cutoff too high for the rate" 64 'cutoff 300.0 Hz is out of range for 500.0 Hz' -- "$holdfast" replay t.csv --cutoff-hz 300
check "fault beyond emulation" 64 'fault "nack@1e300\+1" is out of range' -- "$holdfast" replay t.csv --sensor nau7802 --faults 'nack@1e300+1'
check "check seconds" 64 'seconds 1e\+300: 0.1 to 3600' -- "$holdfast" check --sensor nau7802 --bus emulated --seconds 1e300
# A CRLF configuration with the shipped file's leading comment: every key counts, line numbers are right.
printf '# Holdfast\r\nbus = emulated\r\nemulate_trace = t.csv\r\nalarm_level = 7\r\nwibble = 3\r\n' > crlf.conf
check "CRLF configuration" 1 '^Error: crlf.conf:5: wibble: unknown key$' -- "$holdfast" daemon --config crlf.conf
printf 'bus = emulated\nemulate_trace = t.csv\nrate_hz = 123\n' > rate.conf
check "rate with file and line" 1 'rate.conf:3: rate_hz: 123 SPS is not one of the nau7802' -- "$holdfast" daemon --config rate.conf
check "bad daemon flag" 64 '^Error: --cutoff-hz 5000: ' -- "$holdfast" daemon --config rate.conf --cutoff-hz 5000
# Session files that once crashed or drove the terminal.
{ head -n 1 t.session.jsonl
  echo '{"type":"hold","n":1,"point":"=HYPERLINK(\"x\")\u001b[2J","start_s":-1,"end_s":2,"hold_s":3,"mean_n":-0.5,"peak_n":1,"mean_level":1,"peak_level":1,"target_s":0,"over_s":0}'
} > hostile.jsonl
check "show escapes labels" 0 '=HYPERLINK\("x"\)\\x1b\[2J' -- "$holdfast" session show hostile.jsonl
if "$holdfast" session show hostile.jsonl | grep -q $'\e'; then
  failed=$((failed + 1)); echo "FAIL session show printed a raw ESC"
else
  passed=$((passed + 1))
fi
check "export defuses formulas, keeps numbers" 0 '^1,"'"'"'=HYPERLINK\(""x""\)\\x1b\[2J",-1.000,2.000,3.000,-0.500,' -- "$holdfast" session export --csv hostile.jsonl
sed -E '0,/"hold_s":[0-9.]+/s//"hold_s":1e10/' t.session.jsonl > huge.jsonl
check "a hold of 1e10 s" 1 'huge.jsonl: line 2: hold: hold_s 10000000000.0 is out of range' -- timeout 10 "$holdfast" session show huge.jsonl
# Test, treat, retest: bad input named, a demo, and the course of care from replayed sessions.
printf 'time_s,force_n,event\n0,0.1,\n0.01,0.1,pain\n' > unknown-event.csv
printf 'time_s,force_n,event\n0,0.1,\n0.01,0.1,ppt\n0.02,0.1,\n' > lone-signal.csv
check "unknown event" 1 'unknown-event.csv:3: event "pain" is not known' -- "$holdfast" replay unknown-event.csv
check "a signal with no contact" 1 'lone-signal.csv: the ppt event at time_s 0.01[0-9]* comes with no contact' -- "$holdfast" replay lone-signal.csv --session lone.jsonl
# Two signals in one press (a ramp to 20 N and back, signalled at 2 s and 2.5 s).
awk 'BEGIN { print "time_s,force_n,event"; for (i = 0; i <= 600; i++) { t = i / 100; f = (t < 3) ? 7 * t : (t < 4 ? 21 - 21 * (t - 3) : 0.1)
  printf "%.2f,%.3f,%s\n", t, f, (i == 200 || i == 250) ? "ppt" : "" } }' > two-signals.csv
check "two signals in one press" 1 'a second ppt event at time_s 2.5[0-9]* in one contact' -- "$holdfast" replay two-signals.csv
awk -F, 'NR == 252 { $3 = "" } { print }' OFS=, two-signals.csv > one-signal.csv
check "one signal in a press: its threshold" 0 '^- +1[34]\.[0-9] \(1\)' -- "$holdfast" replay one-signal.csv
if [ -e lone.jsonl ]; then failed=$((failed + 1)); echo "FAIL a refused signal left lone.jsonl"; else passed=$((passed + 1)); fi
check "send an outcome out of range" 64 'outcome: pain 11.0 is out of range' -- "$holdfast" send outcome pain 11
check "send an unknown outcome" 64 'unknown outcome "mood"' -- "$holdfast" send outcome mood 3
check "send ppt takes nothing" 64 'ppt takes nothing after it' -- "$holdfast" send ppt now
check "demo retest" 0 'upper trapezius L +2[0-9.]+ \(3\) +[0-9.]+ \(3\)' -- bash -c "cd '$root' && '$holdfast' demo --replay --retest --work-dir '$work'"
mkdir -p care
for k in 1 2 3 4 5; do
  "$holdfast" simulate "$root/Simulator/clients/jd42/session-$k.scenario" --trace "jd42-$k.csv" >/dev/null
  "$holdfast" replay "jd42-$k.csv" --session "care/jd42-$k.jsonl" --quiet
done
check "report" 0 'Course of care: client jd42, 5 sessions' -- "$holdfast" report --client jd42 --sessions care --html care.html --csv care.csv
check "report flags" 0 'setback at session 3' -- "$holdfast" report --client jd42 --sessions care
check "report fits 80 columns" 0 '^80?$|^[0-7]?[0-9]$' -- bash -c "'$holdfast' report --client jd42 --sessions care | awk '{ if (length > m) m = length } END { print m }'"
check "report CSV" 0 '^record,session,date,point,holds' -- head -n 1 care.csv
check "report of nobody" 1 'no sessions of client zz9 in care' -- "$holdfast" report --client zz9 --sessions care

# holdfast sync is holdfast-sync: every argument passed on, its exit status kept; a missing one says how to install it.
printf '#!/bin/sh\necho "sync stand-in: $*"\nexit 3\n' > sync-stand-in && chmod +x sync-stand-in
check "sync passes everything on" 3 '^sync stand-in: --status --config a b\.conf$' -- env HOLDFAST_SYNC_EXECUTABLE="$work/sync-stand-in" "$holdfast" sync --status --config "a b.conf"
check "sync --help is holdfast-sync's" 3 '^sync stand-in: --help$' -- env HOLDFAST_SYNC_EXECUTABLE="$work/sync-stand-in" "$holdfast" sync --help
check "sync not installed" 1 'cannot run .*/missing-sync: No such file.*scripts/install --sync' -- env HOLDFAST_SYNC_EXECUTABLE="$work/missing-sync" "$holdfast" sync --status
check "report of a bad pseudonym" 64 'Error: ' -- "$holdfast" report --client '../x' --sessions care
check "report of a missing directory" 1 'nowhere: cannot list the session directory' -- "$holdfast" report --client jd42 --sessions nowhere

# A daemon whose listen backlog is full: send gives up after its 2 s instead of hanging.
python3 - "$work/full.sock" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(0)
held = []
for _ in range(8):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); c.setblocking(False)
    try: c.connect(sys.argv[1]); held.append(c)
    except OSError: break
open(sys.argv[1] + ".ready", "w").close()
time.sleep(15)
PY
stuck=$!
for _ in $(seq 50); do [ -e full.sock.ready ] && break; sleep 0.1; done
check "send to a daemon that does not accept" 2 'did not accept the connection within 2.0 s' -- timeout 10 "$holdfast" send --socket "$work/full.sock" status
kill "$stuck" 2>/dev/null; wait "$stuck" 2>/dev/null

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

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
check "bad calibration" 64 'calibration "3=1,2=2": point 2' -- "$holdfast" replay nan.csv --calibration "3=1,2=2"
check "bad thresholds" 64 'end force 6.0 N must be' -- "$holdfast" replay nan.csv --end-n 6
check "bad scenario" 1 'bad.scenario:1: unknown keyword' -- bash -c "echo 'wobble 3' > bad.scenario && '$holdfast' simulate bad.scenario --trace t.csv"
if [ -e s.jsonl ]; then failed=$((failed + 1)); echo "FAIL a failed replay left s.jsonl"; else passed=$((passed + 1)); fi

check "simulate" 0 'wrote t.csv and t.truth.jsonl' -- "$holdfast" simulate "$root/Simulator/scenarios/nimmo-series.scenario" --trace t.csv --truth t.truth.jsonl
check "replay" 0 '4 holds, 0 touches' -- "$holdfast" replay t.csv --session t.session.jsonl
check "session complete" 0 '"type":"summary"' -- tail -n 1 t.session.jsonl
check "replay with calibration" 0 'Replayed' -- "$holdfast" replay t.csv --calibration "5=1,50=10" --session u.jsonl
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

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

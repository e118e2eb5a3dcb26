#!/usr/bin/env bash
# aarch64, as a Raspberry Pi runs Holdfast, checked on this machine:
#   - the modules that import CLinux build for aarch64 in debug (the cross-build is where a
#     _GNU_SOURCE in a module header made clang reject fd_set: "__fds_bits … is not present
#     in definition of 'fd_set' in module 'CLinux'");
#   - the same trace gives the same bytes: the aarch64 `holdfast` (scripts/aarch64-build:
#     trixie's Swift 6.0, release, cross-built) runs under qemu-aarch64-static and must
#     reproduce, byte for byte, every golden session file in Simulator/golden from its
#     scenario's trace, the trace and ground truth `holdfast simulate` writes for each
#     scenario, and every sensor replay (each scenario whose imperfections are all in the
#     force, through each emulated chip and the real driver, as ScenarioSuiteTests does)
#     with its printed summary, as the native binary given (another compiler, x86-64)
#     writes them.
# Usage: Tests/aarch64/run-aarch64.sh NATIVE-HOLDFAST [AARCH64-HOLDFAST]
set -uo pipefail
native=$(realpath "${1:?usage: Tests/aarch64/run-aarch64.sh NATIVE-HOLDFAST [AARCH64-HOLDFAST]}")
cd "$(dirname "$0")/../.."
root=$PWD
scripts/ensure-packages aarch64 >&2 || exit 1
arm=${2:-$(scripts/aarch64-build)} || { echo "aarch64: the cross-build failed"; exit 1; }
sysroot=$(scripts/aarch64-sdk)/debian-trixie-aarch64.artifactbundle/debian-trixie-aarch64/sysroot
# The sysroot holds the arm64 dynamic loader, glibc, libi2c and libgpiod the binary loads.
aarch64() { qemu-aarch64-static -L "$sysroot" "$arm" "$@"; }
# ELF e_machine 0xb7: AArch64 (so a native binary passed by mistake cannot pass for it).
[ "$(od -An -tx1 -j18 -N2 "$arm" | tr -d ' ')" = b700 ] || { echo "aarch64: $arm is not an aarch64 executable"; exit 1; }

passed=0 failed=0
if scripts/aarch64-build --debug HoldfastLinux HoldfastTerminal HoldfastDaemon; then passed=$((passed + 1))
else failed=$((failed + 1)); echo "FAIL the modules that import CLinux do not build for aarch64 in debug"; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/native" "$work/arm"
# same WHAT FILE: the file the aarch64 binary wrote must equal the native one's (or the golden).
same() {
  if cmp -s "$2" "$3"; then passed=$((passed + 1))
  else failed=$((failed + 1)); echo "FAIL $1: $(cmp "$2" "$3" 2>&1 | head -n 1)"; fi
}

chips=$("$native" replay /dev/null --sensor '?' 2>&1 | sed -n 's/.*not one of //p' | tr -d ,)
[ -n "$chips" ] || { echo "aarch64: cannot tell the emulated chips from 'holdfast replay --sensor'"; exit 1; }
scenarios=0 replays=0
start=$SECONDS
for scenario in Simulator/scenarios/*.scenario; do
  name=$(basename "$scenario" .scenario)
  scenarios=$((scenarios + 1))
  # Replayed as ScenarioSuiteTests replays it: an un-zeroed logger's with --zero-tracking.
  flags=()
  grep -qE '^[[:space:]]*baseline[[:space:]]' "$scenario" && flags=(--zero-tracking)
  # Both binaries write into a directory of their own under the same file names, since
  # the session file records the trace's name.
  (cd "$work/native" && "$native" simulate "$root/$scenario" --trace "$name.csv" --truth "$name.truth.jsonl" >/dev/null) \
    || { failed=$((failed + 1)); echo "FAIL $name: native simulate"; continue; }
  (cd "$work/arm" && aarch64 simulate "$root/$scenario" --trace "$name.csv" --truth "$name.truth.jsonl" >/dev/null) \
    || { failed=$((failed + 1)); echo "FAIL $name: aarch64 simulate"; continue; }
  same "$name trace" "$work/arm/$name.csv" "$work/native/$name.csv"
  same "$name truth" "$work/arm/$name.truth.jsonl" "$work/native/$name.truth.jsonl"
  (cd "$work/arm" && aarch64 replay "$name.csv" "${flags[@]}" --session "$name.session.jsonl" --quiet) \
    || { failed=$((failed + 1)); echo "FAIL $name: aarch64 replay"; continue; }
  same "$name golden" "$work/arm/$name.session.jsonl" "Simulator/golden/$name.session.jsonl"

  # Spikes are sensor-side glitches; put into the force, an emulated chip would stretch them.
  grep -qE '^[[:space:]]*spikes[[:space:]]' "$scenario" && continue
  for chip in $chips; do
    replays=$((replays + 1))
    for side in native arm; do
      run=$native; [ "$side" = arm ] && run=aarch64
      (cd "$work/$side" && $run replay "$name.csv" "${flags[@]}" --sensor "$chip" --session "$name.$chip.jsonl" > "$name.$chip.txt") \
        || { failed=$((failed + 1)); echo "FAIL $name on $chip: $side replay"; }
    done
    same "$name on $chip" "$work/arm/$name.$chip.jsonl" "$work/native/$name.$chip.jsonl"
    same "$name on $chip, summary" "$work/arm/$name.$chip.txt" "$work/native/$name.$chip.txt"
  done
done
echo "aarch64: $scenarios scenarios (goldens, traces, truths) and $replays sensor replays under qemu-aarch64 in $((SECONDS - start)) s"
echo "aarch64: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The Debian package as an administrator meets it, in a fresh Debian trixie
# (scripts/package-deb runs this as root in a throw-away copy of the minbase
# chroot, with the checkout as the working directory): apt installs it and what
# it depends on; the binary runs with no Swift installed and replays a scenario
# to its golden session; the service user, groups, state directory, udev rules,
# man pages and docs are there; the unit is enabled, verifies, and would be
# skipped until a calibration exists; a changed configuration survives a
# reinstall; remove keeps the configuration; purge removes it (and the
# calibration) and keeps the session files.
# Usage: Tests/deb/install-check.sh HOLDFAST.deb
set -uo pipefail
deb=${1:?usage: Tests/deb/install-check.sh HOLDFAST.deb}
passed=0 failed=0
check() {  # check NAME COMMAND...: passes when COMMAND succeeds
  local name=$1 output
  shift
  if output=$("$@" 2>&1); then passed=$((passed + 1))
  else failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/    /' <<<"$output" | tail -n 15; fi
}
export DEBIAN_FRONTEND=noninteractive

check "apt installs the package and its dependencies" \
  bash -c "apt-get update -qq && apt-get install -y -qq '$deb' >/dev/null"
dpkg-query -W -f='${Status}' holdfast 2>/dev/null | grep -q 'install ok installed' \
  || { echo "deb: $passed passed, $((failed + 1)) failed"; exit 1; }

check "no Swift installed: the runtime is in the binary" bash -c '! dpkg -l | grep -qiE "^ii +(lib)?swift"'
check "holdfast runs" bash -c 'holdfast --help | grep -q "SUBCOMMANDS"'
work=$(mktemp -d)
check "the packaged binary replays a scenario to its golden session" bash -c "
  cd '$work' && holdfast simulate '$PWD/Simulator/scenarios/nimmo-series.scenario' --trace nimmo-series.csv >/dev/null &&
  holdfast replay nimmo-series.csv --session s.jsonl --quiet && cmp s.jsonl '$PWD/Simulator/golden/nimmo-series.session.jsonl'"

check "service user holdfast, without a login shell" bash -c 'getent passwd holdfast | grep -qE ":/usr/s?bin/nologin$"'
check "holdfast is in the i2c and gpio groups" bash -c 'id -nG holdfast | tr " " "\n" | grep -qx i2c && id -nG holdfast | tr " " "\n" | grep -qx gpio'
check "state directory /var/lib/holdfast/sessions, holdfast's, 0750" \
  bash -c '[ "$(stat -c "%U:%G %a" /var/lib/holdfast/sessions)" = "holdfast:holdfast 750" ]'
check "udev rules for i2c-dev and gpio" grep -q 'SUBSYSTEM=="i2c-dev"' /usr/lib/udev/rules.d/60-holdfast.rules
check "man pages" test -f /usr/share/man/man1/holdfast.1.gz -a -f /usr/share/man/man1/holdfast-replay.1.gz
check "the docs the unit names" test -f /usr/share/doc/holdfast/daemon.md -a -f /usr/share/doc/holdfast/protocol.md
check "the configuration is a conffile" bash -c "dpkg-query -W -f='\${Conffiles}' holdfast | grep -q '/etc/holdfast/holdfast.conf'"

unit=/usr/lib/systemd/system/holdfast.service
check "the unit runs the packaged binary" bash -c "grep -q '^ExecStart=/usr/bin/holdfast daemon' $unit && ! grep -v '^#' $unit | grep -q /usr/local"
check "the unit is enabled" bash -c '[ "$(systemctl is-enabled holdfast.service)" = enabled ]'
check "the unit verifies" systemd-analyze verify "$unit"
check "the unit waits for the calibration" grep -qx 'ConditionPathExists=/etc/holdfast/calibration.json' "$unit"

echo "# changed by the administrator" >> /etc/holdfast/holdfast.conf
check "a reinstall keeps the changed configuration" bash -c "
  apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confold '$deb' >/dev/null &&
  grep -q 'changed by the administrator' /etc/holdfast/holdfast.conf"

echo '{}' > /etc/holdfast/calibration.json
echo '{"type":"session"}' > /var/lib/holdfast/sessions/kept.jsonl
check "remove takes the binary and keeps the configuration" bash -c "
  apt-get remove -y -qq holdfast >/dev/null && [ ! -e /usr/bin/holdfast ] && [ -f /etc/holdfast/holdfast.conf ]"
check "purge takes the configuration and the calibration, keeps the sessions" bash -c "
  apt-get purge -y -qq holdfast >/dev/null && [ ! -e /etc/holdfast ] && [ -f /var/lib/holdfast/sessions/kept.jsonl ]"
rm -rf "$work"

echo "deb: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

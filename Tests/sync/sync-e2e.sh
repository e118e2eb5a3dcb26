#!/usr/bin/env bash
# End to end: three boards syncing at once into one throwaway PostgreSQL (TLS
# with a certificate made here, SCRAM passwords, loopback only), with real
# processes — live sessions written by the emulated daemon while they sync, the
# database stopped for 30 s and started again, kill -9 of a sync in the middle
# of a transaction, a refused record, a second run over the same files, the
# course export — checked by querying the database: every record of every file
# there exactly once. Then the benchmark (if given).
#   Tests/sync/sync-e2e.sh HOLDFAST HOLDFAST-SYNC [HOLDFAST-SYNC-BENCH]
# Prints "sync: N passed, M failed". Without PostgreSQL it fails: scripts/test-sync installs it,
# and decides whether its absence is a skip.
set -uo pipefail
holdfast=$(realpath "$1")
sync=$(realpath "$2")
bench=${3:+$(realpath "$3")}
root=$(cd "$(dirname "$0")/../.." && pwd)
down_s=${HOLDFAST_SYNC_DOWN_S:-30}

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ] || ! command -v openssl >/dev/null; then
  echo "sync: 0 passed, 1 failed (PostgreSQL's initdb or openssl is not installed: scripts/ensure-packages sync)"
  exit 1
fi

work=$(mktemp -d /tmp/holdfast-sync-e2e.XXXXXX)
chmod 755 "$work"
pids=()
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

# initdb and postgres refuse to run as root: the cluster belongs to postgres (or us).
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$work" postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  as_owner "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

port=$((20000 + $$ % 20000))
pg="$work/pg"
mkdir -p "$pg" "$work/run"
chown "$owner" "$pg" "$work/run"

# A certificate authority and the server's certificate for "localhost", as a clinic's would be.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Holdfast test CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$work/san.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
  -extfile "$work/san.ext" -out "$work/server.pem" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Someone else" \
  -keyout "$work/other.key" -out "$work/other-ca.pem" 2>/dev/null
chown "$owner" "$work/server.key" "$work/server.pem"
chmod 600 "$work/server.key"

as_owner "$pgbin/initdb" -D "$pg/data" -A trust -U postgres --no-sync >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log"; echo "sync: 0 passed, 1 failed (initdb)"; exit 1; }
cat >> "$pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$work/run'
ssl = on
ssl_cert_file = '$work/server.pem'
ssl_key_file = '$work/server.key'
password_encryption = 'scram-sha-256'
fsync = off
EOF
cat > "$pg/data/pg_hba.conf" <<EOF
local   all       postgres                  trust
hostssl holdfast  holdfast_sync  127.0.0.1/32  scram-sha-256
host    all       all            0.0.0.0/0     reject
EOF
start_db() { as_owner "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/log" -w start >/dev/null; }
stop_db() { as_owner "$pgbin/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null; }
start_db || { cat "$pg/log"; echo "sync: 0 passed, 1 failed (the cluster did not start)"; exit 1; }
psql=("$pgbin/psql" -h "$work/run" -p "$port" -U postgres -d holdfast -v ON_ERROR_STOP=1 -q)
"$pgbin/psql" -h "$work/run" -p "$port" -U postgres -d postgres -q -c "CREATE DATABASE holdfast" \
  -c "CREATE ROLE holdfast_sync LOGIN PASSWORD 'correct horse battery'" \
  -c "GRANT CONNECT, CREATE ON DATABASE holdfast TO holdfast_sync"
"${psql[@]}" -c "GRANT CREATE ON SCHEMA public TO holdfast_sync"
sql() { "${psql[@]}" -At -c "$1"; }

printf 'correct horse battery\n' > "$work/password"
chmod 600 "$work/password"

# Three boards: a replayed history (and a file with a record the database refuses), two rooms
# where the emulated daemon writes a live session for client jd42 while the sync runs.
"$holdfast" simulate "$root/Simulator/scenarios/demo-session.scenario" --trace "$work/demo.csv" >/dev/null
for b in 1 2 3; do
  dir="$work/board$b"
  mkdir -p "$dir"
  i=0
  for golden in "$root"/Simulator/golden/*.session.jsonl; do
    i=$((i + 1))
    for copy in $(seq $((b == 1 ? 20 : 2))); do
      cp "$golden" "$dir/202611$(printf %02d $((copy % 28 + 1)))T$(printf %02d $((i % 24)))$(printf %02d "$copy")00Z.jsonl"
    done
  done
  cat > "$work/sync$b.conf" <<EOF
board = room-$b
host = localhost
port = $port
database = holdfast
user = holdfast_sync
password_file = $work/password
tls = verify-full
tls_ca = $work/ca.pem
state_dir = $dir
interval_s = 0.2
batch_records = 50
retry_max_s = 2
status_file = $work/status$b.json
prometheus_file = $work/sync$b.prom
EOF
done
# A hold with a level of 42 (the database's check refuses it) and a line that is no record.
bad="$work/board1/20261201T090000Z-refused.jsonl"
head -n 2 "$root/Simulator/golden/nimmo-series.session.jsonl" > "$bad"
head -n 2 "$root/Simulator/golden/nimmo-series.session.jsonl" | tail -n 1 | sed 's/"mean_level":[0-9.]*/"mean_level":42.00/' >> "$bad"
echo 'this line is not JSON' >> "$bad"
tail -n +3 "$root/Simulator/golden/nimmo-series.session.jsonl" >> "$bad"

start_daemon() {  # board
  "$holdfast" daemon --bus emulated --emulate-trace "$work/demo.csv" --emulate-speed 8 --client jd42 \
    --socket "$work/run/d$1.sock" --state-dir "$work/board$1" --realtime-priority off 2>"$work/daemon$1.log" &
  pids+=($!)
  eval "daemon$1=$!"
}
start_sync() {  # board [extra flags]
  local b=$1; shift
  "$sync" --config "$work/sync$b.conf" "$@" >>"$work/sync$b.log" 2>&1 &
  pids+=($!)
  eval "sync$b=$!"
}
wait_for() {  # seconds, command...
  local deadline=$((SECONDS + $1)); shift
  while [ $SECONDS -lt $deadline ]; do "$@" && return 0; sleep 0.3; done
  return 1
}
check_all() { python3 "$root/Tests/sync/check-db.py" "${psql[*]}" room-1="$work/board1" room-2="$work/board2" room-3="$work/board3"; }
quiet_check() { check_all >/dev/null 2>&1; }

echo "== three boards at once (TLS verify-full, SCRAM), two with a live session being written"
start_daemon 2
start_daemon 3
for b in 1 2 3; do start_sync $b; done
if wait_for 60 quiet_check; then ok "three boards caught up, every record once"; else fail "three boards caught up"; check_all; fi
if [ "$(sql "SELECT count(*) FROM holdfast_schema")" = 1 ]; then ok "one schema version, migrated once by three syncs"; else fail "schema versions"; fi
auth=$(sql "SELECT rolpassword LIKE 'SCRAM-SHA-256%' FROM pg_authid WHERE rolname = 'holdfast_sync'")
tls=$(sql "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name LIKE 'holdfast-sync %' AND s.ssl")
if [ "$auth" = t ] && [ "$tls" = 3 ]; then ok "three TLS connections, SCRAM password"; else fail "TLS ($tls connections) or SCRAM ($auth)"; fi

echo "== a second sync of the same board is refused"
"$sync" --config "$work/sync1.conf" --once >"$work/second.log" 2>&1
if [ $? -ne 0 ] && grep -q "another holdfast-sync is syncing board room-1" "$work/second.log"; then ok "one sync per board"
else fail "one sync per board"; cat "$work/second.log"; fi

echo "== the database stopped for ${down_s} s and started again while the sessions are written"
sleep 1
stop_db
sleep "$down_s"  # an idle sync asks the database every 10 s, and writes its status at most every 10 s
if "$sync" --config "$work/sync1.conf" --status | grep -q "database DOWN"; then ok "status says the database is down"
else fail "status while down"; "$sync" --config "$work/sync1.conf" --status; fi
start_db
if wait_for 60 quiet_check; then ok "caught up after the restart, every record once"; else fail "after the database restart"; check_all; fi

echo "== kill -9 of a sync in the middle of a transaction"
kill "$sync1" 2>/dev/null; wait "$sync1" 2>/dev/null
for f in "$work"/board1/202611*.jsonl; do cp "$f" "${f%.jsonl}-more.jsonl"; done  # more to store
# Hold the cursors' table: the sync's transaction stores its records, then waits for the lock.
"${psql[@]}" -c "BEGIN; LOCK TABLE sync_cursors IN SHARE ROW EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 &
locker=$!
pids+=($locker)
sleep 0.5
start_sync 1
waiting() { [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'holdfast-sync room-1' AND wait_event_type = 'Lock' AND xact_start IS NOT NULL")" = 1 ]; }
if wait_for 20 waiting; then
  kill -9 "$sync1"
  wait "$sync1" 2>/dev/null
  ok "killed mid-transaction (records inserted, cursor not yet)"
else
  fail "the sync never reached the locked table"
fi
kill "$locker" 2>/dev/null
sql "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null
start_sync 1
if wait_for 60 quiet_check; then ok "resumed after kill -9, every record once"; else fail "after kill -9"; check_all; fi

echo "== the live sessions end (their summaries), and the refused record"
kill -TERM "$daemon2" "$daemon3"
wait "$daemon2" "$daemon3" 2>/dev/null
sleep 1
if wait_for 30 quiet_check; then ok "ended sessions stored to their summaries"; else fail "ended sessions"; check_all; fi
live=$(sql "SELECT count(DISTINCT board) FROM sessions WHERE client = 'jd42'")
if [ "$live" = 2 ]; then ok "client jd42: sessions in two rooms"; else fail "jd42 in $live rooms"; fi
ended=0
for f in "$work"/board*/*.jsonl; do tail -n 1 "$f" | grep -q '"type":"summary"' && ended=$((ended + 1)); done
complete=$(sql "SELECT count(*) FROM sessions WHERE complete AND summary IS NOT NULL")
if [ "$complete" = "$ended" ]; then ok "every file that ends in a summary is a complete session ($ended)"
else fail "complete sessions: $complete in the database, $ended files end in a summary"; fi
refused=$(sql "SELECT n || ':' || coalesce(sqlstate, '-') FROM sync_refused WHERE board = 'room-1' ORDER BY n" | tr '\n' ' ')
if [ "$refused" = "3:23514 4:- " ]; then ok "the level of 42 refused by the database's check, the non-record by the sync"
else fail "refused records: $refused"; fi
if grep -q "20261201T090000Z-refused.jsonl:3: refused, skipped" "$work/sync1.log"; then ok "the refusal is logged with file and line"
else fail "refusal logged"; fi

echo "== status and the Prometheus file"
for b in 1 2 3; do kill -TERM "$(eval echo \$sync$b)"; done
wait 2>/dev/null
"$sync" --config "$work/sync1.conf" --status > "$work/status.txt"
if grep -q "lag: 0 records, 0.0 s behind" "$work/status.txt" && grep -q "2 refused" "$work/status.txt"; then ok "--status: lag, counts"
else fail "--status"; cat "$work/status.txt"; fi
if grep -q '^holdfast_sync_lag_records{board="room-1"} 0$' "$work/sync1.prom" \
   && grep -q '^holdfast_sync_records_refused_total{board="room-1"} 2$' "$work/sync1.prom"; then ok "Prometheus textfile"
else fail "Prometheus textfile"; cat "$work/sync1.prom"; fi

echo "== a second run over the same files stores nothing new"
before=$(sql "SELECT count(*), max(synced_at) FROM records")
for b in 1 2 3; do "$sync" --config "$work/sync$b.conf" --once >>"$work/once.log" 2>&1 || fail "second run of room-$b"; done
after=$(sql "SELECT count(*), max(synced_at) FROM records")
if [ "$before" = "$after" ] && check_all >/dev/null; then ok "second run: no record written again"; else fail "second run: $before → $after"; fi
check_all | tail -n 1

echo "== the course of client jd42 from the database, as session files"
if "$sync" export --config "$work/sync1.conf" --client jd42 --to "$work/course" > "$work/export.txt" 2>&1; then
  same=0
  for f in "$work"/course/*/*.jsonl; do
    b=$(basename "$(dirname "$f")"); cmp -s "$f" "$work/board${b#room-}/$(basename "$f")" && same=$((same + 1))
  done
  if [ "$same" = 2 ]; then ok "export: both rooms' sessions, byte for byte"; else fail "export: $same of 2 identical"; cat "$work/export.txt"; fi
else
  fail "export"; cat "$work/export.txt"
fi

echo "== holdfast report across the clinic: room 2's files and the database, each session once"
# The same course from both rooms' files and from room 2's files with the database as room 2 (room 3's
# session from there; room 2's found in both places counted once).
"$holdfast" report --client jd42 --sessions "$work/board2" --sessions "$work/board3" --csv "$work/local.csv" \
  > "$work/report-local.txt" 2>&1 || fail "report from both rooms' files"
if "$holdfast" report --client jd42 --sessions "$work/board2" --database "$work/sync2.conf" --sync-executable "$sync" \
     --csv "$work/clinic.csv" > "$work/report-clinic.txt" 2>&1; then
  local_n=$(tail -n +2 "$work/local.csv" | cut -d, -f2 | sort -u | wc -l)
  clinic_n=$(tail -n +2 "$work/clinic.csv" | cut -d, -f2 | sort -u | wc -l)
  if [ "$local_n" -ge 2 ] && [ "$clinic_n" = "$local_n" ] \
     && diff <(cut -d, -f1,3- "$work/local.csv" | sort) <(cut -d, -f1,3- "$work/clinic.csv" | sort) >/dev/null; then
    ok "report --database: the same $clinic_n sessions, the same figures, as from both rooms' files"
  else
    fail "report --database: $clinic_n sessions, $local_n from the files"; diff "$work/local.csv" "$work/clinic.csv" | head
  fi
else
  fail "report --database"; cat "$work/report-clinic.txt"
fi
sed "s|port = .*|port = 1|" "$work/sync1.conf" > "$work/nowhere.conf"
if ! "$holdfast" report --client jd42 --sessions "$work/board2" --database "$work/nowhere.conf" --sync-executable "$sync" \
     > "$work/report-nowhere.txt" 2>&1 && grep -q "holdfast-sync export failed" "$work/report-nowhere.txt" \
     && grep -q "database unavailable" "$work/report-nowhere.txt"; then
  ok "report --database with the database out of reach: an error saying so, not a shorter course"
else fail "report with the database out of reach"; cat "$work/report-nowhere.txt"; fi

echo "== refusals: a wrong certificate authority, a password file others can read"
sed "s|tls_ca = .*|tls_ca = $work/other-ca.pem|" "$work/sync1.conf" > "$work/wrong-ca.conf"
sed -i "s|status_file = .*|status_file = $work/wrong.json|" "$work/wrong-ca.conf"
if ! "$sync" --config "$work/wrong-ca.conf" --once > "$work/wrong-ca.log" 2>&1 && grep -qi "certificate" "$work/wrong-ca.log"; then
  ok "a server certificate from another authority is refused"
else fail "wrong CA"; cat "$work/wrong-ca.log"; fi
chmod 644 "$work/password"
if ! "$sync" --config "$work/sync1.conf" --once > "$work/mode.log" 2>&1 && grep -q "mode 644 lets others read" "$work/mode.log"; then
  ok "a world-readable password file is refused"
else fail "password file mode"; cat "$work/mode.log"; fi
chmod 600 "$work/password"

if [ -n "$bench" ]; then
  echo "== benchmark"
  "$bench" --config "$work/sync1.conf" --sessions 1000 --seconds 10 || fail "benchmark"
fi

echo "sync: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

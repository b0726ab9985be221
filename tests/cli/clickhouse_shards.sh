#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# clickhouse_shards.sh - a fleet over two shards: two clickhouse-server
# processes on loopback (own ports, configs, data directories) in one
# cluster; ten hosts export to each shard, the Distributed tables of
# docs/SCHEMA.md ("Sharding") on the first; the reports through them equal
# the SQLite path's on the traces and the reports of a single node that got
# the same exports.  host01 has a second run, on the other shard: its rows
# are told apart (the recording columns, --by recording).  Skips (fatal under CI=true) only without
# clickhouse-server.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../chserver.sh"

S=$SYSREC
GT=$TOOLS/gentrace
ch_need clickhouse_shards || exit $((T_FAILED > 0))
t_tmpdir
t_cleanup_more() { ch_stop "$tmp/s1"; ch_stop "$tmp/s2"; ch_stop "$tmp/one"; }
D=$tmp
t1=$(ch_free_port)
t2=$(ch_free_port)
cluster="<sr_fleet>
  <shard><replica><host>127.0.0.1</host><port>$t1</port></replica></shard>
  <shard><replica><host>127.0.0.1</host><port>$t2</port></replica></shard>
</sr_fleet>"
CH_TCP_WANT=$t1 ch_start "$D/s1" "$cluster" || { fail shard1 "did not start"; exit 1; }
U1=$CH_URL
CH_TCP_WANT=$t2 ch_start "$D/s2" "$cluster" || { fail shard2 "did not start"; exit 1; }
U2=$CH_URL
unset CH_TCP_WANT
ch_start "$D/one" || { fail single "did not start"; exit 1; }
UO=$CH_URL

files=()
for i in $(seq -w 1 20); do
	"$GT" -o "$D/h$i.trc" -n $((3000 + 300 * 10#$i)) --seed "$i" --host "host$i" \
		--recording-id "rec$i" >/dev/null || fail gentrace "$i"
	files+=("$D/h$i.trc")
done
"$GT" -o "$D/h01b.trc" -n 4000 --seed 21 --host host01 --recording-id rec01b >/dev/null ||
	fail gentrace h01b
files+=("$D/h01b.trc")
# hosts 1-10 on shard 1, 11-20 and host01's second run on shard 2; the same
# two exports on one node
check "export to shard 1" "$S" export "${files[@]:0:10}" --clickhouse "$U1" --no-progress
check "export to shard 2" "$S" export "${files[@]:10:11}" --clickhouse "$U2" --no-progress
check "export to one node (1)" "$S" export "${files[@]:0:10}" --clickhouse "$UO" --no-progress
check "export to one node (2)" "$S" export "${files[@]:10:11}" --clickhouse "$UO" --no-progress

# the Distributed tables (docs/SCHEMA.md): each table's *_dist, sharded by rec_id
for t in $(curl -sS "$U1" --data-binary "SELECT name FROM system.tables WHERE database = 'default' AND engine = 'MergeTree'"); do
	curl -sS "$U1" --data-binary "CREATE TABLE default.${t}_dist AS default.$t ENGINE = Distributed(sr_fleet, default, $t, rec_id)" ||
		fail "distributed table $t"
done
expect_eq "events through the Distributed table: both shards'" \
	"$(curl -sS "$U1" --data-binary "SELECT count() FROM events_dist")" \
	"$(curl -sS "$UO" --data-binary "SELECT count() FROM events")"
expect_eq "shard 2 holds events" \
	"$(curl -sS "$U2" --data-binary "SELECT count() > 0 FROM events")" 1

for r in "" --top-io "--top-io --by file" "--top-io --by cgroup" --syscalls "--syscalls --hist" \
	 "--syscalls --by host" --slow "--slow --limit 40" "--slow --limit 40 --comm bash" --errors \
	 --procs --cpu "--cpu --by host" --mem --files --net \
	 --timeline "--timeline --interval 10ms --comm bash" "--top-io --by recording" \
	 "--syscalls --by recording" "--errors --by recording" "--cpu --by recording" \
	 "--files --by recording" "--timeline --by recording" "--timeline --interval 2500us" \
	 "--timeline --since 0.002 --until 0.0065" "--timeline --interval 3ms --by recording --since 0.001"; do
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$U1" $r --format csv >"$D/dist.csv" 2>"$D/dist.err"
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$UO" $r --format csv >"$D/one.csv" 2>/dev/null
	if grep -q "Distributed tables" "$D/dist.err" && cmp -s "$D/dist.csv" "$D/one.csv" &&
	   [ -s "$D/one.csv" ]; then
		ok "two shards = one node: ${r:-(overview)} ($(wc -l <"$D/one.csv") lines)"
	else
		fail "two shards = one node: ${r:-(overview)}" "$(head -3 "$D/dist.err"; diff "$D/one.csv" "$D/dist.csv" | head -4)"
	fi
done
# the filters through the Distributed tables (GLOBAL IN ships the processes chosen)
for f in "--comm bash" "--cgroup /system.slice" "--since 0.002 --until 0.006" "--pid 1000 --since 0.001"; do
	for r in "" "--top-io --by file" --syscalls "--syscalls --by host" --errors --procs --mem --files; do
		# shellcheck disable=SC2086
		"$S" analyze --clickhouse "$U1" $r $f --format csv >"$D/dist.csv" 2>/dev/null
		# shellcheck disable=SC2086
		"$S" analyze --clickhouse "$UO" $r $f --format csv >"$D/one.csv" 2>/dev/null
		if cmp -s "$D/dist.csv" "$D/one.csv" && [ -s "$D/one.csv" ]; then
			ok "two shards = one node: ${r:-(overview)} $f"
		else
			fail "two shards = one node: ${r:-(overview)} $f" "$(diff "$D/one.csv" "$D/dist.csv" | head -4)"
		fi
	done
done
for r in "" --top-io "--top-io --by file" --syscalls "--syscalls --by host" --errors --files \
	 --timeline --procs --slow "--top-io --by recording" "--syscalls --by recording" \
	 "--errors --by recording" "--timeline --interval 2500us" "--timeline --since 0.002 --until 0.0065" \
	 "--timeline --interval 3ms --by recording --since 0.001"; do
	# shellcheck disable=SC2086
	"$S" analyze "${files[@]}" $r --format csv --no-progress >"$D/sq.csv" 2>/dev/null
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$U1" $r --format csv >"$D/dist.csv" 2>/dev/null
	check "two shards = SQLite: ${r:-(overview)}" cmp -s "$D/sq.csv" "$D/dist.csv"
done

ch_stop "$D/s1"
ch_stop "$D/s2"
ch_stop "$D/one"
t_done

# SPDX-License-Identifier: GPL-2.0-only
# chserver.sh - sourced by the ClickHouse tests: start and stop
# clickhouse-server as a plain process on free loopback ports, with a
# temporary config and data directory (no systemd, nothing of /etc or /var).
#
#   ch_start DIR [REMOTE_SERVERS_XML]  sets CH_HTTP, CH_TCP (CH_TCP_WANT when
#                                     set), CH_PID, CH_URL
#   ch_stop DIR                         stops the server started in DIR
#   ch_one_server NAME                  a test's one server, in D/ch

# A loopback TCP port nothing listens on.
ch_free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ch_start() {
	local dir=$1 remote=${2:-} i
	mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" || return 1
	CH_HTTP=$(ch_free_port)
	CH_TCP=${CH_TCP_WANT:-$(ch_free_port)}
	local ish=$(ch_free_port)
	cat >"$dir/users.xml" <<-XML
	<?xml version="1.0"?>
	<yandex>
	  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
	  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
	    <profile>default</profile><quota>default</quota></default></users>
	  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
	    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
	</yandex>
	XML
	cat >"$dir/config.xml" <<-XML
	<?xml version="1.0"?>
	<yandex>
	  <logger><level>warning</level><log>$dir/server.log</log><errorlog>$dir/server.err.log</errorlog><console>0</console></logger>
	  <http_port>$CH_HTTP</http_port>
	  <tcp_port>$CH_TCP</tcp_port>
	  <interserver_http_port>$ish</interserver_http_port>
	  <listen_host>127.0.0.1</listen_host>
	  <path>$dir/data/</path>
	  <tmp_path>$dir/tmp/</tmp_path>
	  <user_files_path>$dir/user_files/</user_files_path>
	  <format_schema_path>$dir/format_schemas/</format_schema_path>
	  <users_config>$dir/users.xml</users_config>
	  <default_profile>default</default_profile>
	  <default_database>default</default_database>
	  <mark_cache_size>268435456</mark_cache_size>
	  <uncompressed_cache_size>268435456</uncompressed_cache_size>
	  <mlock_executable>false</mlock_executable>
	  <timezone>UTC</timezone>
	  <remote_servers>$remote</remote_servers>
	</yandex>
	XML
	clickhouse-server --config-file="$dir/config.xml" >"$dir/stdout.log" 2>&1 &
	CH_PID=$!
	echo "$CH_PID" >"$dir/pid"
	CH_URL=http://127.0.0.1:$CH_HTTP/
	for i in $(seq 1 300); do
		if curl -fsS --max-time 1 "$CH_URL?query=SELECT%201" >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$CH_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "clickhouse-server did not start; its log:" >&2
	tail -20 "$dir/server.err.log" "$dir/stdout.log" >&2 2>/dev/null
	return 1
}

ch_stop() {
	local dir=$1 pid i
	pid=$(cat "$dir/pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
}

# ch_need NAME: whether test NAME can run: a clickhouse-server, gentrace
# and a build with ClickHouse support; else says why (skip, fatal under
# CI=true; or fail) and returns 1.
ch_need() {
	if ! command -v clickhouse-server >/dev/null; then
		skip "$1" "no clickhouse-server (tests/deps.sh installs it)"
		return 1
	fi
	if [ ! -x "$TOOLS/gentrace" ]; then
		fail "$1" "no $TOOLS/gentrace (make tools)"
		return 1
	fi
	if "$SYSREC" export x --clickhouse http://127.0.0.1:1/ 2>&1 | grep -q "no ClickHouse support"; then
		skip "$1" "this build has no ClickHouse support (libcurl)"
		return 1
	fi
}

# ch_one_server NAME: how a test on one server begins: ch_need NAME (the
# test ends there when it cannot run), then a temporary directory D with a
# server started in D/ch that the test's end stops; q SQL asks it.
ch_one_server() {
	ch_need "$1" || exit $((T_FAILED > 0))
	t_tmpdir
	t_cleanup_more() { ch_stop "$tmp/ch"; }
	D=$tmp
	ch_start "$D/ch" || { fail clickhouse_start "clickhouse-server did not start"; exit 1; }
}
q() { curl -sS "$CH_URL" --data-binary "$1"; }

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# live_top.sh - sysrec top in a real terminal (Debian's tmux): the rates of a
# workload whose rates are known (1 MiB/s of pwrite64 in 64 calls a second),
# sorting and filtering by keys, recording with -o at the same time, and the
# terminal given back after q, Ctrl-C, SIGTERM, and when it closes (SIGHUP).
. "$(dirname "$0")/../lib.sh"
need_bpf live_top || exit 0
need_built live_top "$WORKLOADS/sr_live"
if ! command -v tmux >/dev/null; then skip live_top "no tmux (tests/deps.sh installs it)"; exit 0; fi
t_tmpdir
L=$WORKLOADS/sr_live
SOCK=$tmp/tmux.sock
tm() { tmux -S "$SOCK" "$@"; }
# on any exit: a stopped tmux server let go, and no sysrec left recording
t_cleanup_more() {
	[ -n "${tsrv:-}" ] && kill -CONT "$tsrv" 2>/dev/null
	tm kill-server 2>/dev/null
	[ -n "${spid:-}" ] && kill -TERM "$spid" 2>/dev/null
}
# a pane running a plain shell with a known prompt, 160x50
tm new-session -d -s t -x 160 -y 50 "env PS1='PROMPT\$ ' TERM=xterm bash --norc --noprofile"
sleep 0.5
pane() { tm capture-pane -p -t t; }
alt() { tm display -p -t t '#{alternate_on}'; }
# top_pid: the sysrec the pane's shell started, once it runs
top_pid() {
	local sh p
	sh=$(tm display -p -t t '#{pane_pid}')
	for _ in $(seq 50); do p=$(pgrep -P "$sh" -x sysrec) && { echo "$p"; return; }; sleep 0.1; done
}
# until the screen shows a line matching RE (up to 10 s)
wait_screen() { for _ in $(seq 100); do pane | grep -Eq "$1" && return 0; sleep 0.1; done; return 1; }
# prompt_back NAME: the pane left the alternate screen and the shell prompts again
prompt_back() {
	local n=$1
	for _ in $(seq 50); do [ "$(alt)" = 0 ] && prompt_last && break; sleep 0.1; done
	expect_eq "live_top: $n: the alternate screen left" "$(alt)" 0
	check "live_top: $n: the shell prompt back" prompt_last
}
# the pane's last line that is not empty is the prompt (capture-pane drops trailing blanks)
prompt_last() { [ "$(pane | grep -v '^$' | tail -1)" = 'PROMPT$' ]; }
# rows: the process lines on the screen (FILE)
rows() { grep -Ec '^ *[0-9]+ ' "$1"; }

# a process writing 1 MiB/s until killed
mkdir "$tmp/r"
"$L" rate 1048576 0 "$tmp/r" &
wpid=$!

# 1. the whole system, sorted by write, the workload's row
tm send-keys -t t "clear; $SYSREC top" Enter
wait_screen '^ +PID COMM' || fail "live_top: the screen" "no header: $(pane | head -3)"
spid=$(top_pid)
pane > "$tmp/k.txt"
check "live_top: the keys are shown" grep -q 's syscalls  r read  w write.*q quit' "$tmp/k.txt"
tm send-keys -t t w
sleep 3.5
pane > "$tmp/w.txt"
check "live_top: w sorts by write" grep -q 'sort: write' "$tmp/w.txt"
/usr/bin/python3 - "$tmp/w.txt" "$wpid" <<'EOF' || T_FAILED=$((T_FAILED + 1))
import re, sys
# the columns by place ("%7u %-15s %8s %8s %8s %7s %6s %7s"): a comm may hold a space
cols = ((0, 7), (8, 23), (24, 32), (33, 41), (42, 50), (51, 58), (59, 65), (66, 73))
rows = [[l[a:b].strip() for a, b in cols] for l in open(sys.argv[1]) if re.match(r"^ *\d+ ", l)]
unit = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}
def val(s):
    m = re.match(r"^([\d.]+)([KMG]?)$", s)
    return float(m.group(1)) * unit[m.group(2)]
row = next((r for r in rows if r[0] == sys.argv[2]), None)
ok = row is not None
w = val(row[4]) if ok else 0
sc = float(row[2]) if ok else 0
byw = [val(r[4]) for r in rows]
for name, cond, why in (
        ("the 1 MiB/s writer's row: WRITE/s %s" % (row[4] if ok else "-"),
         ok and abs(w - 1048576) <= 0.1 * 1048576, "row %s" % row),
        ("its 64 pwrite64 a second: SYSC/s %s" % (row[2] if ok else "-"),
         ok and abs(sc - 64) <= 6.4, "row %s" % row),
        ("rows sorted by write, largest first", byw == sorted(byw, reverse=True), "%s" % byw)):
    print(("ok" if cond else "not ok") + " live_top: " + name + ("" if cond else ": " + why))
    if not cond:
        sys.exit(1)
EOF
# filter by pid: only its row
tm send-keys -t t / "$wpid" Enter
sleep 1.5
pane > "$tmp/f.txt"
expect_eq "live_top: / PID Enter: only its row" "$(rows "$tmp/f.txt") $(grep -Ec "^ *$wpid " "$tmp/f.txt")" "1 1"
check "live_top: the filter shown" grep -q "filter: $wpid" "$tmp/f.txt"
# sort by pid, filter by comm
tm send-keys -t t / BSpace BSpace BSpace BSpace BSpace BSpace BSpace sr_liv Enter p
sleep 1.5
pane > "$tmp/c.txt"
check "live_top: p sorts by pid" grep -q 'sort: pid  filter: sr_liv' "$tmp/c.txt"
check "live_top: / COMM filters by comm" grep -Eq "^ *$wpid +sr_live " "$tmp/c.txt"
check "live_top: lost events shown" grep -Eq 'lost [0-9]+' "$tmp/c.txt"
tm send-keys -t t q
prompt_back q
for _ in $(seq 30); do [ -e "/proc/$spid" ] || break; sleep 0.1; done
check "live_top: q: sysrec exits" test ! -e "/proc/$spid"
tm send-keys -t t 'echo "status=$?"' Enter
wait_screen '^status=0$' && ok "live_top: q: exit status 0" || fail "live_top: q: exit status 0" "$(pane | grep status=)"

# 2. -p, on-CPU time: a shell loop that makes no syscall, its CPU% against
# the kernel's own count (/proc/PID/stat utime+stime, in clock ticks) over
# the same seconds; then Ctrl-C
sh -c 'while :; do :; done' &
bpid=$!
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tm send-keys -t t "clear; $SYSREC top -p $wpid,$bpid" Enter
wait_screen '^ +PID COMM' || fail "live_top: -p: the screen" "no header"
tm send-keys -t t c
sleep 2.2
pane > "$tmp/p.txt"
expect_eq "live_top: -p: the two processes' rows, no other" \
	"$(rows "$tmp/p.txt") $(grep -Ec "^ *($wpid|$bpid) " "$tmp/p.txt")" "2 2"
k0=$(ticks "$bpid")
cpu=0
for _ in 1 2 3 4; do
	sleep 1
	c=$(pane | awk -v p="$bpid" '$1 == p { print substr($0, 60, 6) + 0 }')
	cpu=$(echo "$cpu + ${c:-0}" | bc)
done
k1=$(ticks "$bpid")
/usr/bin/python3 -c '
import os, sys
shown, ticks = float(sys.argv[1]) / 4, int(sys.argv[2]) * 100 / os.sysconf("SC_CLK_TCK") / 4
ok = abs(shown - ticks) <= 10
print(("ok" if ok else "not ok") + " live_top: on-CPU %% of a busy loop: %.1f shown, %.1f by /proc" % (shown, ticks))
sys.exit(not ok)' "$cpu" "$((k1 - k0))" || T_FAILED=$((T_FAILED + 1))
kill "$bpid"
tm send-keys -t t C-c
prompt_back Ctrl-C

# 3. recording with -o at the same time; a terminal that takes nothing; SIGTERM
# (the whole system: a screen full of rows, whose redraws fill the terminal)
tm send-keys -t t "clear; $SYSREC top -o $tmp/top.trc -e file" Enter
wait_screen '^recording to ' || fail "live_top: -o: the screen says it records" "$(pane | head -3)"
spid=$(top_pid)
sleep 1
# a terminal that takes nothing: the tmux server stopped, the screen redrawn
# whole (SIGWINCH) until its thread blocks writing to the terminal; the poll
# loop goes on recording meanwhile
tsrv=$(tm display -p '#{pid}')
screen_tid=$(grep -lx sysrec-screen /proc/"$spid"/task/*/comm | cut -d/ -f5)
kill -STOP "$tsrv"
# blocked: the screen's thread asleep inside write(2) or writev(2) (x86-64's
# 1 and 20), whatever the kernel names the place it waits in (wchan)
blocked() {
	local st sc
	st=$(awk '/^State:/ { print $2 }' "/proc/$spid/task/$screen_tid/status" 2>/dev/null)
	sc=$(cut -d' ' -f1 "/proc/$spid/task/$screen_tid/syscall" 2>/dev/null)
	[ "$st" = S ] || [ "$st" = D ] || return 1
	[ "$sc" = 1 ] || [ "$sc" = 20 ]
}
for _ in $(seq 80); do blocked && break; kill -WINCH "$spid"; sleep 0.25; done
blocked || echo "# the screen's thread: $(grep ^State: "/proc/$spid/task/$screen_tid/status")," \
	"syscall $(cat "/proc/$spid/task/$screen_tid/syscall"), wchan $(cat "/proc/$spid/task/$screen_tid/wchan")"
pw() { "$SYSREC" dump --type pwrite64 --pid "$wpid" "$tmp/top.trc" 2>/dev/null | grep -c ' ret=16384 '; }
n0=$(pw)
sleep 2.5
n1=$(pw)
check "live_top: a terminal that takes nothing: the screen's thread waits on it" blocked
check "live_top: ... while the recording goes on: $((n1 - n0)) pwrite64 into the file in 2.5 s" \
	test "$((n1 - n0))" -ge 120
# SIGTERM while the terminal still takes nothing: the file is finished all the same
kill -TERM "$spid"
for _ in $(seq 80); do [ "$(info_field "$tmp/top.trc" integrity.complete)" = True ] && break; sleep 0.1; done
expect_eq "live_top: SIGTERM, the terminal stuck: the trace is complete" \
	"$(info_field "$tmp/top.trc" integrity.complete)" True
kill -CONT "$tsrv"
prompt_back "SIGTERM, the terminal back"
for _ in $(seq 30); do [ -e "/proc/$spid" ] || break; sleep 0.1; done
check "live_top: SIGTERM: sysrec exits" test ! -e "/proc/$spid"
check "live_top: SIGTERM with -o: the workload's pwrite64 calls recorded" \
	test "$("$SYSREC" dump --type pwrite64 --pid "$wpid" "$tmp/top.trc" | grep -c ' ret=16384 ')" -ge 64

# 4. the terminal closes: SIGHUP; sysrec ends, its file complete
tm send-keys -t t "clear; $SYSREC top -o $tmp/hup.trc -e file -p $wpid" Enter
wait_screen '^recording to ' || fail "live_top: SIGHUP: the screen" "no header"
spid=$(top_pid)
sleep 1
tm kill-server
for _ in $(seq 50); do [ -e "/proc/$spid" ] || break; sleep 0.1; done
check "live_top: the terminal closed: sysrec exits" test ! -e "/proc/$spid"
expect_eq "live_top: the terminal closed: the trace is complete" \
	"$(info_field "$tmp/hup.trc" integrity.complete)" True

# 5. bad input
must_fail "live_top: top without a terminal" "$SYSREC" top
must_fail "live_top: top with --print" "$SYSREC" top --print
TERM=nosuchterm script -qec "$SYSREC top" /dev/null > "$tmp/term.out" 2>&1
expect_eq "live_top: an unknown TERM: status 1" "$?" 1
check "live_top: an unknown TERM: one line" grep -q 'top: cannot use the terminal (TERM=nosuchterm)' "$tmp/term.out"
kill "$wpid"
wait "$wpid" 2>/dev/null
t_done

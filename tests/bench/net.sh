# SPDX-License-Identifier: GPL-2.0-only
# net.sh - the net benchmark of tests/bench/run.sh (sourced by it, using its
# helpers): sr_net echo, a loopback TCP echo of 64 bytes, timed untraced,
# under sysrec --attach-only and under sysrec record, alternating, medians.

# net_run TOOL ROUND: one timed echo loop; leaves $SCRATCH/nt.TOOL.ROUND
# with wall_ns= events= lost= bytes=, or failed=WHY
net_run() {
	local tool=$1 r=$2 res=$SCRATCH/nt.$1.$2 out=$SCRATCH/nt.bl err=$SCRATCH/nt.err rc=0 ev lost bytes
	local counts="- - -" work=("$BL" "$SCRATCH/nt.bl" -- "$OUT/workloads/sr_net" echo "$NET_N")

	rm -f "$out" "$err" "$SCRATCH/nt.trc"
	case $tool in
	untraced) "${work[@]}" 2>"$err" || rc=$? ;;
	attach) "$SYSREC" record -f --attach-only -o "$SCRATCH/nt.trc" -- "${work[@]}" 2>"$err" || rc=$? ;;
	sysrec) "$SYSREC" record -f -o "$SCRATCH/nt.trc" -- "${work[@]}" 2>"$err" || rc=$? ;;
	esac
	[ "$tool" = sysrec ] && counts="$(summary_events "$err") $(summary_lost "$err") $(fsize "$SCRATCH/nt.trc")"
	read -r ev lost bytes <<<"$counts"
	if [ $rc -ne 0 ] || [ ! -s "$out" ]; then
		echo "failed=status_$rc:$(head -c 200 "$err" | tr -s ' \n' '_')" >"$res"
		return 1
	fi
	echo "wall_ns=$(kv "$out" wall_ns) events=${ev:--} lost=${lost:--} bytes=${bytes:--}" >"$res"
}

bench_net() {
	local tools=(untraced attach sysrec) r k n i t base
	echo
	echo "== net: sr_net echo $NET_N (64 bytes to a child and back over loopback TCP)"
	need_root || return 0
	[ -x "$OUT/workloads/sr_net" ] || die "$OUT/workloads/sr_net missing: run 'make OUTPUT=$OUTPUT tools'"
	note "$NET_ROUNDS rounds, tools alternating (order rotated each round); wall: the workload from its start to its exit"
	"$BL" "$SCRATCH/nt.bl" -- "$OUT/workloads/sr_net" echo 1000 >/dev/null 2>&1	# warm-up
	n=${#tools[@]}
	for r in $(seq 1 "$NET_ROUNDS"); do
		for k in $(seq 0 $((n - 1))); do
			i=$(( (k + r - 1) % n ))
			net_run "${tools[$i]}" "$r" ||
				note "round $r: ${tools[$i]} failed: $(kv "$SCRATCH/nt.${tools[$i]}.$r" failed)"
		done
		printf '# round %d/%d done\n' "$r" "$NET_ROUNDS" >&2
	done
	ntm() { for r in $(seq 1 "$NET_ROUNDS"); do kv "$SCRATCH/nt.$1.$r" "$2"; done | grep -E '^[0-9.]+$' | median; }
	base=$(ntm untraced wall_ns)
	echo
	printf '%-22s %8s %10s %9s %10s %8s %11s\n' tool "wall s" "x untraced" "added s" events lost "out bytes"
	for t in "${tools[@]}"; do
		awk -v t="$t" -v w="$(ntm "$t" wall_ns)" -v e="$(ntm "$t" events)" -v l="$(ntm "$t" lost)" \
			-v b="$(ntm "$t" bytes)" -v base="$base" '
		function num(x) { return x ~ /^[0-9.e+]+$/ }
		BEGIN {
			if (!num(w)) { printf "%-22s %8s\n", t, "failed"; exit }
			printf "%-22s %8.3f %10s %9s %10s %8s %11s\n", t, w / 1e9,
				num(base) ? sprintf("%.2f", w / base) : "-", num(base) ? sprintf("%.3f", (w - base) / 1e9) : "-",
				num(e) ? sprintf("%d", e) : "-", num(l) ? sprintf("%d", l) : "-", num(b) ? sprintf("%d", b) : "-"
		}'
	done
	note "events: sysrec's records (a sendto and a recvfrom per round trip and side, the cpu class's switches)"
	unset -f ntm
}


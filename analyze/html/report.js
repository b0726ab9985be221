// SPDX-License-Identifier: GPL-2.0-only
// report.js - the script of sysrec report's page (embedded by the build).
// It reads the reports from the JSON element #sr-data, exactly as
// `sysrec analyze --format json` prints them, and builds the sections:
// sortable tables, and charts drawn by uPlot.  It computes no figure of its
// own but the stacking of the I/O chart and the "other" band (the total
// less the processes shown).  Each chart notes in its element what it drew
// (data-points, data-series, data-drawn, data-ink: the pixels of each
// series' colour), and the body whether the page is done and how many
// errors it met (data-done, data-errors), for the browser test.
"use strict";

(function () {
	var errors = [];

	function recordError(msg) {
		errors.push(String(msg));
		document.body.dataset.errors = String(errors.length);
		var el = document.getElementById("sr-errors");
		if (el)
			el.textContent = errors.join("\n");
	}
	window.addEventListener("error", function (e) { recordError(e.message); });
	var consoleError = console.error;
	console.error = function () {
		recordError(Array.prototype.join.call(arguments, " "));
		consoleError.apply(console, arguments);
	};

	// --- values as people read them ---
	function fmtBytes(v) {
		if (v === null || v === undefined)
			return "-";
		var u = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"], i = 0, x = v;
		while (Math.abs(x) >= 1024 && i < u.length - 1) {
			x /= 1024;
			i++;
		}
		return i ? x.toFixed(1) + " " + u[i] : v + " B";
	}
	function fmtDur(ns) {
		if (ns === null || ns === undefined)
			return "-";
		if (ns < 1000)
			return ns + "ns";
		if (ns < 1e6)
			return (ns / 1e3).toFixed(1) + "us";
		if (ns < 1e9)
			return (ns / 1e6).toFixed(2) + "ms";
		return (ns / 1e9).toFixed(3) + "s";
	}
	function fmtSec(s) {
		return s === null || s === undefined ? "-" : typeof s === "number" ? s.toFixed(6) : s;
	}
	// a column's kind from its name, as analyze's result sets guess it
	function kindOf(key) {
		if (/_bytes$/.test(key))
			return "bytes";
		if (/_ns$/.test(key))
			return "dur";
		if (key === "time" || key === "start" || key === "end")
			return "sec";
		return "";
	}
	function fmt(kind, v) {
		if (v === null || v === undefined)
			return "-";
		if (kind === "bytes")
			return fmtBytes(v);
		if (kind === "dur")
			return fmtDur(v);
		if (kind === "sec")
			return fmtSec(v);
		return String(v);
	}

	function el(tag, attrs, text) {
		var e = document.createElement(tag);
		for (var k in attrs || {})
			e.setAttribute(k, attrs[k]);
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	// --- sortable tables ---
	function cmpVals(a, b) {
		if (a === b)
			return 0;
		if (a === null || a === undefined)
			return 1;
		if (b === null || b === undefined)
			return -1;
		if (typeof a === "number" && typeof b === "number")
			return a - b;
		return String(a).localeCompare(String(b));
	}

	// cols: [{key, title, kind, get(row), cls}]; rows: the report's rows
	function table(id, cols, rows) {
		var t = el("table", { id: id, "class": "sortable" });
		var head = el("tr"), body = el("tbody");
		var items = rows.map(function (r, i) {
			return { vals: cols.map(function (c) { return c.get ? c.get(r) : r[c.key]; }),
				 row: r, order: i };
		});
		cols.forEach(function (c, ci) {
			var th = el("th", { scope: "col", title: "sort by " + c.title }, c.title);
			th.addEventListener("click", function () {
				var desc = th.getAttribute("aria-sort") === "ascending";
				Array.prototype.forEach.call(head.children, function (h) {
					h.removeAttribute("aria-sort");
				});
				th.setAttribute("aria-sort", desc ? "descending" : "ascending");
				items.sort(function (x, y) {
					var d = cmpVals(x.vals[ci], y.vals[ci]);
					if (d === 0)
						d = x.order - y.order;
					else if (desc && x.vals[ci] !== null && y.vals[ci] !== null)
						d = -d;
					return d;
				});
				fill();
			});
			head.appendChild(th);
		});
		function fill() {
			body.textContent = "";
			items.forEach(function (it) {
				var tr = el("tr");
				cols.forEach(function (c, ci) {
					var v = it.vals[ci];
					var kind = c.kind === undefined ? kindOf(c.key) : c.kind;
					var td = el("td", {}, c.show ? c.show(v) : fmt(kind, v));
					var cls = c.cls || (typeof v === "number" ? "num" : "");
					if (cls)
						td.className = cls;
					if (c.indent)
						td.style.paddingLeft = c.indent(it.row) + "em";
					if (typeof v === "number" && kind)
						td.title = String(v);
					tr.appendChild(td);
				});
				body.appendChild(tr);
			});
		}
		fill();
		var thead = el("thead");
		thead.appendChild(head);
		t.appendChild(thead);
		t.appendChild(body);
		var box = el("div", { "class": "scroll" });
		box.appendChild(t);
		return box;
	}

	function col(key, title, extra) {
		var c = { key: key, title: title || key.replace(/_ns$/, "").replace(/_/g, " ") };
		for (var k in extra || {})
			c[k] = extra[k];
		return c;
	}

	function section(title, id) {
		var s = el("section", { id: id });
		s.appendChild(el("h2", {}, title));
		main.appendChild(s);
		return s;
	}

	function moreNote(s, part, what) {
		if (part.more)
			s.appendChild(el("p", { "class": "note" }, "The first " + part.rows.length + " " +
					 what + " (sysrec report --limit sets how many)."));
	}

	// --- charts ---
	var palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
		       "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#2ca02c",
		       "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
		       "#17becf", "#aec7e8", "#ffbb78"];
	var other = "#8a8f98";

	function hexRgb(h) {
		var n = parseInt(h.slice(1), 16);
		return [(n >> 16) & 255, (n >> 8) & 255, n & 255].join(",");
	}

	// after each draw: how many pixels of each series' own colour the canvas holds
	function noteInk(u, box, colors) {
		var cv = u.ctx.canvas, img;
		var want = {}, ink = [];
		colors.forEach(function (c, i) {
			want[hexRgb(c)] = i;
			ink.push(0);
		});
		img = u.ctx.getImageData(0, 0, cv.width, cv.height).data;
		for (var p = 0; p < img.length; p += 4) {
			if (img[p + 3] !== 255)
				continue;
			var k = want[img[p] + "," + img[p + 1] + "," + img[p + 2]];
			if (k !== undefined)
				ink[k]++;
		}
		box.dataset.drawn = String((+box.dataset.drawn || 0) + 1);
		box.dataset.ink = ink.join(",");
	}

	function barSeries(label, color, show) {
		return { label: label, _color: color, fill: color, stroke: color, width: 0,
			 paths: uPlot.paths.bars({ size: [0.8, 80] }), points: { show: false },
			 value: function (u, v, si, i) { return show(si, i); } };
	}

	// seconds with as many decimals as the ticks' step needs
	function secTicks(u, splits, ai, space, incr) {
		var d = Math.min(9, Math.max(0, -Math.floor(Math.log10(incr || 1) + 1e-9)));
		return splits.map(function (v) { return v.toFixed(d); });
	}

	// a y axis from 0, whatever the values
	function zeroUp(u, lo, hi) {
		return [0, hi > 0 ? hi * 1.05 : 1];
	}

	var charts = 0;
	function chart(parent, cls, title, opts, data, npoints, nseries) {
		var box = el("div", { "class": "chart " + cls, id: "chart-" + (++charts) });
		box.appendChild(el("h3", {}, title));
		box.dataset.points = String(npoints);
		box.dataset.series = String(nseries);
		parent.appendChild(box);
		var colors = opts.series.slice(1).map(function (s) { return s._color; });
		// the markers are drawn over the bars: count the ink before them
		opts.hooks = { draw: [function (u) { noteInk(u, box, colors); }].concat(opts.drawHooks || []) };
		delete opts.drawHooks;
		new uPlot(opts, data, box);
		return box;
	}

	// --- the sections ---
	var D = JSON.parse(document.getElementById("sr-data").textContent);
	var main = document.getElementById("report");
	var cpu = D.cpu_class === 1;

	function summary() {
		var s = section("Summary", "summary");
		var o = D.overview.rows[0] || {};
		var cards = el("div", { "class": "cards", id: "summary-cards" });
		[["duration", fmtDur(o.duration_ns)], ["events", o.events], ["lost events", o.lost_events],
		 ["processes", o.processes], ["read", fmtBytes(o.read_bytes)],
		 ["written", fmtBytes(o.write_bytes)], ["recordings", o.recordings],
		 ["trace files", o.traces]].forEach(function (c) {
			var d = el("div", { "class": "card" });
			d.appendChild(el("b", {}, c[1] === undefined ? "-" : String(c[1])));
			d.appendChild(el("span", {}, c[0]));
			cards.appendChild(d);
		});
		s.appendChild(cards);
		s.appendChild(el("pre", { id: "sr-errors" }));
	}

	// bytes read or written per bucket, stacked: the top processes and the rest
	function ioChart(parent, key, title) {
		var rows = D.timeline.rows;
		var x = rows.map(function (r) { return r.time; });
		var at = {};
		x.forEach(function (t, i) { at[t.toFixed(6)] = i; });
		var bands = D.proc_timelines.map(function (p) {
			var v = x.map(function () { return 0; });
			p.timeline.rows.forEach(function (r) {
				var i = at[r.time.toFixed(6)];
				if (i !== undefined)
					v[i] = r[key];
			});
			return { label: p.comm + " " + p.pid, v: v };
		});
		var rest = rows.map(function (r, i) {
			return bands.reduce(function (a, b) { return a - b.v[i]; }, r[key]);
		});
		if (rest.some(function (v) { return v > 0; }) || !bands.length)
			bands.push({ label: "other", v: rest, other: true });
		// uPlot draws series in order: the whole stack first, its lowest band last
		var cum = [], sum = x.map(function () { return 0; });
		bands.forEach(function (b) {
			sum = sum.map(function (s, i) { return s + b.v[i]; });
			cum.push(sum);
		});
		var series = [{ label: "time (s)", value: function (u, v) { return fmtSec(v); } }];
		var data = [x];
		for (var j = bands.length - 1; j >= 0; j--) {
			(function (b, j) {
				series.push(barSeries(b.label, b.other ? other : palette[j % palette.length],
					function (si, i) { return i === null ? "" : fmtBytes(b.v[i]); }));
			})(bands[j], j);
			data.push(cum[j]);
		}
		var iv = x.length > 1 ? x[1] - x[0] : 0.01;
		var w = Math.min(1100, Math.max(600, main.clientWidth || 1000));
		return chart(parent, "io", title, {
			width: w, height: 260,
			scales: { x: { time: false, range: [x[0] - iv / 2, x[x.length - 1] + iv / 2] },
				  y: { range: zeroUp } },
			axes: [{ label: "seconds from the start", values: secTicks },
			       { size: 70, values: function (u, sp) { return sp.map(fmtBytes); } }],
			series: series
		}, data, x.length, bands.length);
	}

	function io() {
		var s = section("I/O over time", "io");
		s.appendChild(el("p", { "class": "note" }, "Bytes per " +
			(D.timeline.rows.length > 1 ?
			 fmtDur(Math.round((D.timeline.rows[1].time - D.timeline.rows[0].time) * 1e9)) :
			 "bucket") + ", stacked by process: the " + D.proc_timelines.length +
			" busiest (sysrec analyze --timeline --pid PID), then the rest."));
		if (!D.timeline.rows.length) {
			s.appendChild(el("p", { "class": "note" }, "No events in the recording."));
			return;
		}
		ioChart(s, "read_bytes", "Bytes read");
		ioChart(s, "write_bytes", "Bytes written");
	}

	function topTables() {
		var s = section("Top processes by bytes", "top-procs");
		var c = [col("pid"), col("comm"), col("reads"), col("read_bytes", "read"),
			 col("writes"), col("write_bytes", "written")];
		s.appendChild(table("t-top-procs", c, D.top_procs.rows));
		moreNote(s, D.top_procs, "processes");
		s = section("Top files by bytes", "top-files");
		c = [col("path", "path", { cls: "wrap" }), col("reads"), col("read_bytes", "read"),
		     col("writes"), col("write_bytes", "written")];
		s.appendChild(table("t-top-files", c, D.top_files.rows));
		moreNote(s, D.top_files, "files");
	}

	function syscalls() {
		var s = section("Syscalls", "syscalls");
		var c = [col("syscall"), col("calls"), col("errors"), col("total_ns"), col("mean_ns"),
			 col("p50_ns", "p50"), col("p99_ns", "p99"), col("max_ns")];
		if (cpu)
			c.push(col("on_cpu_ns"), col("off_cpu_ns"), col("runq_ns"));
		s.appendChild(table("t-syscalls", c, D.syscalls.rows));
		s.appendChild(el("h3", {}, "Latency histograms: calls per power-of-two bucket of" +
			" duration, labelled by its lower end (sysrec analyze --syscalls --hist);" +
			" dashed lines: the buckets of p50 (black) and p99 (red)"));
		var grid = el("div", { "class": "charts", id: "hists" });
		s.appendChild(grid);
		var by = {}, order = [], stats = {};
		D.syscalls.rows.forEach(function (r) { stats[r.syscall] = r; });
		D.hist.rows.forEach(function (r) {
			if (!by[r.syscall]) {
				by[r.syscall] = [];
				order.push(r.syscall);
			}
			by[r.syscall].push(r);
		});
		order.forEach(function (name) { histChart(grid, name, by[name], stats[name] || {}); });
	}

	function histChart(parent, name, rows, st) {
		var x = rows.map(function (r, i) { return i; });
		var y = rows.map(function (r) { return r.count; });
		var label = function (i) {
			var r = rows[i];
			return r ? fmtDur(r.bucket_lo_ns) : "";
		};
		// the bucket holding a percentile, for its line
		var at = function (p) {
			for (var i = 0; i < rows.length; i++)
				if (p >= rows[i].bucket_lo_ns && p <= rows[i].bucket_hi_ns)
					return i;
			return -1;
		};
		var marks = [[st.p50_ns, "#1d2330"], [st.p99_ns, "#b3261e"]];
		var title = name + ": " + (st.calls || 0) + " calls, p50 " + fmtDur(st.p50_ns) +
			", p99 " + fmtDur(st.p99_ns);
		var box = chart(parent, "hist", title, {
			width: 420, height: 190, legend: { show: false },
			scales: { x: { time: false, range: [-0.5, rows.length - 0.5] },
				  y: { range: zeroUp } },
			axes: [{ splits: function () { return x; }, size: 40,
				 values: function (u, sp) {
					 var step = Math.ceil(sp.length / 5);
					 return sp.map(function (v, i) { return i % step ? "" : label(v); });
				 } },
			       { size: 50 }],
			series: [{ label: "bucket" }, barSeries("calls", palette[0], function (si, i) {
				return i === null ? "" : String(y[i]); })],
			drawHooks: [function (u) {
				var ctx = u.ctx;
				marks.forEach(function (m) {
					var k = m[0] === undefined || m[0] === null ? -1 : at(m[0]);
					if (k < 0)
						return;
					var px = u.valToPos(k, "x", true);
					ctx.save();
					ctx.strokeStyle = m[1];
					ctx.setLineDash([4, 3]);
					ctx.lineWidth = 2;
					ctx.beginPath();
					ctx.moveTo(px, u.bbox.top);
					ctx.lineTo(px, u.bbox.top + u.bbox.height);
					ctx.stroke();
					ctx.restore();
				});
			}]
		}, [x, y], rows.length, 1);
		box.dataset.syscall = name;
	}

	function procs() {
		var s = section("Processes", "procs");
		var c = [col("process", "process", { get: function (r) { return r.comm; },
			show: function (v) { return v === null ? "-" : v; },
			indent: function (r) { return 0.6 + 1.2 * (r.depth || 0); } }),
			 col("pid"), col("ppid"), col("start"), col("duration_ns")];
		if (cpu)
			c.push(col("on_cpu_ns"));
		c.push(col("exit", "exit", { kind: "", get: function (r) {
			if (r.exit_status === null || r.exit_status === undefined)
				return null;
			return r.exit_signal ? "sig " + r.exit_signal : r.exit_status;
		} }), col("threads"), col("cmdline", "command line", { cls: "wrap" }));
		var t = table("t-procs", c, D.procs.rows);
		s.appendChild(el("p", { "class": "note" }, "The process tree in start order: a child" +
			" below its parent, indented by its depth (a click on a column sorts; reload" +
			" for the tree)."));
		s.appendChild(t);
		moreNote(s, D.procs, "processes");
		if (!cpu)
			return;
		s = section("CPU by process", "cpu");
		c = [col("pid"), col("comm"), col("on_cpu_ns"), col("runq_ns", "run queue"),
		     col("off_cpu_ns"), col("blocked_ns"), col("vol_switches", "voluntary switches"),
		     col("invol_switches", "involuntary switches"), col("runq_p99_ns", "run queue p99"),
		     col("threads")];
		s.appendChild(table("t-cpu", c, D.cpu.rows));
		moreNote(s, D.cpu, "processes");
	}

	function slow() {
		var s = section("Slowest calls", "slow");
		var c = [col("time"), col("pid"), col("tid"), col("comm"), col("syscall"), col("dur_ns", "duration")];
		if (cpu)
			c.push(col("on_cpu_ns"), col("off_cpu_ns"), col("runq_ns", "run queue"));
		c.push(col("result", "result", { kind: "", get: function (r) {
			return r.error !== null && r.error !== undefined ? r.error : r.ret; } }),
		       col("fd"), col("path", "path", { cls: "wrap" }));
		s.appendChild(table("t-slow", c, D.slow.rows));
		moreNote(s, D.slow, "calls");
	}

	function errs() {
		var s = section("Errors by syscall and errno", "errors");
		if (!D.errors.rows.length) {
			s.appendChild(el("p", { "class": "note", id: "no-errors" }, "No call failed."));
			return;
		}
		var c = [col("syscall"), col("error", "error", { cls: "err" }), col("errno"),
			 col("path", "path", { cls: "wrap" }), col("failures"), col("processes")];
		s.appendChild(table("t-errors", c, D.errors.rows));
		moreNote(s, D.errors, "rows");
	}

	try {
		summary();
		io();
		topTables();
		syscalls();
		procs();
		slow();
		errs();
	} catch (e) {
		recordError(e && e.stack ? e.stack : e);
	}
	document.body.dataset.errors = String(errors.length);
	document.body.dataset.charts = String(charts);
	document.body.dataset.done = "1";
})();

// SPDX-License-Identifier: GPL-2.0-only
// report_browser.js - opens a page of sysrec report in headless Chromium
// through the DevTools protocol and writes what it saw as JSON, for the
// tests (tests/cli/report.sh, tests/bpf/report_record.sh):
//
//   node --experimental-websocket report_browser.js PAGE.html OUT.json [SHOT.png]
//
// OUT.json holds every request the page made (requests: URLs, the page's
// own file:// URL included), every console message of level warning or
// error, uncaught exception and browser log entry of those levels
// (problems), the lines of chromium's log about the page (chromium_log),
// and from the DOM once the page's script is done (dom): the
// body's data-done, data-errors and data-charts; each chart's element with
// its data-points, data-series, data-drawn, data-ink and data-syscall; the
// rows of each table as their cells' text and the data-v values; and the
// order of a table after clicks on a header (sorted).  SHOT.png: a
// screenshot of the whole page, 1280 pixels wide.
//
// Chromium runs with a profile of its own in a temporary directory, no
// sandbox when root (it refuses to start otherwise), and --enable-logging
// on its stderr, which goes to OUT.json's chromium_log.  It runs in a
// process group of its own, killed whole at the end: its zygote and
// renderers outlive a browser process killed alone, and kept writing into
// the profile while it was removed (an uncaught ENOTEMPTY that failed a
// run whose page was fine).
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const [page, outPath, shotPath] = process.argv.slice(2);
if (!page || !outPath) {
	console.error("usage: report_browser.js PAGE.html OUT.json [SHOT.png]");
	process.exit(2);
}
const url = "file://" + path.resolve(page);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "sr-chromium."));
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const args = ["--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
	      "--disable-extensions", "--disable-background-networking", "--disable-sync",
	      "--disable-crash-reporter", "--disable-breakpad",
	      "--enable-logging=stderr", "--v=0", "--remote-debugging-port=0",
	      "--user-data-dir=" + profile, "--window-size=1280,900", "about:blank"];
if (process.getuid && process.getuid() === 0)
	args.unshift("--no-sandbox");

let log = "";
const proc = spawn(chromium, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
// generous: the machines that run the tests may be busy
const timer = setTimeout(() => finish("timed out after 180 s"), 180000);

// the profile is removed once chromium, which writes into it, has gone; one
// that cannot be is said, and does not change the verdict on the page
function finish(err) {
	clearTimeout(timer);
	const done = () => {
		try {
			fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10,
					     retryDelay: 200 });
		} catch (e) {
			console.error("report_browser: " + profile + " left behind: " + e.message);
		}
		if (err)
			console.error("report_browser: " + err);
		process.exit(err ? 1 : 0);
	};
	try {
		process.kill(-proc.pid, "SIGKILL");	/* the group: every process of chromium */
	} catch (e) {
		/* gone already */
	}
	if (proc.exitCode !== null || proc.signalCode !== null)
		return done();
	proc.on("exit", done);
}

const wsUrl = new Promise((resolve, reject) => {
	proc.stderr.on("data", (d) => {
		log += d.toString();
		const m = log.match(/DevTools listening on (ws:\/\/\S+)/);
		if (m)
			resolve(m[1]);
	});
	proc.once("exit", (code) => reject(new Error("chromium exited with status " + code +
						     ": " + log.slice(-500))));
	proc.on("error", reject);
});

// one DevTools session over a WebSocket: send() returns the result
function session(ws) {
	let id = 0;
	const waiting = new Map(), handlers = [];
	ws.addEventListener("message", (ev) => {
		const m = JSON.parse(ev.data);
		if (m.id && waiting.has(m.id)) {
			const { resolve, reject } = waiting.get(m.id);
			waiting.delete(m.id);
			if (m.error)
				reject(new Error(m.error.message));
			else
				resolve(m.result);
		} else if (m.method) {
			handlers.forEach((h) => h(m));
		}
	});
	return {
		send(method, params, sessionId) {
			const msg = { id: ++id, method, params: params || {} };
			if (sessionId)
				msg.sessionId = sessionId;
			ws.send(JSON.stringify(msg));
			return new Promise((resolve, reject) => waiting.set(msg.id, { resolve, reject }));
		},
		on(h) { handlers.push(h); },
	};
}

// what the test reads from the DOM once the page's script is done
const collect = `(() => {
	const b = document.body.dataset;
	const charts = Array.from(document.querySelectorAll("div.chart")).map((c) => ({
		id: c.id, cls: c.className, title: c.querySelector("h3").textContent,
		points: +c.dataset.points, series: +c.dataset.series, drawn: +(c.dataset.drawn || 0),
		ink: (c.dataset.ink || "").split(",").filter((s) => s !== "").map(Number),
		syscall: c.dataset.syscall || null,
		canvas: c.querySelectorAll("canvas").length }));
	const tables = {};
	document.querySelectorAll("table[id]").forEach((t) => {
		tables[t.id] = { head: Array.from(t.querySelectorAll("thead th")).map((h) => h.textContent),
			rows: Array.from(t.querySelectorAll("tbody tr")).map((r) =>
				Array.from(r.children).map((td) => td.textContent)) };
	});
	const cards = Array.from(document.querySelectorAll("#summary-cards .card")).map((c) =>
		[c.querySelector("span").textContent, c.querySelector("b").textContent]);
	return JSON.stringify({ done: b.done || null, errors: +(b.errors || 0), ncharts: +(b.charts || 0),
		charts, tables, cards, title: document.title,
		coverage: document.getElementById("coverage").textContent,
		errorText: (document.getElementById("sr-errors") || {}).textContent || "",
		licence: (document.getElementById("licence") || {}).textContent || "" });
})()`;

// a click on a header of table @id, then its rows' cells of column @col
const clickSort = (id, col) => `(() => {
	const t = document.getElementById(${JSON.stringify(id)});
	if (!t) return null;
	t.querySelectorAll("thead th")[${col}].click();
	return JSON.stringify(Array.from(t.querySelectorAll("tbody tr")).map((r) =>
		r.children[${col}].textContent));
})()`;

async function main() {
	const ws = new WebSocket(await wsUrl);
	await new Promise((resolve, reject) => {
		ws.addEventListener("open", resolve);
		ws.addEventListener("error", () => reject(new Error("cannot connect to chromium")));
	});
	const s = session(ws);
	const out = { url, requests: [], problems: [] };
	const { targetId } = await s.send("Target.createTarget", { url: "about:blank" });
	const { sessionId } = await s.send("Target.attachToTarget", { targetId, flatten: true });
	let loaded;
	const load = new Promise((r) => { loaded = r; });
	s.on((m) => {
		if (m.sessionId !== sessionId)
			return;
		const p = m.params;
		if (m.method === "Network.requestWillBeSent")
			out.requests.push(p.request.url);
		else if (m.method === "Runtime.consoleAPICalled" &&
			 (p.type === "error" || p.type === "warning" || p.type === "assert"))
			out.problems.push("console." + p.type + ": " +
				p.args.map((a) => a.value !== undefined ? a.value : a.description).join(" "));
		else if (m.method === "Runtime.exceptionThrown")
			out.problems.push("exception: " + (p.exceptionDetails.exception ?
				p.exceptionDetails.exception.description : p.exceptionDetails.text));
		else if (m.method === "Log.entryAdded" &&
			 (p.entry.level === "error" || p.entry.level === "warning"))
			out.problems.push("log." + p.entry.level + ": " + p.entry.text);
		else if (m.method === "Page.loadEventFired")
			loaded();
	});
	for (const d of ["Network.enable", "Runtime.enable", "Log.enable", "Page.enable"])
		await s.send(d, {}, sessionId);
	await s.send("Page.navigate", { url }, sessionId);
	await load;
	const ev = async (expr) => (await s.send("Runtime.evaluate",
		{ expression: expr, returnByValue: true }, sessionId)).result.value;
	for (let i = 0; i < 100 && !(await ev("document.body && document.body.dataset.done")); i++)
		await new Promise((r) => setTimeout(r, 100));
	// uPlot draws on the next animation frame: wait until each chart has
	for (let i = 0; i < 100 && await ev(`Array.from(document.querySelectorAll("div.chart"))
			.some((c) => !c.dataset.drawn)`); i++)
		await new Promise((r) => setTimeout(r, 100));
	out.dom = JSON.parse(await ev(collect));
	// the page as it opens, before the clicks below sort its tables
	if (shotPath) {
		const h = await ev("document.documentElement.scrollHeight");
		await s.send("Emulation.setDeviceMetricsOverride",
			{ width: 1280, height: Math.min(h, 16000), deviceScaleFactor: 1, mobile: false },
			sessionId);
		await new Promise((r) => setTimeout(r, 300));
		const shot = await s.send("Page.captureScreenshot", { format: "png" }, sessionId);
		fs.writeFileSync(shotPath, Buffer.from(shot.data, "base64"));
	}
	out.sorted = {
		syscalls_calls_asc: JSON.parse(await ev(clickSort("t-syscalls", 1)) || "null"),
		syscalls_calls_desc: JSON.parse(await ev(clickSort("t-syscalls", 1)) || "null"),
		procs_pid_asc: JSON.parse(await ev(clickSort("t-procs", 1)) || "null"),
	};
	// what its log says of the page (its console, an uncaught error, a request
	// refused); its complaints about the machine (no D-Bus, no GPU, a frame's
	// latency) are not the page's
	out.chromium_log = log.split("\n").filter((l) =>
		/CONSOLE|Uncaught|Refused to|file:\/\/|:FATAL:/.test(l));
	fs.writeFileSync(outPath, JSON.stringify(out, null, 1) + "\n");
	ws.close();
}

main().then(() => finish(), (e) => finish(e.message || String(e)));

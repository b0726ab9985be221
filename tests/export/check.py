#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""check.py - reads a sysrec export back and checks it against sysrec dump.

  check.py --dump DUMP.ndjson --text DUMP.txt --top-io TOPIO.json
           (--pftrace OUT.pftrace --pb2 DIR | --chrome-json OUT.json)
           [--sched] [--interval NS] [--pid PID,...] [--window LO HI]

DUMP.ndjson is `sysrec dump --json` of the same trace(s), DUMP.txt plain
`sysrec dump` (the path behind each descriptor, fd=3</etc/passwd>, in the
same order), TOPIO.json `sysrec analyze --top-io --format json --limit 0`
(bytes read and written per process, the importer's sums).  --pb2 is where
protoc --python_out put perfetto_subset_pb2.py.  Exact: every syscall a
slice on its thread with its name, start, end and arguments; exec, fork,
thread and exit instants; fork flows; ppids; I/O counters summing to
analyze's bytes; the mapped-bytes counter; lost ranges; with --sched the
Running slices of each thread and each CPU against the switch records.
--pid and --window (absolute ns, LO included, HI not) are the filters the
export was given: DUMP stays the whole trace (its descriptors' paths and
parents come from records outside the window) and the checker filters it.
Prints one line of figures; exits 1 with the first difference.
"""
import argparse
import collections
import json
import re
import sys

FD_PATH = re.compile(r' fd=(-?\d+)<((?:[^>\\]|\\.)*)>')


def fail(msg):
    print('export check: ' + msg, file=sys.stderr)
    sys.exit(1)


def failed(ret):
    return -4095 <= ret < 0


def expected_args(r, fdpath):
    """The arguments export gives syscall record r (a dump --json object)."""
    t, a = r['type'], {}
    if t == 'open':
        a['path'] = r['path'] or r['name']
        a['flags'] = r['flags']
    elif t == 'rw':
        a['fd'] = r['fd']
        if fdpath is not None:
            a['path'] = fdpath
        if not failed(r['ret']):
            a['bytes'] = r['ret']
        a['count'] = r['count']
    elif t in ('close', 'dup'):
        a['fd'] = r['fd']
        if fdpath is not None:
            a['path'] = fdpath
    elif t == 'mmap':
        a['len'] = r['len']
        a['prot'] = r['prot']
        if r['fd'] >= 0:
            a['fd'] = r['fd']
            if fdpath is not None:
                a['path'] = fdpath
    elif t == 'munmap':
        a['len'] = r['len']
    elif t == 'brk':
        a['req'] = r['req']
    elif t == 'exec':
        a['path'] = r['path'] or r['filename']
    elif t == 'fork':
        if not failed(r['ret']):
            a['child_pid'] = r['child_pid']
    if failed(r['ret']):
        a['errno'] = r.get('errno') or -r['ret']
    else:
        a['ret'] = r['ret']
    for k in ('on_cpu_ns', 'off_cpu_ns', 'runq_ns'):
        if r.get(k) is not None:
            a[k] = r[k]
    # the sinks keep what is not empty; dump prints "" for a missing path
    return {k: v for k, v in a.items() if v != ''}


TEXT_ESC = {'n': b'\n', 't': b'\t', 'r': b'\r'}


def unescape(s):
    """A string as plain dump escapes it (sr_esc_text: \\n \\t \\r \\xNN, \\ before others)."""
    out = bytearray()
    for lit, esc in re.findall(r'([^\\]*)(\\x[0-9a-fA-F]{2}|\\.|$)', s):
        out += lit.encode()
        if esc.startswith('\\x'):
            out.append(int(esc[2:], 16))
        elif esc:
            out += TEXT_ESC.get(esc[1], esc[1].encode())
    return out.decode('utf-8', 'surrogateescape')


def read_dump(args):
    recs = [json.loads(l) for l in open(args.dump)]
    text = [l for l in open(args.text)]
    if len(recs) != len(text):
        fail('dump --json has %d lines, dump %d' % (len(recs), len(text)))
    for r, line in zip(recs, text):
        m = FD_PATH.search(line)
        r['_fdpath'] = unescape(m.group(2)) if m else None
    return recs


def expected(recs, want_pid, in_win):
    e = {'slices': collections.defaultdict(list), 'inst': collections.Counter(),
         'ppid': {}, 'lost': [], 'mapped': collections.defaultdict(int),
         'gone': set(), 'flows': 0}
    for r in recs:
        if r['type'] == 'proc':
            e['ppid'].setdefault(r['pid'], r['ppid'])
        if r['type'] == 'fork' and not failed(r['ret']) and not r['clone_flags'] & 0x10000:
            e['ppid'][r['child_pid']] = r['pid']
        if not in_win(r['ts_ns']):
            continue
        if r['type'] == 'lost':
            e['lost'].append((r['cpu'], r['ts_ns'], r['count']))
        ok = 'ret' in r and not failed(r['ret'])
        if r['type'] == 'fork' and ok and r['child_tid']:
            thread = r['clone_flags'] & 0x10000
            cpid = r['pid'] if thread else r['child_pid']
            if want_pid(cpid):
                e['inst'][('start', cpid, r['child_tid'])] += 1
                e['flows'] += want_pid(r['pid'])
        if not want_pid(r['pid']):
            continue
        if 'ts_start_ns' in r:
            e['slices'][(r['pid'], r['tid'])].append(
                (r['ts_start_ns'], r['ts_ns'], r['syscall'], expected_args(r, r['_fdpath'])))
            if r['type'] == 'exec' and ok:
                e['inst'][('exec', r['pid'], r['tid'])] += 1
            if r['type'] == 'fork' and ok and r['child_tid']:
                thread = r['clone_flags'] & 0x10000
                e['inst'][('thread' if thread else 'fork', r['pid'], r['tid'])] += 1
            if r['type'] in ('mmap', 'munmap') and ok:
                e['mapped'][r['pid']] += r['len'] if r['type'] == 'mmap' else -r['len']
        elif r['type'] == 'exit':
            e['inst'][('exit', r['pid'], r['tid'])] += 1
            if r.get('group_dead'):
                e['gone'].add(r['pid'])
    return e


def expected_running(recs):
    """Running intervals per (pid, tid) and per CPU, from the switch records.

    Only of the processes the recorder followed, which export gives states:
    those of a proc record, a syscall or exit record, a fork's child and a
    wakeup's wakee, from that record on; a switch record also names the
    other thread, followed or not.  A thread switched in twice, or
    whose CPU switched from another (a switch out missed: an exiting
    thread's last is not recorded when the next thread is not followed
    either), ran until that switch."""
    followed = set()
    on = {}
    oncpu = {}
    run = collections.defaultdict(list)
    cpus = collections.defaultdict(list)

    def stop(tid, ts):
        start, cpu, pid = on.pop(tid)
        if ts > start:
            run[(pid, tid)].append((start, ts, cpu))
            cpus[cpu].append((start, ts, pid, tid))
    for r in recs:
        t = r['type']
        if t == 'proc' or 'ts_start_ns' in r or t == 'exit':
            followed.add(r['pid'])
        if t == 'fork' and 'ret' in r and not failed(r['ret']):
            followed.add(r['pid'] if r['clone_flags'] & 0x10000 else r['child_pid'])
        if t == 'wakeup':
            followed.add(r['wakee_pid'])
        if t != 'switch':
            continue
        cur = oncpu.pop(r['cpu'], None)
        if cur is not None and cur != r['tid'] and cur in on and on[cur][1] == r['cpu']:
            stop(cur, r['ts_ns'])
        if r['tid'] in on and r['pid'] in followed:
            stop(r['tid'], r['ts_ns'])
        if r['next_tid'] and r['next_pid'] in followed:
            if r['next_tid'] in on:
                stop(r['next_tid'], r['ts_ns'])
            on[r['next_tid']] = (r['ts_ns'], r['cpu'], r['next_pid'])
            oncpu[r['cpu']] = r['next_tid']
    end = max(r['ts_ns'] for r in recs)
    for tid in list(on):
        stop(tid, end)
    return run, cpus


# --- reading the exports into one shape ---

def empty_timeline():
    return {'slices': collections.defaultdict(list), 'inst': [], 'ppid': {},
            'counters': collections.defaultdict(list), 'states': collections.defaultdict(list),
            'cpus': collections.defaultdict(list), 'lost': [], 'threads': {}}


def read_pftrace(path, pb2dir):
    sys.path.insert(0, pb2dir)
    import perfetto_subset_pb2 as pb
    trace = pb.Trace()
    trace.ParseFromString(open(path, 'rb').read())
    tl = empty_timeline()
    tracks = {}
    pending = {}
    names = {'cat': {}, 'name': {}, 'ann': {}, 'str': {}}
    clears = 0
    TE = pb.TrackEvent

    def name_of(kind, msg, iid_field, str_field):
        if msg.HasField(iid_field):
            iid = getattr(msg, iid_field)
            if iid not in names[kind]:
                fail('%s iid %d used before it is defined' % (kind, iid))
            return names[kind][iid]
        return getattr(msg, str_field)
    for i, p in enumerate(trace.packet):
        if p.trusted_packet_sequence_id != 1:
            fail('packet %d is not on sequence 1' % i)
        if i == 0 and not p.sequence_flags & 1:
            fail('the first packet does not clear the incremental state')
        if p.sequence_flags & 1:
            # cleared (the export's tables were full): every iid is forgotten
            clears += i > 0
            for kind in names:
                names[kind].clear()
        if p.HasField('track_event') and not p.sequence_flags & 2 and \
                p.track_event.type != pb.TrackEvent.TYPE_SLICE_END:
            # an END names no interned string: it alone may do without
            fail('packet %d: a TrackEvent without SEQ_NEEDS_INCREMENTAL_STATE' % i)
        if p.HasField('track_event') and p.track_event.type == pb.TrackEvent.TYPE_SLICE_END and \
                (p.track_event.HasField('name_iid') or p.track_event.debug_annotations):
            fail('packet %d: an END with a name or arguments' % i)
        for kind, lst in (('cat', p.interned_data.event_categories),
                          ('name', p.interned_data.event_names),
                          ('ann', p.interned_data.debug_annotation_names),
                          ('str', p.interned_data.debug_annotation_string_values)):
            for e in lst:
                if e.iid in names[kind]:
                    fail('%s iid %d defined twice' % (kind, e.iid))
                if e.iid != len(names[kind]) + 1:
                    fail('%s iid %d out of order' % (kind, e.iid))
                names[kind][e.iid] = e.str.decode() if kind == 'str' else e.name
        if p.HasField('track_descriptor'):
            d = p.track_descriptor
            if d.HasField('process'):
                tracks[d.uuid] = ('process', d.process.pid, 0, d.process.process_name)
            elif d.HasField('thread'):
                tracks[d.uuid] = ('thread', d.thread.pid, d.thread.tid, d.thread.thread_name)
                tl['threads'][(d.thread.pid, d.thread.tid)] = d.thread.thread_name
            elif d.HasField('counter'):
                par = tracks[d.parent_uuid]
                if d.counter.unit != pb.CounterDescriptor.UNIT_SIZE_BYTES:
                    fail('counter %s is not in bytes' % d.name)
                tracks[d.uuid] = ('counter', par[1], 0, d.name)
            elif d.name == 'state':
                par = tracks[d.parent_uuid]
                tracks[d.uuid] = ('state', par[1], par[2], d.name)
            elif d.name.startswith('CPU '):
                tracks[d.uuid] = ('cpu', int(d.name.split()[1]), 0, d.name)
            elif d.name.startswith('Lost events, CPU '):
                tracks[d.uuid] = ('lost', int(d.name.split()[3]), 0, d.name)
            else:
                fail('unknown track %s' % d.name)
        if p.HasField('process_tree'):
            for pr in p.process_tree.processes:
                tl['ppid'][pr.pid] = pr.ppid
        if not p.HasField('track_event'):
            continue
        ev = p.track_event
        kind, a, b, _ = tracks[ev.track_uuid]
        args = {}
        for d in ev.debug_annotations:
            if d.HasField('string_value_iid'):
                val = name_of('str', d, 'string_value_iid', None)
            elif d.HasField('string_value'):
                val = d.string_value
            else:
                val = d.int_value
            args[name_of('ann', d, 'name_iid', 'name')] = val
        evname = name_of('name', ev, 'name_iid', 'name')
        cats = [names['cat'][c] for c in ev.category_iids] + list(ev.categories)
        if ev.type in (TE.TYPE_SLICE_BEGIN, TE.TYPE_INSTANT) and len(cats) != 1:
            fail('packet %d: categories %r' % (i, cats))
        if ev.type == TE.TYPE_SLICE_BEGIN:
            if ev.track_uuid in pending:
                fail('slice %s begins inside another on one track' % evname)
            if (kind == 'thread') != (cats == ['syscall']):
                fail('slice %s on a %s track has category %r' % (evname, kind, cats))
            pending[ev.track_uuid] = (p.timestamp, evname, args)
        elif ev.type == TE.TYPE_SLICE_END:
            start, name, args = pending.pop(ev.track_uuid)
            end = p.timestamp
            if kind == 'thread':
                tl['slices'][(a, b)].append((start, end, name, args))
            elif kind == 'state':
                tl['states'][(a, b)].append((start, end, name, args.get('cpu')))
            elif kind == 'cpu':
                tl['cpus'][a].append((start, end, args['pid'], args['tid']))
            elif kind == 'lost':
                tl['lost'].append((a, end, args['count']))
        elif ev.type == TE.TYPE_INSTANT:
            tl['inst'].append((evname, a, b, p.timestamp, list(ev.flow_ids),
                               list(ev.terminating_flow_ids)))
        elif ev.type == TE.TYPE_COUNTER:
            tl['counters'][(a, tracks[ev.track_uuid][3])].append((p.timestamp, ev.counter_value))
    if pending:
        fail('%d slices never end' % len(pending))
    return tl, len(trace.packet)


def ns(us):
    return int(round(us * 1000))


def read_chrome(path):
    events = json.load(open(path))
    tl = empty_timeline()
    for ev in events:
        ph, pid, tid = ev['ph'], ev['pid'], ev['tid']
        if ph == 'M':
            if ev['name'] == 'thread_name' and tid < 0x40000000 and pid < 0x7ffe0000:
                tl['threads'][(pid, tid)] = ev['args']['name']
            if ev['name'] == 'process_name' and 'ppid' in ev['args']:
                tl['ppid'][pid] = ev['args']['ppid']
            continue
        if ph == 'X':
            start = ns(ev['ts'])
            end = start + ns(ev['dur'])
            if pid >= 0x7fff0000:
                tl['cpus'][tid].append((start, end, ev['args']['pid'], ev['args']['tid']))
            elif pid >= 0x7ffe0000:
                tl['lost'].append((tid, end, ev['args']['count']))
            elif tid & 0x40000000:
                tl['states'][(pid, tid & ~0x40000000)].append(
                    (start, end, ev['name'], ev['args'].get('cpu')))
            else:
                tl['slices'][(pid, tid)].append((start, end, ev['name'], ev['args']))
        elif ph == 'i':
            tl['inst'].append([ev['name'], pid, tid, ns(ev['ts']), [], []])
        elif ph in ('s', 'f'):
            last = tl['inst'][-1]
            if last[1:4] != [pid, tid, ns(ev['ts'])]:
                fail('a flow event not right after its instant')
            last[4 if ph == 's' else 5].append(ev['id'])
        elif ph == 'C':
            tl['counters'][(pid, ev['name'])].append((ns(ev['ts']), ev['args']['value']))
        else:
            fail('unknown phase ' + ph)
    return tl, len(events)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dump', required=True)
    ap.add_argument('--text', required=True)
    ap.add_argument('--top-io', required=True)
    ap.add_argument('--pftrace')
    ap.add_argument('--pb2')
    ap.add_argument('--chrome-json')
    ap.add_argument('--sched', action='store_true')
    ap.add_argument('--interval', type=int, default=100000000)
    ap.add_argument('--pid')
    ap.add_argument('--window', type=int, nargs=2, default=[0, 1 << 63])
    args = ap.parse_args()

    pids = set(int(p) for p in args.pid.split(',')) if args.pid else None
    lo, hi = args.window
    recs = read_dump(args)
    e = expected(recs, lambda p: pids is None or p in pids, lambda t: lo <= t < hi)
    if args.pftrace:
        tl, n = read_pftrace(args.pftrace, args.pb2)
    else:
        tl, n = read_chrome(args.chrome_json)

    # syscalls: every one a slice on its thread, exact
    if set(tl['slices']) != set(e['slices']):
        fail('threads with slices differ: %s' % sorted(set(tl['slices']) ^ set(e['slices']))[:5])
    nslices = 0
    for key, want in e['slices'].items():
        got = tl['slices'][key]
        if len(got) != len(want):
            fail('thread %s: %d slices, dump has %d syscalls' % (key, len(got), len(want)))
        for g, w in zip(sorted(got, key=lambda s: (s[1], s[0])), want):
            if g != w:
                fail('thread %s: slice %r, dump says %r' % (key, g, w))
        nslices += len(got)
    for key in e['slices']:
        if key not in tl['threads']:
            fail('thread %s has no track' % (key,))

    # instants and flows
    got = collections.Counter((i[0], i[1], i[2]) for i in tl['inst'])
    if got != e['inst']:
        fail('instants differ: %s' % list((got - e['inst']) + (e['inst'] - got))[:5])
    outs = {f: i for i in tl['inst'] for f in i[4]}
    ins = {f: i for i in tl['inst'] for f in i[5]}
    if set(outs) != set(ins) or len(outs) != e['flows']:
        fail('flows: %d out, %d in, %d forks' % (len(outs), len(ins), e['flows']))
    for f, src in outs.items():
        dst = ins[f]
        if dst[0] != 'start' or dst[3] != src[3]:
            fail('flow %d ends at %r, from %r' % (f, dst, src))

    # parents
    for pid, ppid in tl['ppid'].items():
        if pid in e['ppid'] and e['ppid'][pid] != ppid:
            fail('process %d: ppid %d, dump says %s' % (pid, ppid, e['ppid'].get(pid)))

    # counters: bytes per process as analyze sums them; mapped bytes as the calls say
    rd, wr = collections.Counter(), collections.Counter()
    for row in json.load(open(args.top_io)):
        rd[row['pid']] += row['read_bytes']
        wr[row['pid']] += row['write_bytes']
    for name, want in (('bytes read', rd), ('bytes written', wr)):
        got = collections.Counter()
        for (pid, cname), vals in tl['counters'].items():
            if cname != name:
                continue
            ts = [t for t, _ in vals]
            if any(t % args.interval for t in ts) or ts != sorted(ts):
                fail('%s of %d: not on interval starts, in order' % (name, pid))
            got[pid] += sum(v for _, v in vals)
        if +got != +want:
            fail('%s per process differ from analyze: %s' % (name, list((got - want) + (want - got))[:5]))
    for pid, net in e['mapped'].items():
        vals = tl['counters'].get((pid, 'mapped bytes'))
        last = vals[-1][1] if vals else 0
        if last != (0 if pid in e['gone'] else net):
            fail('mapped bytes of %d end at %d, the calls say %d' % (pid, last, net))

    # lost ranges
    if sorted(tl['lost']) != sorted(e['lost']):
        fail('lost ranges differ: %r vs %r' % (tl['lost'][:3], e['lost'][:3]))

    nstates = 0
    if args.sched:
        run, cpus = expected_running(recs)
        if not run:
            fail('--sched: the trace has no switch records')
        for key, want in run.items():
            got = sorted((s, t, c) for s, t, n, c in tl['states'].get(key, []) if n == 'Running')
            want = sorted(want)
            if got != want:
                i = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w),
                         min(len(got), len(want)))
                fail('thread %s: %d Running slices, switches say %d; the first difference:'
                     ' %r, switches say %r' % (key, len(got), len(want), got[i:i + 2], want[i:i + 2]))
            nstates += len(got)
        for cpu, want in cpus.items():
            if sorted(tl['cpus'][cpu]) != sorted(want):
                fail('CPU %d: %r, switches say %r' % (cpu, sorted(tl['cpus'][cpu])[:3], sorted(want)[:3]))
        for key, st in tl['states'].items():
            st = sorted(st)
            for a, b in zip(st, st[1:]):
                if a[1] > b[0]:
                    fail('thread %s: states overlap: %r %r' % (key, a, b))

    print('export check: %d packets/events, %d threads, %d syscall slices, %d instants,'
          ' %d flows, %d counter values, %d Running slices, %d lost ranges: all as dump says'
          % (n, len(e['slices']), nslices, len(tl['inst']), len(outs),
             sum(len(v) for v in tl['counters'].values()), nstates, len(tl['lost'])))


if __name__ == '__main__':
    main()

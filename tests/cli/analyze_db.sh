#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_db.sh - a kept database (--db) is the caller's alone: one that
# another user owns or may write, an empty or foreign file, a link or a hard
# link, or a journal left beside it is refused in one line before anything
# is written; a new one is made 0600 whatever the umask.
. "$(dirname "$0")/../lib.sh"
t_tmpdir
"$TOOLS/mktrace" -o "$tmp/t.trc" >/dev/null || { fail analyze_db "mktrace failed"; exit 1; }
chmod 0600 "$tmp/t.trc"
chmod 0755 "$tmp"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)

# refused DESC DB: analyze --db DB fails with one line, and DB is left as it was
refused() {
	local desc=$1 db=$2 before after
	before=$(stat -c '%u %a %s %Y' "$db" 2>/dev/null; cksum < "$db" 2>/dev/null)
	must_fail "--db $desc: refused in one line" "$SYSREC" analyze "$tmp/t.trc" --db "$db" --no-progress
	after=$(stat -c '%u %a %s %Y' "$db" 2>/dev/null; cksum < "$db" 2>/dev/null)
	expect_eq "--db $desc: left as it was" "$after" "$before"
}

# a new database: 0600 under a permissive umask, and reusable
(umask 0000; "$SYSREC" analyze "$tmp/t.trc" --db "$tmp/new.db" --no-progress >/dev/null 2>&1)
expect_eq "--db new: created 0600 under umask 0000" "$(stat -c %a "$tmp/new.db")" 600
check "--db new: a second run reads it" "$SYSREC" analyze --db "$tmp/new.db" --no-progress --format csv >/dev/null

# an empty file: no database (docs/sysrec-analyze.md), whoever owns it
: > "$tmp/empty.db"; chmod 0600 "$tmp/empty.db"
refused "an empty file of the caller's" "$tmp/empty.db"
echo 'not sqlite' > "$tmp/text.db"; chmod 0600 "$tmp/text.db"
refused "a text file" "$tmp/text.db"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	# another user's empty file and database, in a directory that user owns
	mkdir "$tmp/other"; chown 65534:65534 "$tmp/other"
	"${NOBODY[@]}" sh -c ": > '$tmp/other/empty.db'"
	refused "another user's empty file" "$tmp/other/empty.db"
	cp "$tmp/new.db" "$tmp/other/theirs.db"; chown 65534:65534 "$tmp/other/theirs.db"
	refused "another user's sysrec database" "$tmp/other/theirs.db"
	expect_eq "--db another user's: still theirs, not 0666" \
		"$(stat -c '%u %a' "$tmp/other/theirs.db")" "65534 600"
else
	skip "--db another user's file" "needs root and setpriv to make another user's files"
fi
# the caller's own database, but group- or world-writable
cp "$tmp/new.db" "$tmp/gw.db"; chmod 0620 "$tmp/gw.db"
refused "group-writable" "$tmp/gw.db"
cp "$tmp/new.db" "$tmp/ow.db"; chmod 0602 "$tmp/ow.db"
refused "world-writable" "$tmp/ow.db"
err=$("$SYSREC" analyze "$tmp/t.trc" --db "$tmp/ow.db" 2>&1 >/dev/null)
case $err in *"writable by others (mode 0602): refused"*) ok "--db world-writable: the message says why" ;;
*) fail "--db world-writable: the message says why" "$err" ;; esac
# links
cp "$tmp/new.db" "$tmp/real.db"
ln -s "$tmp/real.db" "$tmp/link.db"
refused "a symbolic link to a database" "$tmp/link.db"
ln "$tmp/real.db" "$tmp/hard.db"
refused "a file with two hard links" "$tmp/hard.db"
rm -f "$tmp/hard.db"
# a journal beside it that SQLite would roll back into the database
cp "$tmp/new.db" "$tmp/j.db"; : > "$tmp/j.db-journal"; chmod 0666 "$tmp/j.db-journal"
refused "a world-writable journal beside it" "$tmp/j.db"
rm -f "$tmp/j.db-journal"; ln -s /nonexistent "$tmp/j.db-journal"
refused "a journal that is a link" "$tmp/j.db"
rm -f "$tmp/j.db-journal"
check "--db with the journal gone: accepted" "$SYSREC" analyze --db "$tmp/j.db" --no-progress --format csv >/dev/null
[ "$T_FAILED" -eq 0 ]

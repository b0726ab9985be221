/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pathwalk.bpf.h - a file's absolute path, rebuilt from its dentry and mount.
 */
#ifndef SYSREC_PATHWALK_BPF_H
#define SYSREC_PATHWALK_BPF_H

#include "task.bpf.h"

/*
 * State of one path walk, shared with its bpf_loop step.  The walk goes
 * from the file up to the root, so it meets the names leaf first: it
 * writes them in that order, each after a NUL, which no name holds
 * ("\0f\0dir\0home" for /home/dir/f), straight into the record, and the
 * recorder puts them back in root-first order, separated by '/' (record/ingest.c,
 * unreverse_path()), before anything reads the record.  So the path is
 * built where it leaves from, with no buffer and no copy.
 */
struct walk {
	__u8 *dst;		/* where the path starts, in the record */
	struct dentry *d;
	struct mount *m;
	__u32 pos;		/* bytes written so far */
	__u16 flags;
	__u8 done;
	__u8 pseudo;		/* the file is the root of a filesystem mounted nowhere */
};

/* Inline dentry names: struct dentry's d_shortname (Linux 6.14 on). */
struct dentry___short {
	union {
		unsigned long words[5];
	} d_shortname;
} __attribute__((preserve_access_index));

#define SHORT_WORDS	5

/*
 * Copy d's name to dst with plain loads when it is held in the dentry
 * itself (names shorter than the inline array, nearly all), and return
 * true; false leaves the copy to the caller.  Whole words are stored: the
 * up to 39 bytes past the name are overwritten by the next name or the
 * final NUL, or lie past the record's end (see PATH_SLACK).
 */
static __always_inline bool put_inline_name(__u8 *dst, __u32 len, struct dentry *d)
{
	struct dentry___short *ds = (void *)d;
	unsigned long inl;

	if (!bpf_core_field_exists(ds->d_shortname) ||
	    bpf_core_field_size(ds->d_shortname) != SHORT_WORDS * 8 ||
	    len >= SHORT_WORDS * 8)
		return false;
	inl = (unsigned long)d + bpf_core_field_offset(ds->d_shortname);
	if ((unsigned long)d->d_name.name != inl)
		return false;
	/* through integers, or clang would split each word into bytes */
	for (int i = 0; i < SHORT_WORDS; i++)
		((__u64 *)dst)[i] = ds->d_shortname.words[i];
	return true;
}

/*
 * One step up the tree: append a NUL and d's name, or cross from a mount's
 * root to its mountpoint in the parent mount.  Returns 1 to stop.
 */
static __always_inline long walk_up(struct walk *w)
{
	struct dentry *d = KPTR(struct dentry, w->d), *parent;
	struct mount *m = KPTR(struct mount, w->m);
	__u8 *dst = w->dst;
	__u32 len, pos;

	parent = d->d_parent;
	if (d == m->mnt.mnt_root) {
		struct mount *mp = m->mnt_parent;

		if (mp == m) {
			w->done = 1;	/* the global root */
			return 1;
		}
		w->d = m->mnt_mountpoint;
		w->m = mp;
		return 0;
	}
	if (d == parent) {		/* the root of a filesystem mounted nowhere */
		w->pseudo = !w->pos;	/* a pipe, socket, memfd... reopened via /proc */
		w->done = 1;
		return 1;
	}
	len = d->d_name.len & SR_NAME_MAX;
	pos = w->pos;
	if (pos + 1 + len > SR_PATH_MAX - 1) {	/* room for the NUL */
		w->flags |= SR_F_PATH_CUT;
		w->done = 1;
		return 1;
	}
	dst += pos & (SR_PATH_MAX - 1);
	dst[0] = 0;
	if (!put_inline_name(dst + 1, len, d))
		bpf_probe_read_kernel(dst + 1, len, d->d_name.name);
	w->pos = pos + 1 + len;
	w->d = parent;
	return 0;
}

static long walk_step(__u32 i, void *data)
{
	return walk_up(data);
}

/*
 * The name of a file no mount reaches (a pipe, a socket, a memfd or an
 * anonymous inode reopened through /proc/PID/fd): "FSTYPE:NAME", or
 * "FSTYPE:[INO]" for a nameless one, written in order (no leading NUL, so
 * the recorder leaves it as is, but for naming pipefs, sockfs and
 * anon_inodefs files as /proc does: pipe:[INO], socket:[INO],
 * anon_inode:NAME).  Returns the length.
 */
static const char pseudo_named[] = "%s:%s";
static const char pseudo_ino[] = "%s:[%lu]";

static __always_inline __u32 put_pseudo_name(__u8 *dst, struct dentry *d, __u16 *flags)
{
	__u64 data[2];
	char c = 0;
	long n;

	data[0] = (__u64)d->d_sb->s_type->name;
	/* d_alloc_anon() names its dentries "/": nameless too */
	if (d->d_name.len == 1)
		bpf_probe_read_kernel(&c, 1, d->d_name.name);
	if (d->d_name.len && c != '/') {
		data[1] = (__u64)d->d_name.name;
		n = bpf_snprintf((char *)dst, SR_NAME_MAX + 1, pseudo_named, data, sizeof(data));
	} else {
		data[1] = d->d_inode ? d->d_inode->i_ino : 0;
		n = bpf_snprintf((char *)dst, SR_NAME_MAX + 1, pseudo_ino, data, sizeof(data));
	}
	if (n <= 0) {
		dst[0] = 0;
		return 0;
	}
	if (n > SR_NAME_MAX + 1) {
		*flags |= SR_F_PATH_CUT;
		n = SR_NAME_MAX + 1;
	}
	return n - 1;
}

/*
 * The first steps of a walk are inlined: a bpf_loop step is a call, and
 * a call costs a return thunk on this kind of CPU.  Most paths take no
 * more (a name per component, a step per mount crossed, and the root).
 */
#define WALK_INLINE	8

/*
 * Append the absolute path of f at byte 'off' of the record 'rec', leaf
 * first (see struct walk); returns the new end.  SR_F_PATH_CUT in *flags
 * when the path was too long or too deep: it then holds the names nearest
 * the file.  off is at most EV_FIXED_MAX + SR_PATH_MAX.
 */
static __always_inline __u32 put_file_path(__u8 *rec, __u32 off, struct file *f,
					   struct sr_str *ref, __u16 *flags)
{
	struct file *kf = KPTR(struct file, f);
	struct walk w = {};
	__u32 len;
	int i;

	ref->off = off;
	ref->len = 0;
	if (!f || off > EV_FIXED_MAX + SR_PATH_MAX)
		return off;
	w.dst = rec + off;
	w.d = kf->f_path.dentry;
	w.m = (void *)((char *)kf->f_path.mnt - bpf_core_field_offset(struct mount, mnt));
	for (i = 0; i < WALK_INLINE; i++)
		if (walk_up(&w))
			break;
	if (i == WALK_INLINE)
		bpf_loop(SR_PATH_DEPTH - WALK_INLINE, walk_step, &w, 0);
	if (!w.done)
		w.flags |= SR_F_PATH_CUT;
	if (w.pseudo)
		w.pos = put_pseudo_name(rec + off, KPTR(struct dentry, kf->f_path.dentry), &w.flags);
	*flags |= w.flags;
	len = w.pos & (SR_PATH_MAX - 1);
	if (!len)
		rec[off + len++] = '/';		/* the root itself */
	rec[off + len] = 0;
	ref->len = len;
	return off + len + 1;
}

#endif /* SYSREC_PATHWALK_BPF_H */

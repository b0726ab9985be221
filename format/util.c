// SPDX-License-Identifier: GPL-2.0-only
/*
 * util.c - errors, escaping, number and time formatting, pid lists and
 * cgroup paths (see sysrec/util.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sysrec/format.h"
#include "sysrec/util.h"

int sr_verbose;
int sr_json_errors;

/*
 * Messages name files and options the user gave us, which may hold a newline
 * or a terminal escape: one line must stay one line.  Quotes are left alone
 * because messages quote with them.
 */
static void put_message(FILE *f, const char *s, size_t len);

/*
 * @prefix and the message in @buf of @size bytes as one line on stderr; @n is
 * what (v)snprintf() returned for it, which may be past the buffer or
 * negative.  Returns the length of the message kept.
 */
static size_t put_line(const char *prefix, const char *buf, size_t size, int n)
{
	size_t len = n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;

	fputs(prefix, stderr);
	put_message(stderr, buf, len);
	fputc('\n', stderr);
	return len;
}

static void vmessage(const char *fmt, va_list ap)
{
	char buf[1024];
	size_t n;

	n = put_line("sysrec: ", buf, sizeof(buf), vsnprintf(buf, sizeof(buf), fmt, ap));
	if (sr_json_errors) {
		fflush(stdout);
		fputs("{\"error\":", stdout);
		sr_fput_json(stdout, buf, n);
		fputs("}\n", stdout);
		fflush(stdout);
	}
}

void sr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void sr_dbg(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	if (!sr_verbose)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put_line("", buf, sizeof(buf), n);
}

/*
 * The kernel's own codes (include/linux/errno.h), which user space never
 * sees but a trace does: the first return of a syscall that a signal
 * interrupts before it is restarted.
 */
static const char *const kernel_errno[] = {
	[512 - 512] = "ERESTARTSYS",
	[513 - 512] = "ERESTARTNOINTR",
	[514 - 512] = "ERESTARTNOHAND",
	[515 - 512] = "ENOIOCTLCMD",
	[516 - 512] = "ERESTART_RESTARTBLOCK",
};

const char *sr_errno_name(int err)
{
	if (err < 0)
		err = -err;
	if (err == 0 || err > 4095)
		return NULL;
	if (err >= 512 && err < 512 + (int)ARRAY_SIZE(kernel_errno))
		return kernel_errno[err - 512];
	return strerrorname_np(err);
}

/* --- UTF-8 --- */

/*
 * Length of the valid UTF-8 sequence at s (1..4), or 0 when the byte at s
 * does not start one: stray continuation bytes, overlong forms, surrogates,
 * code points above U+10FFFF and sequences cut by the end of the string.
 */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* U+0080..U+009F: valid UTF-8, but terminals may act on them as C1 controls. */
static int is_c1(const unsigned char *s, size_t n)
{
	return n == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

static const char hexdig[] = "0123456789abcdef";

static void put_hex_byte(FILE *f, unsigned char c)
{
	fputc('\\', f);
	fputc('x', f);
	fputc(hexdig[c >> 4], f);
	fputc(hexdig[c & 15], f);
}

static void put_message(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	while (i < len) {
		n = utf8_seq(s + i, len - i);
		if (n == 0 || (n == 1 && (s[i] < 0x20 || s[i] == 0x7f)) ||
		    is_c1(s + i, n)) {
			put_hex_byte(f, s[i]);
			i++;
			continue;
		}
		fwrite(s + i, 1, n, f);
		i += n;
	}
}

/* --- escaping --- */

static char *esc_hex(char *d, unsigned char c)
{
	*d++ = '\\';
	*d++ = 'x';
	*d++ = hexdig[c >> 4];
	*d++ = hexdig[c & 15];
	return d;
}

/*
 * Copies to *d, moving it on, what both escapers pass as it is, up to the
 * first byte that needs an escape: printable ASCII but backslash and quote,
 * and whole UTF-8 sequences (but C1 controls where @c1_plain is 0).  Returns
 * how many bytes it took; *seq is the length of the UTF-8 sequence at the
 * byte it stopped at, 0 where that starts none.
 */
static size_t copy_plain(char **d, const unsigned char *s, size_t len, int c1_plain,
			 size_t *seq)
{
	size_t i = 0, n;

	while (i < len) {
		unsigned char c = s[i];

		/* the common case: printable ASCII, copied in one run */
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
			i++;
			continue;
		}
		n = c < 0x80 ? 1 : utf8_seq(s + i, len - i);
		if (n > 1 && (c1_plain || !is_c1(s + i, n))) {
			i += n;
			continue;
		}
		*seq = n;
		break;
	}
	memcpy(*d, s, i);
	*d += i;
	return i;
}

/* The inside of a text string: at most 4 bytes out per byte in. */
static char *text_inner(char *d, const unsigned char *s, size_t len)
{
	size_t i = 0, n = 0;

	while ((i += copy_plain(&d, s + i, len - i, 0, &n)) < len) {
		switch (s[i]) {
		case '\n': *d++ = '\\'; *d++ = 'n'; break;
		case '\t': *d++ = '\\'; *d++ = 't'; break;
		case '\r': *d++ = '\\'; *d++ = 'r'; break;
		case '\\': *d++ = '\\'; *d++ = '\\'; break;
		case '"': *d++ = '\\'; *d++ = '"'; break;
		default:
			if (n == 2) {
				/* C1 control: both bytes, so the output stays readable UTF-8 */
				d = esc_hex(d, s[i++]);
			}
			d = esc_hex(d, s[i]);
		}
		i++;
	}
	return d;
}

/* The inside of a JSON string: at most 6 bytes out per byte in. */
static char *json_inner(char *d, const unsigned char *s, size_t len)
{
	size_t i = 0, n = 0;

	while ((i += copy_plain(&d, s + i, len - i, 1, &n)) < len) {
		*d++ = '\\';
		switch (s[i]) {
		case '\n': *d++ = 'n'; break;
		case '\t': *d++ = 't'; break;
		case '\r': *d++ = 'r'; break;
		case '\b': *d++ = 'b'; break;
		case '\f': *d++ = 'f'; break;
		case '\\': *d++ = '\\'; break;
		case '"': *d++ = '"'; break;
		default:
			/* a control character, or a byte that is not UTF-8: U+00NN */
			*d++ = 'u';
			*d++ = '0';
			*d++ = '0';
			*d++ = hexdig[s[i] >> 4];
			*d++ = hexdig[s[i] & 15];
		}
		i++;
	}
	return d;
}

size_t sr_esc_text(char *dst, const char *s, size_t len)
{
	return text_inner(dst, (const unsigned char *)s, len) - dst;
}

size_t sr_esc_json(char *dst, const char *s, size_t len)
{
	char *d = dst;

	*d++ = '"';
	d = json_inner(d, (const unsigned char *)s, len);
	*d++ = '"';
	return d - dst;
}

#define ESC_PIECE	1024

/*
 * The FILE forms escape through a stack buffer, a piece at a time.  A piece
 * never ends inside a UTF-8 sequence, so a valid character is never split
 * into two invalid halves.
 */
static void fput_pieces(FILE *f, const char *str, size_t len,
			char *(*inner)(char *, const unsigned char *, size_t))
{
	const unsigned char *s = (const unsigned char *)str;
	char buf[SR_ESC_MAX(ESC_PIECE)];
	size_t n, back, out;

	while (len) {
		n = len;
		if (n > ESC_PIECE) {
			/*
			 * Back to the last byte that is not a continuation:
			 * stray continuation bytes after a whole sequence
			 * must not cut that sequence from its lead byte.
			 */
			for (back = ESC_PIECE; back > 0 && (s[back] & 0xc0) == 0x80; back--)
				;
			n = back ? back : ESC_PIECE;
		}
		out = inner(buf, s, n) - buf;
		fwrite(buf, 1, out, f);
		s += n;
		len -= n;
	}
}

void sr_fput_text(FILE *f, const char *s, size_t len)
{
	fput_pieces(f, s, len, text_inner);
}

void sr_fput_json(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	fput_pieces(f, s, len, json_inner);
	fputc('"', f);
}

void sr_fput_csv(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, n;
	int quote = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ',' || s[i] == '"') {
			quote = 1;
			break;
		}
	}
	if (quote)
		fputc('"', f);
	i = 0;
	while (i < len) {
		unsigned char c = s[i];

		n = utf8_seq(s + i, len - i);
		if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f))) {
			put_hex_byte(f, c);
			i++;
		} else if (is_c1(s + i, n)) {
			put_hex_byte(f, s[i]);
			put_hex_byte(f, s[i + 1]);
			i += 2;
		} else if (c == '"') {
			fputs("\"\"", f);
			i++;
		} else if (c == '\\') {
			/* so that a literal "\x41" cannot be read as an escape */
			fputs("\\\\", f);
			i++;
		} else {
			fwrite(s + i, 1, n, f);
			i += n;
		}
	}
	if (quote)
		fputc('"', f);
}

/* --- numbers --- */

const char *sr_human_bytes(uint64_t v, char *buf, size_t n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned __int128 tenths;
	unsigned int u = 0;

	if (!buf || !n)
		return buf;
	if (v < 1024) {
		snprintf(buf, n, "%llu B", (unsigned long long)v);
		return buf;
	}
	/* exact integer rounding to a tenth, moving up a unit when it reaches 1024.0 */
	for (u = 1;; u++) {
		unsigned __int128 div = (unsigned __int128)1 << (10 * u);

		tenths = ((unsigned __int128)v * 10 + div / 2) / div;
		if (tenths < 10240 || u == ARRAY_SIZE(units) - 1)
			break;
	}
	snprintf(buf, n, "%llu.%llu %s", (unsigned long long)(tenths / 10),
		 (unsigned long long)(tenths % 10), units[u]);
	return buf;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits at *s into *v; advances *s.  -EINVAL when none or overflow. */
static int parse_digits(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;

	if (!is_digit(*p))
		return -EINVAL;
	for (; is_digit(*p); p++) {
		if (__builtin_mul_overflow(x, 10, &x) ||
		    __builtin_add_overflow(x, (uint64_t)(*p - '0'), &x))
			return -EINVAL;
	}
	*s = p;
	*v = x;
	return 0;
}

int sr_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (!s || parse_digits(&s, &v) || *s || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* One item of a list, [s, s + len) (no NUL needed): 0, -EINVAL or -ERANGE. */
static int parse_item(const char *s, size_t len, uint64_t min, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	int over = 0;

	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return -EINVAL;
		over |= __builtin_mul_overflow(x, 10, &x) ||
			__builtin_add_overflow(x, (uint64_t)(s[i] - '0'), &x);
	}
	if (over || x < min || x > max)
		return -ERANGE;
	*v = x;
	return 0;
}

static int list_err(struct sr_list_err *e, int err, const char *item, size_t len)
{
	if (e) {
		e->err = err;
		e->item = item;
		e->len = len;
		e->why = err == -E2BIG ? "too many items" :
			 err == -ERANGE ? "out of range" :
			 len ? "not a number" : "empty item";
	}
	return err;
}

int sr_parse_pids(const char *s, uint32_t min, uint32_t max, uint32_t *out, size_t cap,
		  size_t *n, struct sr_list_err *e)
{
	const char *over = NULL;
	size_t k = *n, over_len = 0;

	for (;;) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		uint64_t v;
		int err = parse_item(s, len, min, max, &v);

		if (err)
			return list_err(e, err, s, len);
		if (k < cap) {
			out[k++] = (uint32_t)v;
		} else if (!over) {
			/* a bad item further on is named first */
			over = s;
			over_len = len;
		}
		if (!end)
			break;
		s = end + 1;
	}
	if (over)
		return list_err(e, -E2BIG, over, over_len);
	*n = k;
	return 0;
}

/* Leading and trailing slashes off: "/a/b/" is "a/b", "/" and "" are "". */
static void strip_slashes(const char **s, size_t *len)
{
	while (*len && (*s)[0] == '/') {
		(*s)++;
		(*len)--;
	}
	while (*len && (*s)[*len - 1] == '/')
		(*len)--;
}

int sr_cgroup_under(const char *path, size_t len, const char *prefix, size_t plen)
{
	if (!path || !len)
		return 0;	/* an unknown cgroup is under nothing */
	strip_slashes(&path, &len);
	strip_slashes(&prefix, &plen);
	if (!plen)
		return 1;	/* the root */
	return len >= plen && !memcmp(path, prefix, plen) && (len == plen || path[plen] == '/');
}

int sr_ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

int sr_parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGTPE";
	const char *u = NULL;
	unsigned int shift = 0;
	uint64_t v;
	char c;

	if (!s || parse_digits(&s, &v))
		return -EINVAL;
	c = *s;
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	if (c)
		u = strchr(units, c);
	if (u) {
		shift = 10 * (unsigned int)(u - units + 1);
		s++;
		/* "Ki" alone is not a unit: "KiB" is */
		if (*s == 'i' && s[1] != 'B')
			return -EINVAL;
		if (*s == 'i')
			s++;
	}
	if (*s == 'B')
		s++;
	if (*s)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

int sr_parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = {
		{ "ns", 1ULL },
		{ "us", 1000ULL },
		{ "ms", 1000000ULL },
		{ "s", 1000000000ULL },
		{ "m", 60000000000ULL },
		{ "min", 60000000000ULL },
		{ "h", 3600000000000ULL },
	};
	unsigned __int128 total, frac = 0, scale = 1;
	uint64_t ip, unit = 1000000000ULL;
	size_t i;

	if (!s || parse_digits(&s, &ip))
		return -EINVAL;
	if (*s == '.') {
		s++;
		if (!is_digit(*s))
			return -EINVAL;
		/* 19 digits are below a nanosecond of an hour; the rest cannot count */
		for (; is_digit(*s); s++) {
			if (scale < 10000000000000000000ULL) {
				frac = frac * 10 + (unsigned)(*s - '0');
				scale *= 10;
			}
		}
	}
	if (*s) {
		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (!strcmp(s, units[i].suffix))
				break;
		if (i == ARRAY_SIZE(units))
			return -EINVAL;
		unit = units[i].ns;
	}
	total = (unsigned __int128)ip * unit + frac * unit / scale;
	if (total > UINT64_MAX)
		return -EINVAL;
	*ns = (uint64_t)total;
	return 0;
}

const char *sr_fmt_wall(int64_t wall_ns, char *buf, size_t n)
{
	int64_t sec = wall_ns / 1000000000, rem = wall_ns % 1000000000;
	struct tm tm;
	time_t t;
	size_t len;

	if (!buf || !n)
		return buf;
	/* floor, so times before 1970 still count forward within their second */
	if (rem < 0) {
		rem += 1000000000;
		sec--;
	}
	t = (time_t)sec;
	if (!localtime_r(&t, &tm) ||
	    !(len = strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm))) {
		snprintf(buf, n, "%lld.%06lld", (long long)sec, (long long)(rem / 1000));
		return buf;
	}
	snprintf(buf + len, n - len, ".%06lld", (long long)(rem / 1000));
	return buf;
}

int sr_wall_ns(uint64_t ts, int64_t clock_offset, int64_t *wall)
{
	/* the builtin adds in infinite precision: no wrap, whatever the types */
	if (__builtin_add_overflow(ts, clock_offset, wall))
		return -ERANGE;
	return 0;
}

/* --- option errors --- */

int sr_opt_err(const char *cmd, const char *optstring, char **argv, int c)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;
	bool is_long;
	char name[64];
	size_t n;

	/*
	 * A missing value can only be the last argument, which getopt has
	 * passed: argv[optind - 1] is the option.  Otherwise optopt tells: an
	 * unknown short option sets it to itself, never one of ours (and
	 * argv[optind - 1] may be the argument before, inside a cluster such as
	 * -zq); an unknown long option sets it to 0, and a long option given a
	 * value it does not take, to that option's value.
	 */
	if (c == ':')
		is_long = arg && arg[0] == '-' && arg[1] == '-';
	else
		is_long = !optopt || optopt >= 256 ||
			  (optopt != ':' && optopt != '+' && strchr(optstring, optopt));
	if (is_long && arg && arg[0] == '-' && arg[1] == '-') {
		n = strcspn(arg, "=");
		snprintf(name, sizeof(name), "%.*s", (int)n, arg);
		if (c == '?' && optopt && arg[n] == '=') {
			sr_err("%s: option '%s' takes no value. See 'sysrec %s --help'.",
			       cmd, name, cmd);
			return SR_EXIT_USAGE;
		}
	} else {
		snprintf(name, sizeof(name), "-%c", optopt > 0 && optopt < 128 ? optopt : '?');
	}
	if (c == ':')
		sr_err("%s: option '%s' needs a value. See 'sysrec %s --help'.", cmd, name, cmd);
	else
		sr_err("%s: unknown option '%s'. See 'sysrec %s --help'.", cmd, name, cmd);
	return SR_EXIT_USAGE;
}

/*
 * A usage error of command 'cmd': one line that ends by saying where its
 * options are explained, as sr_opt_err's do.
 */
void sr_usage_err(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sr_err("%s: %s. See 'sysrec %s --help'.", cmd, msg, cmd);
}

/* --- opening traces --- */

static void damage_line(const char *path, uint64_t offset, const char *what)
{
	char buf[1024];

	put_line("sysrec: ", buf, sizeof(buf),
		 snprintf(buf, sizeof(buf), "%s: offset %llu: %s", path,
			  (unsigned long long)offset, what ? what : "damaged"));
}

static void release_held(struct sr_damage_log *log)
{
	if (!log->held)
		return;
	log->held = 0;
	if (log->before)
		log->before(log->before_arg);
	damage_line(log->path, log->held_offset, log->held_what);
	log->count++;
}

void sr_damage_log__print(void *ctx, uint64_t offset, const char *what)
{
	struct sr_damage_log *log = ctx;

	if (log->opening && !log->held) {
		/* the first problem may be the reason the open fails: one line then */
		log->held = 1;
		log->held_offset = offset;
		snprintf(log->held_what, sizeof(log->held_what), "%s", what ? what : "damaged");
		return;
	}
	release_held(log);
	if (log->before)
		log->before(log->before_arg);
	damage_line(log->path, offset, what);
	log->count++;
}

int sr_trace_open(struct sr_reader **r, const char *path, struct sr_damage_log *log)
{
	struct stat st;
	int err;

	*r = NULL;
	log->path = path;
	log->held = 0;
	if (stat(path, &st)) {
		err = -errno;
		sr_err("cannot open %s: %s", path, strerror(-err));
		return err;
	}
	if (S_ISDIR(st.st_mode)) {
		sr_err("%s: %s", path, strerror(EISDIR));
		return -EISDIR;
	}
	log->opening = 1;
	err = sr_reader__open(r, path, sr_damage_log__print, log);
	log->opening = 0;
	if (!err) {
		release_held(log);
		return 0;
	}
	*r = NULL;
	/* the reader's own words when it gave any: they say what it saw */
	if (log->held && (err == -EINVAL || err == -EPROTONOSUPPORT))
		sr_err("%s: %s", path, log->held_what);
	else if (err == -EPROTONOSUPPORT)
		sr_err("%s: written by a newer sysrec (this one reads format %d.x)",
		       path, SR_FORMAT_MAJOR);
	else if (err == -EINVAL)
		sr_err("%s: not a sysrec trace", path);
	else
		sr_err("cannot open %s: %s", path, strerror(-err));
	log->held = 0;
	return err;
}

int sr_meta_s64(const struct sr_reader *r, const char *key, int64_t *v)
{
	const char *s = sr_reader__meta(r, key);
	char *end;
	long long x;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*v = x;
	return 0;
}

char *sr_memdup0(const void *p, size_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		memcpy(s, p, len);
		s[len] = 0;
	}
	return s;
}

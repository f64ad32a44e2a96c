// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ctype.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "core/host.h"
#include "core/macro.h"
#include "core/size.h"
#include "sys/path.h"

enum kind { KIND_HOST, KIND_VM };

struct parse {
	struct hp_config *c;
	const char *file; /* pooled */
	enum kind kind;
	struct hp_vm *vm;
	bool saw_section;
	struct hp_diag *err;
	bool failed;
	unsigned failed_line;
	/* the reader's view of the buffer */
	const char *pos, *end;
	unsigned line;
};

/* what loading from files carries along */
struct loader {
	struct hp_config *c;
	const struct hp_config_opts *o; /* as loading: &c->opts */
	struct hp_diag *err;
};

/* a NAME.conf found in one directory of the search path */
struct entry {
	char *name;
	size_t dir; /* index in c->dirs: the lower, the higher its priority */
};

void hp_config_defaults(struct hp_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->reserve_per_node = 512 * HP_MIB;
}

void hp_config_free(struct hp_config *c)
{
	for (size_t i = 0; i < c->nr_files; i++)
		free(c->files[i]);
	for (size_t i = 0; i < c->nr_dirs; i++)
		free(c->dirs[i]);
	free(c->files);
	free(c->dirs);
	free(c->vms);
	memset(c, 0, sizeof(*c));
}

static const char *pool_file(struct hp_config *c, const char *path)
{
	char **nf = realloc(c->files, (c->nr_files + 1) * sizeof(*nf));

	if (!nf)
		return NULL;
	c->files = nf;
	c->files[c->nr_files] = strdup(path);
	if (!c->files[c->nr_files])
		return NULL;
	return c->files[c->nr_files++];
}

__attribute__((format(printf, 2, 3))) static int perr(struct parse *p, const char *fmt, ...)
{
	struct hp_loc loc = { p->file, p->line };
	char msg[512];
	va_list ap;

	if (p->failed)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hp_diag_set(p->err, &loc, "%s", msg);
	p->failed = true;
	p->failed_line = p->line;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
	static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int size_value(struct parse *p, const char *key, const char *v, uint64_t *out, bool zero_ok)
{
	int unit_err, r = hp_size_parse(v, out, &unit_err);

	if (r == -ERANGE)
		return perr(p, "%s=%s: value too large", key, v);
	if (r < 0 && unit_err)
		return perr(p, "%s=%s: unknown unit (use K, M, G, T)", key, v);
	if (r < 0)
		return perr(p, "%s=%s: not a size (a whole number, then K, M, G or T)", key, v);
	if (!zero_ok && *out == 0)
		return perr(p, "%s=%s: must be more than 0", key, v);
	return 1;
}

static int page_value(struct parse *p, const char *key, const char *v, uint64_t *out)
{
	if (!size_value(p, key, v, out, false))
		return 0;
	if (*out < 4096 || (*out & (*out - 1)))
		return perr(p, "%s=%s: a huge page size is a power of two, such as 2M or 1G", key,
			    v);
	return 1;
}

/* "any", or node ids and ranges: "1", "0,1", "0-3" */
static int node_value(struct parse *p, const char *v, uint64_t *out)
{
	uint64_t mask = 0;
	const char *s = v;

	if (!strcmp(v, "any")) {
		*out = 0;
		return 1;
	}
	while (*s) {
		unsigned long a, b;
		char *e;

		if (*s < '0' || *s > '9')
			goto bad;
		a = strtoul(s, &e, 10);
		b = a;
		if (*e == '-') {
			if (e[1] < '0' || e[1] > '9')
				goto bad;
			b = strtoul(e + 1, &e, 10);
		}
		if (b < a)
			goto bad;
		if (b >= HP_MAX_NODES)
			return perr(p, "Node=%s: node %lu is beyond the %u nodes hugeplan supports",
				    v, b, HP_MAX_NODES);
		for (unsigned long i = a; i <= b; i++) {
			if (mask & (1ULL << i))
				return perr(p, "Node=%s: node %lu is listed twice", v, i);
			mask |= 1ULL << i;
		}
		s = e;
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			goto bad;
	}
	*out = mask;
	return 1;
bad:
	return perr(p, "Node=%s: expected \"any\", a node number, or a list such as 0,1 or 0-3", v);
}

static int host_key(struct parse *p, const char *key, const char *v)
{
	struct hp_settings *h = &p->c->host;
	struct hp_loc here = { p->file, p->line };
	bool empty = !*v;

	if (!strcmp(key, "ReserveMemory")) {
		h->reserve_set = !empty;
		h->reserve = 0;
		h->reserve_loc = here;
		return empty || size_value(p, key, v, &h->reserve, true);
	}
	if (!strcmp(key, "ReserveMemoryPerNode")) {
		h->reserve_per_node = 512 * HP_MIB;
		h->reserve_per_node_loc = here;
		return empty || size_value(p, key, v, &h->reserve_per_node, true);
	}
	if (!strcmp(key, "DefaultPageSize")) {
		h->default_page = 0;
		h->default_page_loc = here;
		return empty || page_value(p, key, v, &h->default_page);
	}
	if (!strcmp(key, "FreeVmemmap") || !strcmp(key, "Strict")) {
		bool *b = key[0] == 'F' ? &h->free_vmemmap : &h->strict;

		*b = false;
		if (!empty && parse_bool(v, b) < 0)
			return perr(p, "%s=%s: expected yes or no", key, v);
		return 1;
	}
	return perr(p,
		    "unknown key %s= in [Host] (known: ReserveMemory, ReserveMemoryPerNode, "
		    "DefaultPageSize, FreeVmemmap, Strict)",
		    key);
}

static int vm_key(struct parse *p, const char *key, const char *v)
{
	struct hp_vm *vm = p->vm;
	struct hp_loc here = { p->file, p->line };
	bool empty = !*v;

	if (!strcmp(key, "Name")) {
		if (!hp_vm_name_valid(v))
			return perr(p,
				    "Name=%s: a VM name is 1 to %d letters, digits, '_', '.' or "
				    "'-', starting with a letter or digit",
				    v, HP_NAME_MAX);
		snprintf(vm->name, sizeof(vm->name), "%s", v);
		return 1;
	}
	if (!strcmp(key, "Memory")) {
		vm->memory = 0;
		vm->memory_loc = here;
		return empty || size_value(p, key, v, &vm->memory, false);
	}
	if (!strcmp(key, "PageSize")) {
		vm->page_size = 0;
		vm->page_loc = here;
		return empty || page_value(p, key, v, &vm->page_size);
	}
	if (!strcmp(key, "Node")) {
		vm->nodes = 0;
		vm->node_loc = here;
		return empty || node_value(p, v, &vm->nodes);
	}
	if (!strcmp(key, "Instances")) {
		char *e;
		unsigned long n;

		vm->instances = 1;
		if (empty)
			return 1;
		errno = 0;
		n = strtoul(v, &e, 10);
		if (v[0] < '0' || v[0] > '9' || *e || (errno && errno != ERANGE))
			return perr(p, "Instances=%s: not a whole number", v);
		if (errno == ERANGE || n < 1 || n > 65535)
			return perr(p, "Instances=%s: must be from 1 to 65535", v);
		vm->instances = (unsigned)n;
		return 1;
	}
	if (!strcmp(key, "Enabled") || !strcmp(key, "Passthrough")) {
		bool *b = key[0] == 'E' ? &vm->enabled : &vm->passthrough;

		*b = key[0] == 'E';
		if (!empty && parse_bool(v, b) < 0)
			return perr(p, "%s=%s: expected yes or no", key, v);
		return 1;
	}
	return perr(p,
		    "unknown key %s= in [VM] (known: Name, Memory, PageSize, Node, Instances, "
		    "Enabled, Passthrough)",
		    key);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const char *want = p->kind == KIND_HOST ? "Host" : "VM";

	if (p->failed)
		return 0;
	if (!*section)
		return perr(p, "%s=%s is outside of a [%s] section", name, value, want);
	/* the reader refuses other section names; this holds whatever inih strips first */
	if (strcmp(section, want))
		return perr(p, "unknown section [%s] (this file takes [%s])", section, want);
	return p->kind == KIND_HOST ? host_key(p, name, value) : vm_key(p, name, value);
}

/* the line as a message quotes it: at most 60 bytes (escaped later by hp_diag_set) */
static void quote_line(char *buf, size_t len, const char *s, size_t n)
{
	snprintf(buf, len, "%.*s", (int)(n > 60 ? 60 : n), s);
}

/*
 * What inih reads as a line's start: it skips every isspace() byte, and an indented line
 * would continue the previous value. The first line may start with a UTF-8 byte order mark.
 */
static const char *line_start(const char *s, size_t *n, unsigned line)
{
	if (line == 1 && *n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
		s += 3;
		*n -= 3;
	}
	while (*n && isspace((unsigned char)*s)) {
		s++;
		(*n)--;
	}
	return s;
}

/*
 * inih accepts "KEY:VALUE" and ends a value at a ';' that follows a blank: neither is
 * KEY=VALUE as systemd reads it, so both are refused instead of read differently.
 */
static bool check_key_line(struct parse *p, const char *s, size_t n)
{
	const char *sep = NULL;
	char text[64];
	bool blank = false;
	size_t i;

	for (i = 0; i < n && !sep; i++)
		if (s[i] == '=' || s[i] == ':')
			sep = s + i;
	if (!sep)
		return true; /* inih reports it: "expected KEY=VALUE" */
	quote_line(text, sizeof(text), s, n);
	if (*sep == ':') {
		perr(p, "expected KEY=VALUE, [Section] or a comment, not \"%s\"", text);
		return false;
	}
	for (i++; i < n && isspace((unsigned char)s[i]); i++)
		;
	for (; i < n; i++) {
		if (blank && s[i] == ';') {
			perr(p,
			     "a comment after a value (\"%s\"): put comments on lines of their own",
			     text);
			return false;
		}
		blank = isspace((unsigned char)s[i]);
	}
	return true;
}

/* fgets() over the buffer, one line a call, with our checks on the way */
static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *nl, *s;
	size_t n;

	if (p->failed || p->pos >= p->end)
		return NULL;
	p->line++;
	nl = memchr(p->pos, '\n', (size_t)(p->end - p->pos));
	n = nl ? (size_t)(nl - p->pos) : (size_t)(p->end - p->pos);
	s = line_start(p->pos, &n, p->line);
	p->pos += (size_t)(s - p->pos) + n + (nl ? 1 : 0);
	if (n + 2 > (size_t)num || n > HP_CONF_LINE_MAX) {
		perr(p, "line too long (%zu characters, at most %d)", n,
		     num - 2 < HP_CONF_LINE_MAX ? num - 2 : HP_CONF_LINE_MAX);
		return NULL;
	}
	if (n && *s == '[') {
		const char *want = p->kind == KIND_HOST ? "[Host]" : "[VM]";
		size_t wl = strlen(want), k = n;

		while (k && isspace((unsigned char)s[k - 1]))
			k--;
		if (k != wl || memcmp(s, want, wl)) {
			perr(p, "unknown section %.*s (this file takes %s)", (int)(k > 60 ? 60 : k),
			     s, want);
			return NULL;
		}
		if (p->saw_section) {
			perr(p, "%s given twice in one file", want);
			return NULL;
		}
		p->saw_section = true;
	} else if (n && *s != ';' && *s != '#' && !check_key_line(p, s, n)) {
		return NULL;
	}
	memcpy(str, s, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	return str;
}

/* line number `line` of text, as the reader saw it, for a message */
static void text_of_line(const char *text, size_t len, unsigned line, char *buf, size_t blen)
{
	const char *s = text, *end = text + len, *nl;
	size_t n;

	for (unsigned l = 1; l < line && s < end; l++) {
		nl = memchr(s, '\n', (size_t)(end - s));
		s = nl ? nl + 1 : end;
	}
	nl = memchr(s, '\n', (size_t)(end - s));
	n = nl ? (size_t)(nl - s) : (size_t)(end - s);
	s = line_start(s, &n, line);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	quote_line(buf, blen, s, n);
}

/* "PATH: cannot open: ERROR" into err; returns r (a -errno) */
static int open_failed(struct hp_diag *err, const char *path, int r)
{
	struct hp_loc loc = { path, 0 };

	hp_diag_set(err, &loc, "cannot open: %s", strerror(-r));
	return r;
}

/* --- what root may trust: sshd's StrictModes, applied to configuration */

static int judge(struct loader *ld, const char *path, const struct stat *st, bool above)
{
	struct hp_loc loc = { path, 0 };
	uid_t owner = ld->o->owner_uid;

	if (st->st_uid != 0 && st->st_uid != owner) {
		char who[48] = "root";

		if (owner)
			snprintf(who, sizeof(who), "root or uid %u", (unsigned)owner);
		hp_diag_set(
			ld->err, &loc,
			"owned by uid %u, not %s: refusing configuration that another user could "
			"change (fix: chown root %s)",
			(unsigned)st->st_uid, who, path);
		return -EPERM;
	}
	/* above what is read, a sticky directory keeps others from replacing root's entries */
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(above && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))) {
		hp_diag_set(ld->err, &loc,
			    "writable by group or others (mode %04o): refusing configuration that "
			    "another user could change (fix: chmod go-w %s)",
			    (unsigned)(st->st_mode & 07777), path);
		return -EPERM;
	}
	return 0;
}

/*
 * path (a file read or a directory scanned), resolved, and every directory above it up to
 * "/". leaf: the stat of what was opened, NULL to stat it here.
 */
static int check_perms(struct loader *ld, const char *path, const struct stat *leaf)
{
	char real[PATH_MAX];
	struct stat st;
	int r;

	if (!ld->o->check_perms)
		return 0;
	if (!realpath(path, real)) {
		struct hp_loc loc = { path, 0 };

		r = -errno;
		hp_diag_set(ld->err, &loc, "cannot resolve: %s", strerror(-r));
		return r;
	}
	if (!leaf) {
		if (stat(real, &st) < 0)
			return open_failed(ld->err, real, -errno);
		leaf = &st;
	}
	r = judge(ld, real, leaf, false);
	while (r >= 0 && strcmp(real, "/")) {
		char *slash = strrchr(real, '/');

		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(real, &st) < 0)
			return open_failed(ld->err, real, -errno);
		r = judge(ld, real, &st, true);
	}
	return r;
}

/* --- files */

static const char *file_type(mode_t m)
{
	return S_ISDIR(m)    ? "a directory"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISSOCK(m) ? "a socket"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISREG(m)  ? "a regular file"
			     : "of an unknown type";
}

/* open once, without waiting on a FIFO; judge what was opened, then read it */
static int read_file(struct loader *ld, const char *path, char **out, size_t *len)
{
	struct hp_loc loc = { path, 0 };
	struct stat st;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK); /* a FIFO must not hang us */
	if (fd < 0) {
		r = -errno;
		/* a socket cannot be opened at all: say what it is, not ENXIO */
		if (r == -ENXIO && stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
			hp_diag_set(ld->err, &loc, "not a regular file (a socket)");
			return r;
		}
		return open_failed(ld->err, path, r);
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return open_failed(ld->err, path, r);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		hp_diag_set(ld->err, &loc, "not a regular file (%s)", file_type(st.st_mode));
		return -EINVAL;
	}
	r = check_perms(ld, path, &st);
	if (r < 0) {
		close(fd);
		return r;
	}
	if (st.st_size > HP_CONF_FILE_MAX) {
		close(fd);
		hp_diag_set(ld->err, &loc, "file too large (%lld bytes, at most %u)",
			    (long long)st.st_size, HP_CONF_FILE_MAX);
		return -EFBIG;
	}
	r = hp_read_fd(fd, out, len, HP_CONF_FILE_MAX);
	close(fd);
	if (r == -EFBIG)
		hp_diag_set(ld->err, &loc, "file too large (more than %u bytes)", HP_CONF_FILE_MAX);
	else if (r < 0)
		hp_diag_set(ld->err, &loc, "cannot read: %s", strerror(-r));
	return r;
}

/* one text as one file; file is pooled */
static int parse_text(struct hp_config *c, const char *file, enum kind kind, struct hp_vm *vm,
		      const char *text, size_t len, struct hp_diag *err)
{
	struct parse p = { .c = c, .file = file, .kind = kind, .vm = vm, .err = err };
	const char *nul = memchr(text, '\0', len);
	int r;

	if (nul) {
		unsigned line = 1;

		for (const char *q = text; q < nul; q++)
			line += *q == '\n';
		p.line = line;
		perr(&p, "binary data (a NUL byte) in a configuration file");
		return -EINVAL;
	}
	p.pos = text;
	p.end = text + len;
	r = ini_parse_stream(reader, &p, handler, &p);
	/* inih reads on after a bad line: the first error of the file is the one to tell */
	if (r > 0 && (!p.failed || (unsigned)r < p.failed_line)) {
		char line[64];

		text_of_line(text, len, (unsigned)r, line, sizeof(line));
		p.failed = false;
		p.line = (unsigned)r;
		perr(&p, "expected KEY=VALUE, [Section] or a comment, not \"%s\"", line);
	}
	if (p.failed)
		return -EINVAL;
	if (kind == KIND_VM && !p.saw_section) {
		struct hp_loc loc = { p.file, 0 };

		hp_diag_set(err, &loc, "no [VM] section");
		return -EINVAL;
	}
	return 0;
}

/* the defaults of a VM before its file is read */
static void vm_init(struct hp_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->instances = 1;
	vm->enabled = true;
}

/* after its file: the name from the file name (less ".conf") unless Name= gave one */
static int vm_finish(struct hp_vm *vm, const char *file, const char *fname, struct hp_diag *err)
{
	size_t l = strlen(fname);

	vm->loc.file = file;
	if (!vm->name[0]) {
		if (l >= 5 && !strcmp(fname + l - 5, ".conf"))
			l -= 5;
		snprintf(vm->name, sizeof(vm->name), "%.*s", (int)l, fname);
		if (l > HP_NAME_MAX || !hp_vm_name_valid(vm->name)) {
			hp_diag_set(err, &vm->loc,
				    "\"%.*s\" is not a valid VM name: rename the file or set Name=",
				    (int)(l > 80 ? 80 : l), fname);
			return -EINVAL;
		}
	}
	if (!vm->memory) {
		hp_diag_set(err, &vm->loc, "Memory= is required");
		return -EINVAL;
	}
	return 0;
}

static int parse_file(struct loader *ld, const char *path, enum kind kind, struct hp_vm *vm)
{
	const char *file = pool_file(ld->c, path);
	char *text;
	size_t len;
	int r;

	if (!file)
		return -ENOMEM;
	r = read_file(ld, path, &text, &len);
	if (r < 0)
		return r;
	r = parse_text(ld->c, file, kind, vm, text, len, ld->err);
	free(text);
	return r;
}

/*
 * 1 masked (a symlink to /dev/null, a character device, an empty file), 0 not, -errno with
 * err set. A path that does not exist at all gives -ENOENT with *absent set and no message;
 * a dangling symbolic link is an error like any other.
 */
static int check_masked(struct loader *ld, const char *path, bool *absent)
{
	struct hp_loc loc = { path, 0 };
	struct stat st;
	char target[64];
	ssize_t n;
	int r;

	*absent = false;
	if (lstat(path, &st) < 0) {
		r = -errno;
		*absent = r == -ENOENT;
		return *absent ? r : open_failed(ld->err, path, r);
	}
	if (S_ISLNK(st.st_mode)) {
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			if (!strcmp(target, HP_P_DEVNULL))
				return 1;
		}
		if (stat(path, &st) < 0) {
			r = -errno;
			if (r != -ENOENT)
				return open_failed(ld->err, path, r);
			hp_diag_set(ld->err, &loc, "cannot open: a dangling symbolic link");
			return r;
		}
	}
	if (S_ISCHR(st.st_mode))
		return 1;
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		/* a mask that others could fill is no mask */
		r = check_perms(ld, path, NULL);
		return r < 0 ? r : 1;
	}
	return 0;
}

/* by name, then by priority: the first of a run of equal names is the one that counts */
static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->dir < y->dir ? -1 : x->dir > y->dir;
}

static void free_entries(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static int push_entry(struct entry **v, size_t *n, size_t *cap, const char *name, size_t dir)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct entry *nv = realloc(*v, nc * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[*n].name = strdup(name);
	if (!(*v)[*n].name)
		return -ENOMEM;
	(*v)[*n].dir = dir;
	(*n)++;
	return 0;
}

/*
 * Every NAME.conf in DIR/sub over the search path, sorted by NAME, the highest directory
 * winning. Sorted, then de-duplicated, so that a vms.d of thousands of files costs
 * O(n log n), not a comparison of every pair.
 */
static int gather(struct loader *ld, const char *sub, struct entry **out, size_t *nr)
{
	struct hp_config *c = ld->c;
	struct entry *v = NULL;
	size_t n = 0, cap = 0, kept = 0;
	int r;

	for (size_t i = 0; i < c->nr_dirs; i++) {
		char dir[4096];
		struct dirent *de;
		struct stat st;
		DIR *d;

		if (snprintf(dir, sizeof(dir), "%s/%s", c->dirs[i], sub) >= (int)sizeof(dir)) {
			free_entries(v, n);
			return -ENAMETOOLONG;
		}
		d = opendir(dir);
		if (!d) {
			struct hp_loc loc = { dir, 0 };

			r = -errno;
			if (r == -ENOENT)
				continue;
			hp_diag_set(ld->err, &loc, "cannot read directory: %s", strerror(-r));
			free_entries(v, n);
			return r;
		}
		/* a directory others can write to is one they can add VMs to */
		r = fstat(dirfd(d), &st) < 0 ? -errno : check_perms(ld, dir, &st);
		if (r < 0) {
			if (r != -EPERM) {
				struct hp_loc loc = { dir, 0 };

				hp_diag_set(ld->err, &loc, "cannot read directory: %s",
					    strerror(-r));
			}
			closedir(d);
			free_entries(v, n);
			return r;
		}
		while ((de = readdir(d))) {
			size_t l = strlen(de->d_name);

			if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".conf"))
				continue;
			if (push_entry(&v, &n, &cap, de->d_name, i) < 0) {
				closedir(d);
				free_entries(v, n);
				return -ENOMEM;
			}
		}
		closedir(d);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_entry);
	for (size_t i = 0; i < n; i++) {
		if (kept && !strcmp(v[kept - 1].name, v[i].name)) {
			free(v[i].name);
			continue;
		}
		v[kept++] = v[i];
	}
	*out = v;
	*nr = kept;
	return 0;
}

static int entry_path(const struct hp_config *c, const char *sub, const struct entry *e, char *buf,
		      size_t len)
{
	if (snprintf(buf, len, "%s/%s/%s", c->dirs[e->dir], sub, e->name) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

static int load_host(struct loader *ld)
{
	struct hp_config *c = ld->c;
	struct entry *drop = NULL;
	size_t nd = 0;
	bool absent;
	int r;

	for (size_t i = 0; i < c->nr_dirs; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/hugeplan.conf", c->dirs[i]);
		r = check_masked(ld, path, &absent);
		if (absent)
			continue;
		if (r < 0)
			return r;
		if (r == 0) {
			r = parse_file(ld, path, KIND_HOST, NULL);
			if (r < 0)
				return r;
		}
		break;
	}
	r = gather(ld, "hugeplan.conf.d", &drop, &nd);
	if (r < 0)
		return r;
	for (size_t i = 0; i < nd && r >= 0; i++) {
		char path[4096 + 256];

		r = entry_path(c, "hugeplan.conf.d", &drop[i], path, sizeof(path));
		if (r == 0)
			r = check_masked(ld, path, &absent);
		if (r == 0)
			r = parse_file(ld, path, KIND_HOST, NULL);
	}
	free_entries(drop, nd);
	return r < 0 ? r : 0;
}

static int cmp_vm_name(const void *a, const void *b)
{
	const struct hp_vm *x = *(const struct hp_vm *const *)a,
			   *y = *(const struct hp_vm *const *)b;

	return strcmp(x->name, y->name);
}

static int check_duplicates(struct hp_config *c, struct hp_diag *err)
{
	const struct hp_vm **v;
	int r = 0;

	if (c->nr_vms < 2)
		return 0;
	v = malloc(c->nr_vms * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < c->nr_vms; i++)
		v[i] = &c->vms[i];
	qsort(v, c->nr_vms, sizeof(*v), cmp_vm_name);
	for (size_t i = 1; i < c->nr_vms; i++) {
		if (strcmp(v[i - 1]->name, v[i]->name))
			continue;
		/* report the later file, naming the earlier */
		const struct hp_vm *a = v[i - 1] < v[i] ? v[i - 1] : v[i];
		const struct hp_vm *b = v[i - 1] < v[i] ? v[i] : v[i - 1];

		hp_diag_set(err, &b->loc, "VM name \"%s\" is already used by %s", b->name,
			    a->loc.file);
		r = -EEXIST;
		break;
	}
	free(v);
	return r;
}

/* one vms.d entry into *vm: 1 masked (vm untouched), 0 loaded, -errno with err set */
static int load_vm(struct loader *ld, const struct entry *e, struct hp_vm *vm)
{
	struct hp_config *c = ld->c;
	char path[4096 + 256];
	bool absent;
	int r;

	r = entry_path(c, "vms.d", e, path, sizeof(path));
	if (r < 0)
		return r;
	r = check_masked(ld, path, &absent);
	if (r < 0 && absent) /* gone since the directory was read */
		open_failed(ld->err, path, r);
	if (r != 0)
		return r;
	vm_init(vm);
	r = parse_file(ld, path, KIND_VM, vm);
	if (r < 0)
		return r;
	return vm_finish(vm, c->files[c->nr_files - 1], e->name, ld->err);
}

static int load_vms(struct loader *ld)
{
	struct hp_config *c = ld->c;
	struct entry *e = NULL;
	size_t n = 0;
	int r = 0;

	r = gather(ld, "vms.d", &e, &n);
	if (r < 0)
		return r;
	c->vms = calloc(n ? n : 1, sizeof(*c->vms));
	if (!c->vms) {
		free_entries(e, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		r = load_vm(ld, &e[i], &c->vms[c->nr_vms]);
		if (r < 0)
			break;
		if (r == 0)
			c->nr_vms++;
	}
	free_entries(e, n);
	if (r < 0)
		return r;
	return check_duplicates(c, ld->err);
}

int hp_config_any_vm(struct hp_config *c, struct hp_diag *err)
{
	struct loader ld = { .c = c, .o = &c->opts, .err = err };
	struct entry *e = NULL;
	struct hp_vm vm;
	size_t n = 0;
	int r;

	r = gather(&ld, "vms.d", &e, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		r = load_vm(&ld, &e[i], &vm);
		if (r < 0)
			break;
		r = r == 0 && vm.enabled;
		if (r)
			break;
	}
	free_entries(e, n);
	if (r == -ENOMEM)
		hp_diag_set(err, NULL, "out of memory");
	return r;
}

static int add_dir(struct hp_config *c, const char *root, const char *dir)
{
	char p[4096], **nd;

	if (root) {
		if (hp_path(p, sizeof(p), root, "%s", dir) < 0)
			return -ENAMETOOLONG;
	} else {
		snprintf(p, sizeof(p), "%s", dir);
	}
	nd = realloc(c->dirs, (c->nr_dirs + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	c->dirs = nd;
	c->dirs[c->nr_dirs] = strdup(p);
	if (!c->dirs[c->nr_dirs])
		return -ENOMEM;
	c->nr_dirs++;
	return 0;
}

/* an explicit --config must be a directory; the search path's may be missing */
static int check_dirs(struct loader *ld, bool explicit)
{
	for (size_t i = 0; i < ld->c->nr_dirs; i++) {
		const char *dir = ld->c->dirs[i];
		struct hp_loc loc = { dir, 0 };
		struct stat st;
		int r;

		if (stat(dir, &st) < 0) {
			r = -errno;
			if (r != -ENOENT)
				return open_failed(ld->err, dir, r);
			if (!explicit)
				continue;
			hp_diag_set(ld->err, &loc, "configuration directory not found");
			return r;
		}
		if (!S_ISDIR(st.st_mode)) {
			hp_diag_set(ld->err, &loc, "not a directory (%s)", file_type(st.st_mode));
			return -ENOTDIR;
		}
		r = check_perms(ld, dir, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

/* a load that failed: a message for the errors that have none yet, and c left empty */
static int load_failed(struct hp_config *c, struct hp_diag *err, int r)
{
	if (r == -ENOMEM)
		hp_diag_set(err, NULL, "out of memory");
	else if (r == -ENAMETOOLONG)
		hp_diag_set(err, NULL, "a configuration path is too long");
	hp_config_free(c);
	return r;
}

int hp_config_load_opts(const char *root, const char *confdir, const struct hp_config_opts *o,
			struct hp_config *c, struct hp_diag *err)
{
	struct loader ld = { .c = c, .o = &c->opts, .err = err };
	int r;

	memset(c, 0, sizeof(*c));
	hp_config_defaults(&c->host);
	if (o)
		c->opts = *o;
	if (confdir) {
		r = add_dir(c, NULL, confdir);
	} else {
		r = add_dir(c, root, HP_P_CONF_ETC);
		if (r >= 0)
			r = add_dir(c, root, HP_P_CONF_RUN);
		if (r >= 0)
			r = add_dir(c, root, HP_P_CONF_LIB);
	}
	if (r >= 0)
		r = check_dirs(&ld, confdir != NULL);
	if (r >= 0)
		r = load_host(&ld);
	if (r >= 0 && !c->opts.host_only)
		r = load_vms(&ld);
	return r < 0 ? load_failed(c, err, r) : r;
}

int hp_config_load(const char *root, const char *confdir, struct hp_config *c, struct hp_diag *err)
{
	return hp_config_load_opts(root, confdir, NULL, c, err);
}

int hp_config_load_host(const char *root, const char *confdir, struct hp_config *c,
			struct hp_diag *err)
{
	struct hp_config_opts o = { .host_only = true };

	return hp_config_load_opts(root, confdir, &o, c, err);
}

int hp_config_load_texts(const struct hp_conf_text *t, size_t n, struct hp_config *c,
			 struct hp_diag *err)
{
	size_t nvm = 0;
	int r = 0;

	memset(c, 0, sizeof(*c));
	hp_config_defaults(&c->host);
	for (size_t i = 0; i < n; i++)
		nvm += t[i].role == HP_CONF_VM;
	c->vms = calloc(nvm ? nvm : 1, sizeof(*c->vms));
	if (!c->vms)
		r = -ENOMEM;
	for (size_t i = 0; i < n && r >= 0; i++) {
		const char *file;

		if (t[i].role == HP_CONF_VM || !t[i].len)
			continue;
		file = pool_file(c, t[i].path);
		r = file ? parse_text(c, file, KIND_HOST, NULL, t[i].text, t[i].len, err) : -ENOMEM;
	}
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct hp_vm *vm = &c->vms[c->nr_vms];
		const char *file, *base;

		if (t[i].role != HP_CONF_VM || !t[i].len)
			continue;
		file = pool_file(c, t[i].path);
		if (!file) {
			r = -ENOMEM;
			break;
		}
		base = strrchr(file, '/');
		vm_init(vm);
		r = parse_text(c, file, KIND_VM, vm, t[i].text, t[i].len, err);
		if (r >= 0)
			r = vm_finish(vm, file, base ? base + 1 : file, err);
		if (r >= 0)
			c->nr_vms++;
	}
	if (r >= 0)
		r = check_duplicates(c, err);
	return r < 0 ? load_failed(c, err, r) : r;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/bls.h"
#include "core/kdump.h" /* hp_shvar_get() */
#include "core/macro.h"
#include "core/pe.h"
#include "sys/bls.h"
#include "sys/path.h"
#include "sys/root.h"

#define ENTRY_MAX   (64U << 10) /* a type #1 entry is a few hundred bytes */
#define CONF_MAX    (64U << 10)
#define SECTION_MAX (64U << 10)
#define MAX_FILES   512

static bool is_dir(const char *root, const char *path)
{
	struct stat st;

	return hp_root_stat(root, path, &st, true) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *root, const char *path)
{
	struct stat st;

	return hp_root_stat(root, path, &st, true) == 0 && S_ISREG(st.st_mode);
}

/* a mount point: another device than its parent, or the root of the tree itself */
static bool mountpoint(const char *root, const char *path)
{
	char up[4096];
	struct stat a, b;

	if ((size_t)snprintf(up, sizeof(up), "%s/..", path) >= sizeof(up))
		return false;
	if (hp_root_stat(root, path, &a, true) < 0 || !S_ISDIR(a.st_mode) ||
	    hp_root_stat(root, up, &b, true) < 0)
		return false;
	return a.st_dev != b.st_dev || a.st_ino == b.st_ino;
}

/* the first line of a file, blanks trimmed; 0 when missing or empty */
static int first_line(const char *root, const char *path, char *out, size_t len)
{
	_cleanup_free_ char *t = NULL;
	size_t n;
	char *s;

	out[0] = '\0';
	if (hp_read_text(root, &t, NULL, 4096, "%s", path) < 0)
		return 0;
	s = t + strspn(t, " \t");
	n = strcspn(s, "\r\n");
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	snprintf(out, len, "%.*s", (int)n, s);
	return out[0] != '\0';
}

static int shvar_file(const char *root, const char *path, const char *name, char *out, size_t len)
{
	_cleanup_free_ char *t = NULL;

	out[0] = '\0';
	if (hp_read_text(root, &t, NULL, CONF_MAX, "%s", path) < 0)
		return 0;
	return hp_shvar_get(t, name, out, len);
}

static void ki_facts(const char *root, struct hp_bls_scan *s)
{
	struct hp_ki_facts *f = &s->facts;
	const char *conf = is_file(root, HP_P_KI_CONF) ? HP_P_KI_CONF : HP_P_KI_CONF_LIB;
	const char *osrel = is_file(root, HP_P_OS_RELEASE) ? HP_P_OS_RELEASE : HP_P_OS_RELEASE_LIB;
	const char *tokens[HP_BOOT_TOKENS_MAX], *prefs[HP_BOOT_PREFIXES];
	char layout[32];
	size_t nt, np;

	shvar_file(root, conf, "BOOT_ROOT", f->boot_root, sizeof(f->boot_root));
	if (shvar_file(root, conf, "layout", layout, sizeof(layout)) && layout[0])
		s->layout_other = !streq(layout, "bls");
	shvar_file(root, conf, "MACHINE_ID", f->machine_id, sizeof(f->machine_id));
	if (!f->machine_id[0])
		shvar_file(root, HP_P_MACHINE_INFO, "KERNEL_INSTALL_MACHINE_ID", f->machine_id,
			   sizeof(f->machine_id));
	if (!f->machine_id[0] &&
	    first_line(root, HP_P_MACHINE_ID, f->machine_id, sizeof(f->machine_id)) &&
	    streq(f->machine_id, "uninitialized"))
		f->machine_id[0] = '\0';
	first_line(root, HP_P_ENTRY_TOKEN, f->entry_token, sizeof(f->entry_token));
	shvar_file(root, osrel, "IMAGE_ID", f->image_id, sizeof(f->image_id));
	shvar_file(root, osrel, "ID", f->os_id, sizeof(f->os_id));

	nt = hp_ki_candidates(f, tokens);
	np = hp_ki_prefixes(f, prefs);
	for (size_t p = 0; p < np; p++) {
		char path[4096];

		for (size_t t = 0; t < nt; t++) {
			snprintf(path, sizeof(path), "%s/%s", prefs[p], tokens[t]);
			f->token_dir[p][t] = !strchr(tokens[t], '/') && is_dir(root, path);
		}
		snprintf(path, sizeof(path), HP_P_BLS_ENTRIES, prefs[p]);
		f->entries_dir[p] = is_dir(root, path);
	}
	/* kernel-install's last resort looks at /efi and /boot/efi whatever BOOT_ROOT says */
	f->mountpoint[0] = mountpoint(root, HP_P_BOOT_EFI);
	f->mountpoint[2] = mountpoint(root, HP_P_BOOT_BOOT_EFI);
	hp_ki_locate(f, &s->where);
}

static int add_file(struct hp_bls_scan *s, struct hp_bls_file **out)
{
	struct hp_bls_file *v;

	if (s->nr_files >= MAX_FILES)
		return -E2BIG;
	v = realloc(s->files, (s->nr_files + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->files = v;
	*out = &v[s->nr_files++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* the version in "TOKEN-VERSION.conf" or "TOKEN-VERSION+TRIES[-DONE].conf" */
static void kver_from_name(const char *name, const char *token, char *out, size_t len)
{
	size_t t = strlen(token), n = strlen(name);
	const char *v = name, *plus;

	out[0] = '\0';
	if (t && !strncmp(name, token, t) && name[t] == '-')
		v = name + t + 1;
	if (n < 5 || (size_t)(v - name) >= n - 5)
		return;
	n = (size_t)(name + n - 5 - v);
	plus = memchr(v, '+', n);
	if (plus)
		n = (size_t)(plus - v);
	snprintf(out, len, "%.*s", (int)n, v);
}

bool hp_kernel_installed(const char *root, const char *ver)
{
	char p[4096];

	if (!*ver || strchr(ver, '/') || streq(ver, ".") || streq(ver, ".."))
		return false;
	snprintf(p, sizeof(p), HP_P_MODULES, ver);
	if (!is_dir(root, p))
		return false;
	snprintf(p, sizeof(p), HP_P_VMLINUZ, ver);
	if (is_file(root, p))
		return true;
	snprintf(p, sizeof(p), HP_P_MODULES_VMLINUZ, ver);
	return is_file(root, p);
}

/* an entry's kernel: its modules, and its image where the entry names it or where distros put it */
static bool entry_installed(const char *root, const char *prefix, const struct hp_bls_entry *e,
			    const char *ver)
{
	char p[4096];

	if (!*ver || strchr(ver, '/') || streq(ver, ".") || streq(ver, ".."))
		return false;
	snprintf(p, sizeof(p), HP_P_MODULES, ver);
	if (!is_dir(root, p))
		return false;
	if (e->linux_path[0]) {
		/* relative to the partition: $BOOT when it is one, else the root file system */
		snprintf(p, sizeof(p), "%s/%s", prefix, e->linux_path);
		if (is_file(root, p) || is_file(root, e->linux_path))
			return true;
	}
	return hp_kernel_installed(root, ver);
}

/* the folder fmt (with prefix) beneath root: *d and dir (as on the system), or NULL and errno */
static DIR *open_folder(const char *root, const char *fmt, const char *prefix, char *dir,
			size_t len)
{
	DIR *d;
	int r;

	snprintf(dir, len, fmt, prefix);
	r = hp_root_opendir(root, dir, &d);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	return d;
}

/*
 * The next file of d named *suffix (any case), not hidden: its name and path, or NULL. Folders
 * and what cannot be looked at (a dangling link) are skipped; anything else is returned, so
 * that reading it says what is wrong with what is not a regular file (a FIFO is refused,
 * never opened: sys/root.h).
 */
static const char *next_file(const char *root, DIR *d, const char *dir, const char *suffix,
			     char *path, size_t len)
{
	size_t sl = strlen(suffix);
	struct dirent *de;

	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct stat st;

		if (n <= sl || strcasecmp(de->d_name + n - sl, suffix) || de->d_name[0] == '.' ||
		    n >= HP_BOOT_ID_MAX)
			continue;
		snprintf(path, len, "%.3800s/%s", dir, de->d_name);
		if (hp_root_stat(root, path, &st, true) == 0 && !S_ISDIR(st.st_mode))
			return de->d_name;
	}
	return NULL;
}

static int scan_entries(const char *root, const char *prefix, bool under_boot,
			struct hp_bls_scan *s, char *what, size_t wlen)
{
	char dir[4096], path[4096];
	const char *name;
	DIR *d;
	int r = 0;

	d = open_folder(root, HP_P_BLS_ENTRIES, prefix, dir, sizeof(dir));
	if (!d)
		return errno == ENOENT || errno == ENOTDIR
			       ? 0
			       : (snprintf(what, wlen, "%s", dir), -errno);
	while (r == 0 && (name = next_file(root, d, dir, ".conf", path, sizeof(path)))) {
		struct hp_bls_entry e;
		struct hp_bls_file *f;

		r = add_file(s, &f);
		if (r < 0)
			break;
		snprintf(f->name, sizeof(f->name), "%s", name);
		snprintf(f->path, sizeof(f->path), "%s", path);
		f->type = HP_BOOT_TYPE1;
		f->under_boot = under_boot;
		r = hp_read_text(root, &f->text, NULL, ENTRY_MAX, "%s", path);
		if (r < 0) {
			snprintf(what, wlen, "%s", path);
			break;
		}
		r = hp_bls_parse(f->text, &e);
		if (r == 0) {
			snprintf(f->sort_key, sizeof(f->sort_key), "%s", e.sort_key);
			snprintf(f->machine_id, sizeof(f->machine_id), "%s", e.machine_id);
			snprintf(f->version, sizeof(f->version), "%s", e.version);
			if (e.version[0])
				snprintf(f->kver, sizeof(f->kver), "%s", e.version);
			else
				kver_from_name(f->name, s->where.token, f->kver, sizeof(f->kver));
			f->ours = under_boot && hp_bls_name_has_token(f->name, s->where.token) &&
				  (!e.machine_id[0] || !s->facts.machine_id[0] ||
				   streq(e.machine_id, s->facts.machine_id));
			f->installed = entry_installed(root, prefix, &e, f->kver);
			f->managed = f->ours && f->installed && !e.efi[0];
		}
		hp_bls_entry_free(&e);
	}
	closedir(d);
	return r;
}

static int read_section(int fd, const struct hp_pe_section *sec, char **out)
{
	size_t len = hp_pe_section_len(sec);
	char *buf;
	ssize_t k;

	if (len > SECTION_MAX)
		len = SECTION_MAX;
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	k = pread(fd, buf, len, sec->raw_offset);
	if (k < 0) {
		free(buf);
		return -errno;
	}
	buf[k] = '\0';
	*out = buf;
	return (int)k;
}

static int scan_ukis(const char *root, const char *prefix, struct hp_bls_scan *s)
{
	char dir[4096], path[4096];
	const char *name;
	DIR *d;
	int r = 0;

	d = open_folder(root, HP_P_UKI_DIR, prefix, dir, sizeof(dir));
	if (!d)
		return 0; /* bootctl skips what it cannot read here too */
	while (r == 0 && (name = next_file(root, d, dir, ".efi", path, sizeof(path)))) {
		unsigned char head[HP_PE_HEAD_MAX];
		const struct hp_pe_section *sec;
		char title[HP_BOOT_ID_MAX];
		_cleanup_close_ int fd = -1;
		struct hp_bls_file *f;
		struct hp_pe pe;
		ssize_t k;

		fd = hp_root_open_file(root, path, NULL);
		if (fd < 0)
			continue; /* bootctl skips what it cannot read too */
		k = pread(fd, head, sizeof(head), 0);
		if (k <= 0 || hp_pe_parse(head, (size_t)k, &pe) < 0 || !hp_pe_is_uki(&pe))
			continue;
		r = add_file(s, &f);
		if (r < 0)
			break;
		snprintf(f->name, sizeof(f->name), "%s", name);
		snprintf(f->path, sizeof(f->path), "%s", path);
		f->type = HP_BOOT_UKI;
		sec = hp_pe_find(&pe, ".osrel");
		if (sec) {
			_cleanup_free_ char *osrel = NULL;

			if (read_section(fd, sec, &osrel) >= 0)
				hp_osrel_pick(osrel, f->sort_key, f->version, title,
					      sizeof(f->version));
		}
		sec = hp_pe_find(&pe, ".uname");
		if (sec) {
			_cleanup_free_ char *un = NULL;

			if (read_section(fd, sec, &un) >= 0)
				snprintf(f->kver, sizeof(f->kver), "%.*s", (int)strcspn(un, "\r\n"),
					 un);
		}
		sec = hp_pe_find(&pe, ".cmdline");
		if (sec) {
			_cleanup_free_ char *raw = NULL;
			int len = read_section(fd, sec, &raw);

			if (len >= 0) {
				f->cmdline = malloc((size_t)len + 1);
				if (!f->cmdline)
					r = -ENOMEM;
				else
					hp_uki_cmdline_text(raw, (size_t)len, f->cmdline,
							    (size_t)len + 1);
			}
		}
	}
	closedir(d);
	return r;
}

static void efivar(const char *root, const char *path, char *out, size_t len)
{
	_cleanup_free_ char *t = NULL;
	size_t n = 0;

	out[0] = '\0';
	if (hp_read_text(root, &t, &n, 4096, "%s", path) == 0)
		hp_efivar_string((const unsigned char *)t, n, out, len);
}

static char *keep(struct hp_bls_scan *s, char *str)
{
	char **v;

	if (!str)
		return NULL;
	v = realloc(s->strings, (s->nr_strings + 1) * sizeof(*v));
	if (!v) {
		free(str);
		return NULL;
	}
	s->strings = v;
	v[s->nr_strings++] = str;
	return str;
}

static int scan_records(const char *root, struct hp_bls_scan *s, char *what, size_t wlen)
{
	struct dirent *de;
	DIR *d;
	int r;

	r = hp_root_opendir(root, HP_P_ENTRY_RECORDS, &d);
	if (r < 0)
		return r == -ENOENT ? 0 : (snprintf(what, wlen, "%s", HP_P_ENTRY_RECORDS), r);
	while (r == 0 && (de = readdir(d))) {
		static const char *const names[] = { HP_BLS_REC_PATH, HP_BLS_REC_BEFORE,
						     HP_BLS_REC_AFTER };
		const char *vals[3] = { NULL, NULL, NULL };
		struct hp_bls_rec *v;
		char dir[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", HP_P_ENTRY_RECORDS, de->d_name);
		if (!is_dir(root, dir))
			continue;
		for (size_t i = 0; i < 3; i++) {
			char file[4096], *t = NULL;
			int k;

			snprintf(file, sizeof(file), "%.4000s/%s", dir, names[i]);
			k = hp_read_text(root, &t, NULL, ENTRY_MAX, "%s", file);
			if (k == -ENOENT)
				continue;
			if (k < 0) {
				snprintf(what, wlen, "%s", file);
				r = k;
				break;
			}
			if (i == 0)
				t[strcspn(t, "\n")] = '\0';
			vals[i] = keep(s, t);
			if (!vals[i])
				r = -ENOMEM;
		}
		if (r < 0)
			break;
		v = realloc(s->recs, (s->nr_recs + 1) * sizeof(*v));
		if (!v) {
			r = -ENOMEM;
			break;
		}
		s->recs = v;
		v[s->nr_recs].name = keep(s, strdup(de->d_name));
		v[s->nr_recs].path = vals[0];
		v[s->nr_recs].before = vals[1];
		v[s->nr_recs].after = vals[2];
		if (!v[s->nr_recs].name)
			r = -ENOMEM;
		s->nr_recs++;
	}
	closedir(d);
	return r;
}

int hp_bls_scan(const char *root, struct hp_bls_scan *s, char *what, size_t wlen)
{
	const char *prefs[] = { HP_P_BOOT_EFI, HP_P_BOOT, HP_P_BOOT_BOOT_EFI };
	struct stat seen[ARRAY_SIZE(prefs) + 1];
	size_t nseen = 0;
	char conf[4096];
	int r;

	memset(s, 0, sizeof(*s));
	what[0] = '\0';
	s->def = -1;
	ki_facts(root, s);

	/* $BOOT first (its entries are the ones apply edits), then the other candidates */
	for (size_t i = 0; i <= ARRAY_SIZE(prefs); i++) {
		const char *pref = i == 0 ? s->where.boot : prefs[i - 1];
		struct stat st;
		bool dup = false;

		if (hp_root_stat(root, pref, &st, true) < 0 || !S_ISDIR(st.st_mode))
			continue;
		for (size_t k = 0; k < nseen; k++)
			dup |= seen[k].st_dev == st.st_dev && seen[k].st_ino == st.st_ino;
		if (dup)
			continue;
		seen[nseen++] = st;
		r = scan_entries(root, pref, i == 0, s, what, wlen);
		if (r == 0)
			r = scan_ukis(root, pref, s);
		if (r < 0)
			return r;
		/* loader.conf: the first candidate that has one (the ESP's) */
		snprintf(conf, sizeof(conf), HP_P_LOADER_CONF, pref);
		if (!s->pattern[0]) {
			_cleanup_free_ char *t = NULL;

			if (hp_read_text(root, &t, NULL, CONF_MAX, "%s", conf) == 0)
				hp_loader_conf_default(t, s->pattern, sizeof(s->pattern));
		}
	}
	efivar(root, HP_P_EFIVAR_ONESHOT, s->oneshot, sizeof(s->oneshot));
	efivar(root, HP_P_EFIVAR_DEFAULT, s->efi_default, sizeof(s->efi_default));

	s->items = calloc(s->nr_files ? s->nr_files : 1, sizeof(*s->items));
	s->found = calloc(s->nr_files ? s->nr_files : 1, sizeof(*s->found));
	if (!s->items || !s->found)
		return -ENOMEM;
	for (size_t i = 0; i < s->nr_files; i++) {
		struct hp_bls_file *f = &s->files[i];

		s->items[i] = (struct hp_boot_item){
			.key = { .type = f->type,
				 .id = f->name,
				 .sort_key = f->sort_key,
				 .machine_id = f->machine_id,
				 .version = f->version },
			.path = f->path,
			.managed = f->managed,
			.kver = f->kver,
		};
		s->nr_managed += f->managed;
		if (f->type == HP_BOOT_TYPE1 && f->under_boot)
			s->found[s->nr_found++] = (struct hp_bls_found){ .name = f->name,
									 .path = f->path,
									 .text = f->text,
									 .ours = f->ours,
									 .managed = f->managed };
	}
	hp_boot_sort(s->items, s->nr_files);
	s->def = hp_boot_default(s->items, s->nr_files, s->oneshot, s->efi_default, s->pattern);
	return scan_records(root, s, what, wlen);
}

void hp_bls_scan_free(struct hp_bls_scan *s)
{
	for (size_t i = 0; i < s->nr_files; i++) {
		free(s->files[i].text);
		free(s->files[i].cmdline);
	}
	for (size_t i = 0; i < s->nr_strings; i++)
		free(s->strings[i]);
	free(s->strings);
	free(s->files);
	free(s->items);
	free(s->found);
	free(s->recs);
	memset(s, 0, sizeof(*s));
	s->def = -1;
}

void hp_bls_in_from(const struct hp_bls_scan *s, struct hp_bls_in *in)
{
	memset(in, 0, sizeof(*in));
	in->entries = s->found;
	in->nr_entries = s->nr_found;
	in->recs = s->recs;
	in->nr_recs = s->nr_recs;
}

int hp_kernels_installed(const char *root, char (*out)[HP_KVER_MAX], size_t max)
{
	struct dirent *de;
	size_t n = 0, kept = 0;
	DIR *d;
	int r = hp_root_opendir(root, HP_P_MODULES_DIR, &d);

	if (r < 0)
		return r == -ENOENT ? 0 : r;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= HP_KVER_MAX ||
		    !hp_kernel_installed(root, de->d_name))
			continue;
		if (kept < max)
			snprintf(out[kept++], HP_KVER_MAX, "%s", de->d_name);
		n++;
	}
	closedir(d);
	qsort(out, kept, sizeof(*out), hp_vercmp_newest);
	return (int)n;
}

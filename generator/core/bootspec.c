// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bootspec.h"
#include "core/kdump.h" /* hp_shvar_get() */
#include "core/macro.h"
#include "core/pathnames.h"

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* the characters UAPI.10 gives a meaning; everything else is skipped */
static bool valid(char c)
{
	return digit(c) || letter(c) || c == '~' || c == '-' || c == '^' || c == '.';
}

static int cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

/* systemd's strverscmp_improved(), step by step */
int hp_vercmp(const char *a, const char *b)
{
	if (!a || !b)
		return cmp_int(a != NULL, b != NULL);
	for (;;) {
		const char *ea, *eb;
		size_t la, lb;
		int r;

		while (*a && !valid(*a))
			a++;
		while (*b && !valid(*b))
			b++;
		/* '~' (pre-releases) sorts lower than anything, the end included */
		if (*a == '~' || *b == '~') {
			r = cmp_int(*a != '~', *b != '~');
			if (r)
				return r;
			a++;
			b++;
		}
		/* at the end of one: the longer is newer */
		if (!*a || !*b)
			return cmp_int(*a != '\0', *b != '\0');
		/* '-' (version and release), then '^' (patched), then '.': the one that has it is
		 * older */
		if (*a == '-' || *b == '-') {
			r = cmp_int(*a != '-', *b != '-');
			if (r)
				return r;
			a++;
			b++;
		}
		if (*a == '^' || *b == '^') {
			r = cmp_int(*a != '^', *b != '^');
			if (r)
				return r;
			a++;
			b++;
		}
		if (*a == '.' || *b == '.') {
			r = cmp_int(*a != '.', *b != '.');
			if (r)
				return r;
			a++;
			b++;
		}
		if (digit(*a) || digit(*b)) {
			/* a number is newer than letters; then leading zeros out, longer is newer
			 */
			for (ea = a; digit(*ea); ea++)
				;
			for (eb = b; digit(*eb); eb++)
				;
			r = cmp_int(a != ea, b != eb);
			if (r)
				return r;
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			if (la != lb)
				return la > lb ? 1 : -1;
			r = memcmp(a, b, la);
			if (r)
				return r > 0 ? 1 : -1;
		} else {
			/* letters, capitals before small ones (ASCII); the longer run is newer */
			for (ea = a; letter(*ea); ea++)
				;
			for (eb = b; letter(*eb); eb++)
				;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			r = memcmp(a, b, la < lb ? la : lb);
			if (r)
				return r > 0 ? 1 : -1;
			if (la != lb)
				return la > lb ? 1 : -1;
		}
		a = ea;
		b = eb;
	}
}

int hp_vercmp_newest(const void *a, const void *b)
{
	return -hp_vercmp((const char *)a, (const char *)b);
}

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

int hp_boot_key_cmp(const struct hp_boot_key *a, const struct hp_boot_key *b)
{
	const char *sa = nz(a->sort_key), *sb = nz(b->sort_key);
	int r;

	/* entries without a sort key go after those with one */
	r = cmp_int(!sa, !sb);
	if (r)
		return r;
	if (sa && sb) {
		const char *ma = nz(a->machine_id), *mb = nz(b->machine_id);

		r = strcmp(sa, sb);
		if (r)
			return r;
		/* strcmp_ptr(): a missing machine id first */
		r = ma && mb ? strcmp(ma, mb) : cmp_int(ma != NULL, mb != NULL);
		if (r)
			return r;
		r = -hp_vercmp(nz(a->version), nz(b->version));
		if (r)
			return r;
	}
	return -hp_vercmp(a->id, b->id);
}

static int item_cmp(const void *a, const void *b)
{
	return hp_boot_key_cmp(&((const struct hp_boot_item *)a)->key,
			       &((const struct hp_boot_item *)b)->key);
}

void hp_boot_sort(struct hp_boot_item *items, size_t n)
{
	if (n > 1)
		qsort(items, n, sizeof(*items), item_cmp);
}

enum hp_uki_verdict hp_uki_verdict(const struct hp_boot_item *items, size_t n, int def)
{
	bool any = false;

	for (size_t i = 0; i < n; i++)
		any |= items[i].key.type == HP_BOOT_UKI;
	if (def >= 0 && (size_t)def < n && items[def].key.type == HP_BOOT_UKI)
		return HP_UKI_NEXT;
	return any ? HP_UKI_BESIDE : HP_UKI_NONE;
}

static int find(const struct hp_boot_item *items, size_t n, const char *pattern)
{
	if (!pattern || !*pattern)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (fnmatch(pattern, items[i].key.id, FNM_CASEFOLD) == 0)
			return (int)i;
	return -1;
}

int hp_boot_default(const struct hp_boot_item *items, size_t n, const char *oneshot,
		    const char *efi_default, const char *pattern)
{
	int i;

	if (!n)
		return -1;
	i = find(items, n, oneshot);
	if (i < 0)
		i = find(items, n, efi_default);
	if (i < 0)
		i = find(items, n, pattern);
	return i < 0 ? 0 : i;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int hp_loader_conf_default(const char *text, char *out, size_t len)
{
	const char *p = text;
	int found = 0;

	while (*p) {
		const char *eol = strchr(p, '\n'), *q = p, *v, *e;

		if (!eol)
			eol = p + strlen(p);
		while (q < eol && blank(*q))
			q++;
		if ((size_t)(eol - q) > 7 && !strncmp(q, "default", 7) && blank(q[7])) {
			for (v = q + 7; v < eol && blank(*v); v++)
				;
			for (e = eol; e > v && blank(e[-1]); e--)
				;
			if (e > v) {
				snprintf(out, len, "%.*s", (int)(e - v), v);
				found = 1;
			}
		}
		p = *eol ? eol + 1 : eol;
	}
	return found;
}

void hp_osrel_pick(const char *osrel, char *sort_key, char *version, char *title, size_t len)
{
	static const char *const keys[] = { "IMAGE_ID", "ID" };
	static const char *const vers[] = { "IMAGE_VERSION", "VERSION", "VERSION_ID", "BUILD_ID" };
	static const char *const titles[] = { "PRETTY_NAME", "IMAGE_ID", "NAME" };

	sort_key[0] = version[0] = title[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(keys) && !sort_key[0]; i++)
		hp_shvar_get(osrel, keys[i], sort_key, len);
	for (size_t i = 0; i < ARRAY_SIZE(vers) && !version[0]; i++)
		hp_shvar_get(osrel, vers[i], version, len);
	for (size_t i = 0; i < ARRAY_SIZE(titles) && !title[0]; i++)
		hp_shvar_get(osrel, titles[i], title, len);
}

int hp_efivar_string(const unsigned char *data, size_t n, char *out, size_t len)
{
	size_t o = 0;

	if (n < 4 || !len)
		return -EINVAL;
	for (size_t i = 4; i + 1 < n; i += 2) {
		unsigned c = data[i] | (unsigned)data[i + 1] << 8;

		if (!c)
			break;
		if (o + 1 < len)
			out[o++] = c < 0x80 && c >= 0x20 ? (char)c : '?';
	}
	out[o] = '\0';
	return 0;
}

size_t hp_ki_candidates(const struct hp_ki_facts *f, const char **out)
{
	size_t n = 0;

	if (f->entry_token[0]) {
		out[n++] = f->entry_token;
		return n;
	}
	if (f->machine_id[0])
		out[n++] = f->machine_id;
	if (f->image_id[0])
		out[n++] = f->image_id;
	if (f->os_id[0])
		out[n++] = f->os_id;
	out[n++] = "Default";
	return n;
}

size_t hp_ki_prefixes(const struct hp_ki_facts *f, const char **out)
{
	if (f->boot_root[0]) {
		out[0] = f->boot_root;
		return 1;
	}
	out[0] = HP_P_BOOT_EFI;
	out[1] = HP_P_BOOT;
	out[2] = HP_P_BOOT_BOOT_EFI;
	return 3;
}

void hp_ki_locate(const struct hp_ki_facts *f, struct hp_ki_where *out)
{
	const char *tokens[HP_BOOT_TOKENS_MAX], *prefs[HP_BOOT_PREFIXES];
	size_t nt = hp_ki_candidates(f, tokens), np = hp_ki_prefixes(f, prefs);
	const char *boot = f->boot_root[0] ? f->boot_root : NULL;
	const char *token = f->entry_token[0] ? f->entry_token : NULL;

	memset(out, 0, sizeof(*out));
	/* the loop of kernel-install: a token directory, or loader/entries, ends it */
	for (size_t p = 0; p < np && !out->found; p++) {
		for (size_t t = 0; t < nt; t++) {
			if (f->token_dir[p][t]) {
				boot = boot ? boot : prefs[p];
				token = token ? token : tokens[t];
				out->found = true;
				break;
			}
			if (f->entries_dir[p]) {
				boot = boot ? boot : prefs[p];
				out->found = true;
				break;
			}
		}
	}
	/* then /efi or /boot/efi when mounted, else /boot */
	if (!boot && !f->boot_root[0]) {
		if (f->mountpoint[0])
			boot = HP_P_BOOT_EFI;
		else if (f->mountpoint[2])
			boot = HP_P_BOOT_BOOT_EFI;
	}
	if (!boot)
		boot = HP_P_BOOT;
	if (!token)
		token = f->machine_id;
	snprintf(out->boot, sizeof(out->boot), "%s", boot);
	snprintf(out->token, sizeof(out->token), "%s", token);
}

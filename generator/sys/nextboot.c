// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/macro.h"
#include "sys/nextboot.h"
#include "sys/path.h"

#define CFG_MAX (4U << 20)

int hp_next_facts_read(const char *root, struct hp_next_facts *f)
{
	_cleanup_free_ struct hp_bls_scan *s = calloc(1, sizeof(*s));
	_cleanup_free_ char *cfg = NULL, *env = NULL, *rel = NULL;
	char what[4096];
	int r;

	memset(f, 0, sizeof(*f));
	if (!s)
		return -ENOMEM;
	r = hp_bls_scan(root, s, what, sizeof(what));
	if (r == -ENOMEM) {
		hp_bls_scan_free(s);
		return r;
	}
	if (r == 0 && s->def >= 0)
		snprintf(f->bls, sizeof(f->bls), "%s", s->items[s->def].kver);
	hp_bls_scan_free(s);
	if (hp_read_text(root, &cfg, NULL, CFG_MAX, "%s", HP_P_GRUB_CFG) == 0) {
		if (hp_read_text(root, &env, NULL, 1U << 16, "%s", HP_P_GRUBENV) < 0)
			env = NULL;
		hp_grub_default_kver(cfg, env, f->grub, sizeof(f->grub));
	}
	r = hp_kernels_installed(root, f->installed, HP_INSTALLED_MAX);
	if (r == -ENOMEM)
		return r;
	if (r > 0) {
		f->total_installed = (size_t)r;
		f->nr_installed = f->total_installed < HP_INSTALLED_MAX ? f->total_installed
									: HP_INSTALLED_MAX;
	}
	if (hp_read_text(root, &rel, NULL, 4096, "%s", HP_P_OSRELEASE) == 0)
		snprintf(f->running, sizeof(f->running), "%.*s", (int)strcspn(rel, "\n"), rel);
	return 0;
}

int hp_next_resolve(const struct hp_next_facts *f, const char *given, char *out, size_t len,
		    enum hp_kver_source *src)
{
	const struct hp_next_in in = {
		.given = given,
		.bls_default = f->bls,
		.grub_default = f->grub,
		.newest = f->nr_installed ? f->installed[0] : NULL,
		.running = f->running,
	};
	const char *k = hp_next_kernel(&in, src);

	if (!k)
		return -ENOENT;
	snprintf(out, len, "%s", k);
	return 0;
}

void hp_installed_list(const struct hp_next_facts *f, char *out, size_t len)
{
	size_t o = 0;

	snprintf(out, len, "none");
	for (size_t i = 0; i < f->nr_installed && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? ", " : "", f->installed[i]);
	if (f->total_installed > f->nr_installed && o < len)
		snprintf(out + o, len - o, ", and %zu more", f->total_installed - f->nr_installed);
}

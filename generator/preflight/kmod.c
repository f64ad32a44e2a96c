// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkmod.h>

#include "preflight/kmod.h"
#include "core/macro.h"
#include "sys/path.h"

struct hp_kmod {
	struct kmod_ctx *ctx;
	char kver[128];
	char dirname[PATH_MAX]; /* <root>/lib/modules/<kver>, as libkmod prefixes paths */
};

static void silent_log(void *data, int priority, const char *file, int line, const char *fn,
		       const char *format, va_list args)
{
	(void)data, (void)priority, (void)file, (void)line, (void)fn, (void)format, (void)args;
}

int hp_kmod_open(const char *root, const char *kver, struct hp_kmod **out)
{
	static const char *const conf[] = {
		HP_P_MODPROBE_ETC, HP_P_MODPROBE_RUN, HP_P_MODPROBE_USRLOCAL,
		HP_P_MODPROBE_USR, HP_P_MODPROBE_LIB,
	};
	char paths[ARRAY_SIZE(conf)][PATH_MAX];
	const char *argv[ARRAY_SIZE(conf) + 1];
	struct hp_kmod *k;
	size_t i;
	int r;

	if (!kver || !*kver || strchr(kver, '/'))
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	snprintf(k->kver, sizeof(k->kver), "%s", kver);
	r = hp_path(k->dirname, sizeof(k->dirname), root, HP_P_MODULES, kver);
	for (i = 0; r == 0 && i < ARRAY_SIZE(conf); i++) {
		r = hp_path(paths[i], sizeof(paths[i]), root, "%s", conf[i]);
		argv[i] = paths[i];
	}
	argv[i] = NULL;
	if (r < 0)
		goto fail;
	if (!hp_path_exists(root, HP_P_MODULES, kver)) {
		r = -ENOENT;
		goto fail;
	}
	if (!hp_path_exists(root, HP_P_MODULES_DEP, kver)) {
		r = -ENODATA;
		goto fail;
	}
	k->ctx = kmod_new(k->dirname, argv);
	if (!k->ctx) {
		r = -ENOMEM;
		goto fail;
	}
	kmod_set_log_fn(k->ctx, silent_log, NULL);
	*out = k;
	return 0;
fail:
	free(k);
	return r;
}

void hp_kmod_close(struct hp_kmod *k)
{
	if (!k)
		return;
	kmod_unref(k->ctx);
	free(k);
}

/* libkmod reports <root>/lib/modules/<kver>/x.ko; show it as the booted system will see it */
static void target_path(const struct hp_kmod *k, const char *path, char *buf, size_t len)
{
	size_t dl = strlen(k->dirname);

	if (!strncmp(path, k->dirname, dl) && path[dl] == '/')
		snprintf(buf, len, HP_P_MODULES "%s", k->kver, path + dl);
	else
		snprintf(buf, len, "%s", path);
}

/* whether the module of list entry l has the name of mod */
static bool named(const struct kmod_list *l, const struct kmod_module *mod)
{
	struct kmod_module *m = kmod_module_get_module(l); /* takes a reference */
	bool same = !strcmp(kmod_module_get_name(m), kmod_module_get_name(mod));

	kmod_module_unref(m);
	return same;
}

/*
 * Whether a modprobe blacklist line applies. kmod_module_apply_filter() wants a list, and
 * only lookups make lists: look the name up as modprobe would and see whether the module of
 * that name survives the filter.
 */
static int is_blacklisted(struct hp_kmod *k, struct kmod_module *mod, bool *out)
{
	struct kmod_list *list = NULL, *kept = NULL, *l;
	bool listed = false, survived = false;
	int r;

	r = kmod_module_new_from_lookup(k->ctx, kmod_module_get_name(mod), &list);
	if (r < 0)
		return r;
	r = kmod_module_apply_filter(k->ctx, KMOD_FILTER_BLACKLIST, list, &kept);
	if (r < 0) {
		kmod_module_unref_list(list);
		return r;
	}
	kmod_list_foreach(l, list)
		listed |= named(l, mod);
	kmod_list_foreach(l, kept)
		survived |= named(l, mod);
	kmod_module_unref_list(list);
	kmod_module_unref_list(kept);
	*out = listed && !survived;
	return 0;
}

int hp_kmod_query(struct hp_kmod *k, const char *name, struct hp_modinfo *out)
{
	struct kmod_module *mod = NULL, *m;
	struct hp_modinfo mi;
	const char *path, *install;
	int r;

	if (!name || !*name || strlen(name) >= sizeof(mi.name))
		return -EINVAL;
	memset(&mi, 0, sizeof(mi));

	/* by name only (modules.dep, modules.builtin, modules.builtin.alias): no alias tricks */
	r = kmod_module_new_from_name_lookup(k->ctx, name, &mod);
	if (r < 0)
		return r;
	m = mod;
	if (!m) {
		/* not in the tree, but the configuration can still name it */
		r = kmod_module_new_from_name(k->ctx, name, &m);
		if (r < 0)
			return r;
	}

	snprintf(mi.name, sizeof(mi.name), "%s", kmod_module_get_name(m));
	mi.state = HP_MOD_MISSING;
	if (mod) {
		path = kmod_module_get_path(mod);
		if (path) {
			mi.state = HP_MOD_LOADABLE;
			target_path(k, path, mi.path, sizeof(mi.path));
		} else if (kmod_module_get_initstate(mod) == KMOD_MODULE_BUILTIN) {
			/*
			 * Only called without a path: then the lookup found it in the builtin
			 * indexes and libkmod answers from them, never from this host's
			 * /sys/module.
			 */
			mi.state = HP_MOD_BUILTIN;
		}
	}
	install = kmod_module_get_install_commands(m);
	if (install)
		snprintf(mi.install, sizeof(mi.install), "%s", install);
	r = is_blacklisted(k, m, &mi.blacklisted);
	kmod_module_unref(m);
	if (r < 0)
		return r;
	*out = mi;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libkmod.h>

#include "preflight/kmod.h"
#include "core/macro.h"
#include "sys/path.h"
#include "sys/root.h"

static const char *const conf_dirs[] = {
	HP_P_MODPROBE_ETC, HP_P_MODPROBE_RUN, HP_P_MODPROBE_USRLOCAL,
	HP_P_MODPROBE_USR, HP_P_MODPROBE_LIB,
};
#define NR_CONF_DIRS ARRAY_SIZE(conf_dirs)

/*
 * Beneath a root (an image), libkmod would resolve its paths as the running system does:
 * an image's "etc/modprobe.d -> /etc/modprobe.d" would read the host's configuration. So
 * there, as root, libkmod runs in a child chrooted into the root (every path it opens is
 * then the image's own, /proc/cmdline's modprobe.blacklist= included), answering queries
 * over a socket. Without the right to chroot (not root, hence no privilege to abuse), or on
 * the running system, it runs here.
 */
struct hp_kmod {
	struct kmod_ctx *ctx; /* here; NULL when a child answers */
	pid_t child;
	int sock;
	char kver[128];
	char dirname[PATH_MAX]; /* libkmod's module directory, as libkmod prefixes paths */
};

struct reply {
	int r;
	struct hp_modinfo mi;
};

static void silent_log(void *data, int priority, const char *file, int line, const char *fn,
		       const char *format, va_list args)
{
	(void)data, (void)priority, (void)file, (void)line, (void)fn, (void)format, (void)args;
}

/* a libkmod context for dirname with the modprobe.d folders under prefix ("" for none) */
static struct kmod_ctx *new_ctx(const char *dirname, const char *prefix)
{
	char paths[NR_CONF_DIRS][PATH_MAX];
	const char *argv[NR_CONF_DIRS + 1];
	struct kmod_ctx *ctx;
	size_t i;

	for (i = 0; i < NR_CONF_DIRS; i++) {
		if (hp_path(paths[i], sizeof(paths[i]), prefix, "%s", conf_dirs[i]) < 0)
			return NULL;
		argv[i] = paths[i];
	}
	argv[i] = NULL;
	ctx = kmod_new(dirname, argv);
	if (ctx)
		kmod_set_log_fn(ctx, silent_log, NULL);
	return ctx;
}

static int query_here(struct hp_kmod *k, const char *name, struct hp_modinfo *out);

/* the chrooted child: a query per message until the parent closes the socket */
static void serve(int sock, const char *root, struct hp_kmod *k)
{
	char name[sizeof(((struct hp_modinfo *)0)->name) + 1];
	struct reply rep = { 0 };
	ssize_t n;

	if (chroot(root) < 0 || chdir("/") < 0)
		rep.r = -errno;
	else if (!(k->ctx = new_ctx(k->dirname, NULL)))
		rep.r = -ENOMEM;
	if (send(sock, &rep, sizeof(rep), MSG_NOSIGNAL) != (ssize_t)sizeof(rep) || rep.r < 0)
		_exit(1);
	while ((n = recv(sock, name, sizeof(name) - 1, 0)) > 0) {
		name[n] = '\0';
		memset(&rep, 0, sizeof(rep));
		rep.r = query_here(k, name, &rep.mi);
		if (send(sock, &rep, sizeof(rep), MSG_NOSIGNAL) != (ssize_t)sizeof(rep))
			break;
	}
	_exit(0);
}

static int spawn(const char *root, struct hp_kmod *k)
{
	struct reply rep;
	int sv[2], r;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	fflush(NULL);
	k->child = fork();
	if (k->child < 0) {
		r = -errno;
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (k->child == 0) {
		close(sv[0]);
		serve(sv[1], root, k);
	}
	close(sv[1]);
	k->sock = sv[0];
	do
		n = recv(k->sock, &rep, sizeof(rep), 0);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(rep) && rep.r == 0)
		return 0;
	r = n == (ssize_t)sizeof(rep) ? rep.r : -EIO;
	close(k->sock);
	waitpid(k->child, NULL, 0);
	return r;
}

/* whether dir beneath root holds only regular files and directories (of names with prefix) */
static int scan_dir(const char *root, const char *dir, const char *prefix, char *errpath,
		    size_t errlen)
{
	struct dirent *e;
	DIR *d;
	int r = hp_root_opendir(root, dir, &d);

	if (r == -ENOENT || r == -ENOTDIR)
		return 0;
	if (r < 0) {
		hp_path(errpath, errlen, root, "%s", dir);
		return r;
	}
	while (r == 0 && (e = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		r = hp_root_stat(root, p, &st, true);
		if (r == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			r = -HP_ENOTREG;
		if (r == -ENOENT)
			r = 0; /* a dangling link: libkmod skips it too */
		if (r < 0)
			hp_path(errpath, errlen, root, "%s", p);
	}
	closedir(d);
	return r;
}

int hp_kmod_scan(const char *root, const char *kver, char *errpath, size_t errlen)
{
	char dir[PATH_MAX];
	int r = 0;

	for (size_t i = 0; i < NR_CONF_DIRS && r == 0; i++)
		r = scan_dir(root, conf_dirs[i], "", errpath, errlen);
	if (r == 0 && kver && *kver && !strchr(kver, '/') &&
	    snprintf(dir, sizeof(dir), HP_P_MODULES, kver) < (int)sizeof(dir))
		r = scan_dir(root, dir, "modules.", errpath, errlen);
	return r;
}

int hp_kmod_open(const char *root, const char *kver, struct hp_kmod **out)
{
	struct hp_kmod *k;
	int r;

	if (!kver || !*kver || strchr(kver, '/'))
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->sock = -1;
	snprintf(k->kver, sizeof(k->kver), "%s", kver);
	if (!hp_path_exists(root, HP_P_MODULES, kver)) {
		r = -ENOENT;
		goto fail;
	}
	if (!hp_path_exists(root, HP_P_MODULES_DEP, kver)) {
		r = -ENODATA;
		goto fail;
	}
	if (!hp_root_is_host(root) && geteuid() == 0) {
		r = hp_path(k->dirname, sizeof(k->dirname), NULL, HP_P_MODULES, kver);
		if (r == 0)
			r = spawn(root, k);
		if (r < 0)
			goto fail;
		*out = k;
		return 0;
	}
	r = hp_path(k->dirname, sizeof(k->dirname), root, HP_P_MODULES, kver);
	if (r < 0)
		goto fail;
	k->ctx = new_ctx(k->dirname, root);
	if (!k->ctx) {
		r = -ENOMEM;
		goto fail;
	}
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
	if (k->ctx)
		kmod_unref(k->ctx);
	if (k->sock >= 0) {
		close(k->sock); /* the child's recv() ends */
		while (waitpid(k->child, NULL, 0) < 0 && errno == EINTR)
			;
	}
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

/* another module's install command that runs modprobe of name (core/check.h) */
static void loaded_by(struct hp_kmod *k, const char *name, char *buf, size_t len)
{
	struct kmod_config_iter *it = kmod_config_get_install_commands(k->ctx);

	buf[0] = '\0';
	while (it && kmod_config_iter_next(it)) {
		const char *key = kmod_config_iter_get_key(it);

		if (!hp_param_eq(key, name) &&
		    hp_install_loads(kmod_config_iter_get_value(it), name)) {
			snprintf(buf, len, "%s", key);
			break;
		}
	}
	kmod_config_iter_free_iter(it);
}

static int query_here(struct hp_kmod *k, const char *name, struct hp_modinfo *out)
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
	loaded_by(k, mi.name, mi.loaded_by, sizeof(mi.loaded_by));
	r = is_blacklisted(k, m, &mi.blacklisted);
	kmod_module_unref(m);
	if (r < 0)
		return r;
	*out = mi;
	return 0;
}

int hp_kmod_query(struct hp_kmod *k, const char *name, struct hp_modinfo *out)
{
	struct reply rep;
	ssize_t n;

	if (k->ctx)
		return query_here(k, name, out);
	if (!name || !*name || strlen(name) >= sizeof(out->name))
		return -EINVAL;
	if (send(k->sock, name, strlen(name), MSG_NOSIGNAL) < 0)
		return -errno;
	do
		n = recv(k->sock, &rep, sizeof(rep), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(rep))
		return n < 0 ? -errno : -EIO;
	if (rep.r < 0)
		return rep.r;
	*out = rep.mi;
	return 0;
}

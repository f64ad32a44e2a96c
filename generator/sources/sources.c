// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/libvirt.h"
#include "sources/proxmox.h"
#include "sources/sources.h"
#include "sys/path.h"
#include "sys/root.h"

struct list {
	struct hp_vm *v;
	size_t n, cap;
};

void hp_sources_text(unsigned mask, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int s = HP_SRC_FILES; s <= HP_SRC_PROXMOX && o < len; s++)
		if (mask & (1U << s))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " " : "",
					      hp_source_name((enum hp_source)s));
}

static int push(struct list *l, const struct hp_vm *vm)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		struct hp_vm *nv = realloc(l->v, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = *vm;
	return 0;
}

static void free_list(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].backends);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * Every path below is as the root's own system names it ("/etc/libvirt/qemu") and is
 * resolved beneath the root (sys/root.h): no link in an image leads a read out of it.
 * Messages show it under the root's name (hp_path()).
 */

/* whether dir beneath root is a directory, or a name that cannot be resolved (read it: say why) */
static bool source_here(const char *root, const char *dir)
{
	struct stat st;
	int r = hp_root_stat(root, dir, &st, true);

	if (r == 0)
		return S_ISDIR(st.st_mode);
	/* a link that dangles or loops inside the image is an error, not an absent source */
	return r != -ENOENT || hp_root_stat(root, dir, &st, false) == 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* VMIDs in numeric order, then anything else by name */
static int cmp_vmid(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t lx = strspn(x, "0123456789"), ly = strspn(y, "0123456789");

	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

/* the names in dir (beneath root) ending in suffix, sorted; *out malloc'd */
static int list_dir(struct hp_config *c, const char *root, const char *dir, const char *suffix,
		    bool by_vmid, char ***out, size_t *nr, struct hp_diag *err)
{
	size_t sl = strlen(suffix), n = 0, cap = 0;
	char **v = NULL, shown[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int r;

	*out = NULL;
	*nr = 0;
	if (hp_path(shown, sizeof(shown), root, "%s", dir) < 0)
		return -ENAMETOOLONG;
	r = hp_root_opendir(root, dir, &d);
	if (r < 0) {
		struct hp_loc loc = { shown, 0 };

		if (r == -ENOENT && hp_root_stat(root, dir, &st, false) < 0)
			return 0;
		hp_diag_set(err, &loc, "cannot read directory: %s",
			    r == -ENOENT ? "a dangling symbolic link" : hp_strerror(r));
		return r;
	}
	r = fstat(dirfd(d), &st) < 0 ? -errno : hp_config_check_perms(c, root, shown, &st, err);
	while (r >= 0 && (de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l <= sl || strcmp(de->d_name + l - sl, suffix))
			continue;
		if (by_vmid && strspn(de->d_name, "0123456789") != l - sl)
			continue; /* pmxcfs holds VMID.conf only */
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **nv = realloc(v, nc * sizeof(*nv));

			if (!nv) {
				r = -ENOMEM;
				break;
			}
			v = nv;
			cap = nc;
		}
		v[n] = strdup(de->d_name);
		if (!v[n]) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (r < 0) {
		while (n)
			free(v[--n]);
		free(v);
		return r;
	}
	qsort(v, n, sizeof(*v), by_vmid ? cmp_vmid : cmp_name);
	*out = v;
	*nr = n;
	return 0;
}

/*
 * one file of a source directory (path beneath root, shown pooled in c): regular, not a
 * link, small, trusted. What is there is looked at before it is opened (a device is never
 * opened, a FIFO never waited on), and what is opened must be what was looked at.
 */
static int read_source(struct hp_config *c, const char *root, const char *path, const char *shown,
		       char **text, size_t *len, struct hp_diag *err)
{
	struct hp_loc loc = { shown, 0 };
	struct stat here, st;
	int fd, r;

	r = hp_root_stat(root, path, &here, false);
	if (r == 0 && S_ISLNK(here.st_mode)) {
		hp_diag_set(err, &loc, "cannot open: a symbolic link (not followed)");
		return -ELOOP;
	}
	fd = r < 0 ? r : hp_root_open_file(root, path, &st);
	if (fd == -HP_ENOTREG || fd == -EISDIR) {
		hp_diag_set(err, &loc, "not a regular file");
		return -EINVAL;
	}
	if (fd < 0) {
		hp_diag_set(err, &loc, "cannot open: %s", hp_strerror(fd));
		return fd;
	}
	if (st.st_dev != here.st_dev || st.st_ino != here.st_ino) {
		close(fd);
		hp_diag_set(err, &loc, "changed while it was read: run again");
		return -ESTALE;
	}
	/* its directory passed in list_dir(); not a link, the file is what is judged */
	r = hp_config_check_leaf(c, shown, &st, err);
	if (r == 0 && st.st_size > HP_SOURCE_FILE_MAX) {
		hp_diag_set(err, &loc, "file too large (%lld bytes, at most %u)",
			    (long long)st.st_size, HP_SOURCE_FILE_MAX);
		r = -EFBIG;
	}
	if (r == 0) {
		r = hp_read_fd(fd, text, len, HP_SOURCE_FILE_MAX);
		if (r < 0)
			hp_diag_set(err, &loc, "cannot read: %s", hp_strerror(r));
	}
	close(fd);
	return r;
}

static int read_dir(struct hp_config *c, const char *root, const char *dir, enum hp_source src,
		    struct list *out, struct hp_diag *err)
{
	bool pve = src == HP_SRC_PROXMOX;
	char **names;
	size_t n;
	int r = list_dir(c, root, dir, pve ? ".conf" : ".xml", pve, &names, &n, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX + 256], shown[PATH_MAX + 256], vmid[32];
		const char *file;
		struct hp_vm vm;
		char *text = NULL;
		size_t len;

		if (r < 0)
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (hp_path(shown, sizeof(shown), root, "%s", path) < 0) {
			r = -ENAMETOOLONG;
			goto next;
		}
		file = hp_config_pool_file(c, shown);
		if (!file) {
			r = -ENOMEM;
			goto next;
		}
		r = read_source(c, root, path, file, &text, &len, err);
		if (r < 0)
			goto next;
		if (pve) {
			snprintf(vmid, sizeof(vmid), "%.*s", (int)(strlen(names[i]) - 5), names[i]);
			r = hp_proxmox_parse(file, vmid, text, len, &vm, err);
		} else {
			r = hp_libvirt_parse(file, text, len, &vm, err);
		}
		if (r == HP_PVE_TEMPLATE && pve) {
			r = 0;
		} else if (r == 0) {
			r = push(out, &vm);
			if (r < 0)
				free(vm.backends);
		}
	next:
		free(text);
		free(names[i]);
	}
	free(names);
	return r;
}

/* this node's qemu-server directory (beneath root, as its system names it) */
static int pve_dir(const char *root, char *buf, size_t len, struct hp_diag *err)
{
	char target[256];
	const char *name;

	/* no link (or none to read): the directory pmxcfs links to local/qemu-server */
	if (hp_root_readlink(root, HP_P_PVE_LOCAL, target, sizeof(target)) < 0)
		return snprintf(buf, len, "%s", HP_P_PVE_QEMU) < (int)len ? 0 : -ENAMETOOLONG;
	/* pmxcfs: "nodes/NAME"; accept its absolute spelling too */
	name = !strncmp(target, "nodes/", 6)		  ? target + 6
	       : !strncmp(target, HP_P_PVE "/nodes/", 15) ? target + 15
							  : NULL;
	if (!name || !*name ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") !=
		    strlen(name)) {
		char link[PATH_MAX];
		struct hp_loc loc = { link, 0 };

		hp_path(link, sizeof(link), root, HP_P_PVE_LOCAL);
		hp_diag_set(err, &loc, "points to \"%s\", not to nodes/NAME as pmxcfs makes it",
			    target);
		return -EINVAL;
	}
	return hp_path(buf, len, NULL, HP_P_PVE_NODE_QEMU, name);
}

/* the keys of override o on imported VM v; 0 or -EINVAL with err */
static int apply_override(struct hp_vm *v, const struct hp_vm *o, struct hp_diag *err)
{
	unsigned k = o->set_keys;

	if (v->not_huge && (k & ~(HP_KEY_ENABLED | HP_KEY_PASSTHROUGH))) {
		hp_diag_set(
			err, &o->loc,
			"%s is not on huge pages in %s (%s): an override can change how a VM's huge pages are planned, not make %s use them (add huge pages to its definition)",
			v->name, hp_source_name(v->source), v->loc.file, hp_source_name(v->source));
		return -EINVAL;
	}
	if (k & HP_KEY_ENABLED)
		v->enabled = o->enabled;
	if (k & HP_KEY_PASSTHROUGH)
		v->passthrough = o->passthrough;
	if (k & HP_KEY_INSTANCES)
		v->instances = o->instances;
	if (k & HP_KEY_BACKING) {
		v->backing = o->backing;
		v->backing_set = true;
		v->backing_loc = o->backing_loc;
	}
	if (k & HP_KEY_MEMORY) {
		struct hp_backend *b = &v->backends[0];

		for (size_t i = 1; i < v->nr_backends && !(k & HP_KEY_PAGESIZE); i++)
			if (v->backends[i].page_rule != b->page_rule ||
			    v->backends[i].page_size != b->page_size) {
				hp_diag_set(
					err, &o->memory_loc,
					"Memory=: %s has backends on more than one page size in %s: say which with PageSize=",
					v->name, v->loc.file);
				return -EINVAL;
			}
		for (size_t i = 1; i < v->nr_backends; i++)
			if (v->backends[i].nodes != b->nodes || v->backends[i].policy != b->policy)
				b->nodes = 0, b->policy = HP_POL_ANY;
		v->nr_backends = 1;
		snprintf(b->id, sizeof(b->id), "override");
		b->bytes = o->memory;
		b->guest_node = -1;
		b->dimm = false;
		b->loc = o->memory_loc;
	}
	for (size_t i = 0; i < v->nr_backends; i++) {
		struct hp_backend *b = &v->backends[i];

		if (k & HP_KEY_PAGESIZE) {
			b->page_rule = o->page_size ? HP_PAGE_FIXED : HP_PAGE_HOST_DEFAULT;
			b->page_size = o->page_size;
			b->page_loc = o->page_loc;
		}
		if (k & HP_KEY_NODE) {
			b->nodes = o->nodes;
			b->policy = o->nodes ? HP_POL_BIND : HP_POL_ANY;
			b->node_loc = o->node_loc;
		}
	}
	v->memory = 0;
	for (size_t i = 0; i < v->nr_backends; i++)
		v->memory += v->backends[i].bytes;
	v->override = o->loc.file;
	v->override_keys = k;
	return 0;
}

static int cmp_vm_ptr(const void *a, const void *b)
{
	return strcmp((*(struct hp_vm *const *)a)->name, (*(struct hp_vm *const *)b)->name);
}

/* two imported VMs of one name: an error naming both */
static int check_names(struct list *imp, struct hp_diag *err)
{
	struct hp_vm **v = malloc((imp->n ? imp->n : 1) * sizeof(*v));
	int r = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < imp->n; i++)
		v[i] = &imp->v[i];
	qsort(v, imp->n, sizeof(*v), cmp_vm_ptr);
	for (size_t i = 1; i < imp->n && !r; i++) {
		const struct hp_vm *a = v[i - 1], *b = v[i];

		if (strcmp(a->name, b->name))
			continue;
		if (a > b) {
			const struct hp_vm *t = a;

			a = b;
			b = t;
		}
		if (b->source == HP_SRC_PROXMOX && a->source == HP_SRC_PROXMOX)
			hp_diag_set(
				err, &b->loc,
				"VM name \"%s\" is already used by %s: hugeplan names VMs by name (fix: qm set %s --name %s-%s)",
				b->name, a->loc.file, b->source_id, b->name, b->source_id);
		else
			hp_diag_set(
				err, &b->loc,
				"VM name \"%s\" is defined by %s (%s) and by %s (%s): rename one",
				b->name, hp_source_name(a->source), a->loc.file,
				hp_source_name(b->source), b->loc.file);
		r = -EEXIST;
	}
	free(v);
	return r;
}

static struct hp_vm *find(struct list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

int hp_sources_load(const char *root, struct hp_config *c, unsigned *used, struct hp_diag *err)
{
	struct list imp = { 0 }, out = { 0 };
	unsigned want = c->host.sources;
	char dir[PATH_MAX];
	int r = 0;

	if (!want) {
		want = HP_SOURCES_FILES;
		if (source_here(root, HP_P_LIBVIRT_QEMU))
			want |= HP_SOURCES_LIBVIRT;
		if (source_here(root, HP_P_PVE))
			want |= HP_SOURCES_PROXMOX;
	}
	if (want & HP_SOURCES_LIBVIRT)
		r = read_dir(c, root, HP_P_LIBVIRT_QEMU, HP_SRC_LIBVIRT, &imp, err);
	if (r == 0 && (want & HP_SOURCES_PROXMOX)) {
		r = pve_dir(root, dir, sizeof(dir), err);
		if (r == 0 && dir[0])
			r = read_dir(c, root, dir, HP_SRC_PROXMOX, &imp, err);
	}
	if (r == 0)
		r = check_names(&imp, err);
	for (size_t i = 0; r == 0 && i < c->nr_vms; i++) {
		const struct hp_vm *o = &c->vms[i];
		struct hp_vm *v = find(&imp, o->name);

		if (v)
			r = apply_override(v, o, err);
		else if (!o->memory) {
			hp_diag_set(err, &o->loc, "Memory= is required");
			r = -EINVAL;
		} else if (want & HP_SOURCES_FILES) {
			r = push(&out, o);
		}
	}
	for (size_t i = 0; r == 0 && i < imp.n; i++) {
		struct hp_vm *v = &imp.v[i];

		/*
		 * Backing= left out: DefaultBacking=, as for a vms.d VM (config.c); a VM off huge
		 * pages is ordinary memory whatever the default says (an override cannot set it)
		 */
		if (v->not_huge)
			v->backing = HP_BACKING_TRANSPARENT;
		else if (!v->backing_set)
			v->backing = c->host.default_backing;
		if (v->backing == HP_BACKING_DYNAMIC && v->instances > 1 && !v->not_huge) {
			hp_diag_set(
				err, v->backing_set ? &v->backing_loc : &v->loc,
				"Backing=dynamic needs Instances=1: a dynamic VM is started and stopped by its own name (hugeplan vm start %s); give each copy a file of its own",
				v->name);
			r = -EINVAL;
			break;
		}
		r = push(&out, v);
		if (r == 0)
			imp.v[i].backends = NULL; /* now out's */
	}
	if (r == -ENOMEM)
		hp_diag_set(err, NULL, "out of memory");
	if (r < 0) {
		/* out shares the vms.d VMs (no backends) and takes imported ones only at the end */
		free(out.v);
		free_list(&imp);
		return r;
	}
	free_list(&imp);
	free(c->vms);
	c->vms = out.v;
	c->nr_vms = out.n;
	if (used)
		*used = want;
	return 0;
}

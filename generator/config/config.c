// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan's configuration (config.h): the entry points. search.c finds and reads the files,
 * reader.c parses each text, value.c reads the values, perms.c decides what root may trust.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"
#include "core/pathnames.h"
#include "core/size.h"

void hp_config_defaults(struct hp_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->reserve_per_node = 512 * HP_MIB;
	snprintf(s->metrics_dir, sizeof(s->metrics_dir), "%s", HP_P_TEXTFILE_DIR);
}

void hp_config_free(struct hp_config *c)
{
	for (size_t i = 0; i < c->nr_files; i++)
		free(c->files[i]);
	for (size_t i = 0; i < c->nr_dirs; i++)
		free(c->dirs[i]);
	for (size_t i = 0; i < c->nr_vms; i++)
		free(c->vms[i].backends);
	free(c->files);
	free(c->dirs);
	free(c->vms);
	free(c->root);
	memset(c, 0, sizeof(*c));
}

const char *hp_config_pool_file(struct hp_config *c, const char *path)
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

static int cmp_vm_name(const void *a, const void *b)
{
	const struct hp_vm *x = *(const struct hp_vm *const *)a,
			   *y = *(const struct hp_vm *const *)b;

	return strcmp(x->name, y->name);
}

int conf_check_duplicates(struct hp_config *c, struct hp_diag *err)
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

/*
 * Backing= left out takes DefaultBacking=; a dynamic VM starts and stops by its own name,
 * so it is one instance.
 */
static int apply_backing(struct hp_config *c, struct hp_diag *err)
{
	for (size_t i = 0; i < c->nr_vms; i++) {
		struct hp_vm *vm = &c->vms[i];

		if (!vm->backing_set)
			vm->backing = c->host.default_backing;
		if (vm->backing == HP_BACKING_DYNAMIC && vm->instances > 1) {
			hp_diag_set(
				err, vm->backing_set ? &vm->backing_loc : &vm->loc,
				"Backing=dynamic needs Instances=1: a dynamic VM is started and stopped by its own name (hugeplan vm start %s); give each copy a file of its own",
				vm->name);
			return -EINVAL;
		}
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
	r = conf_search_path(&ld, root, confdir);
	if (r >= 0)
		r = conf_load_host(&ld);
	if (r >= 0 && !c->opts.host_only)
		r = conf_load_vms(&ld);
	if (r >= 0)
		r = apply_backing(c, err);
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
		file = hp_config_pool_file(c, t[i].path);
		r = file ? conf_parse_text(c, file, KIND_HOST, NULL, t[i].text, t[i].len, err, NULL)
			 : -ENOMEM;
	}
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct hp_vm *vm = &c->vms[c->nr_vms];
		const char *file, *base;

		if (t[i].role != HP_CONF_VM || !t[i].len)
			continue;
		file = hp_config_pool_file(c, t[i].path);
		if (!file) {
			r = -ENOMEM;
			break;
		}
		base = strrchr(file, '/');
		conf_vm_init(vm);
		r = conf_parse_text(c, file, KIND_VM, vm, t[i].text, t[i].len, err, NULL);
		if (r >= 0)
			r = conf_vm_finish(vm, file, base ? base + 1 : file, false, err);
		if (r >= 0)
			c->nr_vms++;
	}
	if (r >= 0)
		r = conf_check_duplicates(c, err);
	if (r >= 0)
		r = apply_backing(c, err);
	return r < 0 ? load_failed(c, err, r) : r;
}

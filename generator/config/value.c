// SPDX-License-Identifier: GPL-2.0-or-later
/* The values of [Host] and [VM] keys: sizes, page sizes, node lists, numbers, booleans. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"
#include "core/host.h"
#include "core/macro.h"
#include "core/parse-util.h"
#include "core/pathnames.h"
#include "core/size.h"

/* yes or no, as systemd reads booleans; empty: the default */
static int bool_value(struct parse *p, const char *key, const char *v, bool *out, bool dflt)
{
	int b;

	*out = dflt;
	if (!*v)
		return 1;
	b = hp_parse_boolean(v);
	if (b < 0)
		return conf_perr(p, "%s=%s: expected yes or no", key, v);
	*out = b;
	return 1;
}

static int size_value(struct parse *p, const char *key, const char *v, uint64_t *out, bool zero_ok)
{
	int unit_err, r = hp_size_parse(v, out, &unit_err);

	if (r == -ERANGE)
		return conf_perr(p, "%s=%s: value too large", key, v);
	if (r < 0 && unit_err)
		return conf_perr(p, "%s=%s: unknown unit (use K, M, G, T)", key, v);
	if (r < 0)
		return conf_perr(p, "%s=%s: not a size (a whole number, then K, M, G or T)", key,
				 v);
	if (!zero_ok && *out == 0)
		return conf_perr(p, "%s=%s: must be more than 0", key, v);
	return 1;
}

/* a number without a unit is bytes, which for memory and page sizes is rarely meant */
static bool unitless(const char *v)
{
	size_t n = strlen(v);

	return n && v[n - 1] >= '0' && v[n - 1] <= '9';
}

static int page_value(struct parse *p, const char *key, const char *v, uint64_t *out)
{
	if (!size_value(p, key, v, out, false))
		return 0;
	if (*out & (*out - 1))
		return conf_perr(
			p,
			"%s=%s: not a power of two; a huge page size is one, larger than the 4K base page, such as 2M or 1G",
			key, v);
	if (*out < 4096) {
		char kib[24];

		/* PageSize=2048, libvirt's KiB figure: it is a power of two, but of bytes */
		hp_size_token(*out * 1024, kib, sizeof(kib));
		if (unitless(v))
			return conf_perr(
				p,
				"%s=%s: %s bytes is not a huge page size (a number without a unit is bytes; huge pages are larger than the 4K base page, such as 2M or 1G): if %s is KiB, as libvirt gives it, write %s=%s",
				key, v, v, v, key, kib);
		return conf_perr(
			p,
			"%s=%s: not a huge page size: huge pages are larger than the 4K base page, such as 2M or 1G",
			key, v);
	}
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
			return conf_perr(
				p, "Node=%s: node %lu is beyond the %u nodes hugeplan supports", v,
				b, HP_MAX_NODES);
		for (unsigned long i = a; i <= b; i++) {
			if (mask & (1ULL << i))
				return conf_perr(p, "Node=%s: node %lu is listed twice", v, i);
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
	return conf_perr(
		p, "Node=%s: expected \"any\", a node number, or a list such as 0,1 or 0-3", v);
}

/* an absolute path of printable ASCII without blanks: it is only ever used as a directory */
static int dir_value(struct parse *p, const char *key, const char *v, char *out, size_t len)
{
	size_t n = strlen(v);

	if (v[0] != '/' || n >= len)
		return conf_perr(p, "%s=%s: expected an absolute path of at most %zu characters",
				 key, v, len - 1);
	for (size_t i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] > '~')
			return conf_perr(p, "%s=%s: a path of printable characters without blanks",
					 key, v);
	memcpy(out, v, n + 1);
	return 1;
}

/* "auto", or a space-separated list of files, libvirt, proxmox; empty: auto */
static int sources_value(struct parse *p, const char *v, struct hp_settings *h,
			 const struct hp_loc *here)
{
	static const char *const names[] = { "files", "libvirt", "proxmox" };
	unsigned mask = 0;
	const char *s = v;

	h->sources = 0;
	h->sources_loc = *here;
	while (*s) {
		size_t n = strcspn(s, " \t"), i;

		for (i = 0; i < 3; i++)
			if (strlen(names[i]) == n && !strncmp(s, names[i], n))
				break;
		if (i == 3 && !(n == 4 && !strncmp(s, "auto", 4)))
			return conf_perr(
				p,
				"Sources=%s: unknown source \"%.*s\" (use auto, or one or more of files, libvirt, proxmox)",
				v, (int)(n > 40 ? 40 : n), s);
		if (i < 3)
			mask |= 1U << i;
		s += n;
		s += strspn(s, " \t");
	}
	h->sources = mask;
	return 1;
}

static int backing_value(struct parse *p, const char *key, const char *v, enum hp_backing_mode *out)
{
	if (hp_backing_parse(v, out) < 0)
		return conf_perr(p, "%s=%s: expected static, dynamic or transparent", key, v);
	return 1;
}

/* a whole number from 1 to 65535 */
static int count_value(struct parse *p, const char *key, const char *v, unsigned *out)
{
	unsigned long n;
	char *e;

	errno = 0;
	n = strtoul(v, &e, 10);
	if (v[0] < '0' || v[0] > '9' || *e || (errno && errno != ERANGE))
		return conf_perr(p, "%s=%s: not a whole number", key, v);
	if (errno == ERANGE || n < 1 || n > 65535)
		return conf_perr(p, "%s=%s: must be from 1 to 65535", key, v);
	*out = (unsigned)n;
	return 1;
}

int conf_host_key(struct parse *p, const char *key, const char *v)
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
	if (!strcmp(key, "Sources"))
		return sources_value(p, v, h, &here);
	if (!strcmp(key, "FreeVmemmap"))
		return bool_value(p, key, v, &h->free_vmemmap, false);
	if (!strcmp(key, "Strict"))
		return bool_value(p, key, v, &h->strict, false);
	if (!strcmp(key, "MetricsDirectory")) {
		if (empty) {
			snprintf(h->metrics_dir, sizeof(h->metrics_dir), "%s", HP_P_TEXTFILE_DIR);
			return 1;
		}
		return dir_value(p, key, v, h->metrics_dir, sizeof(h->metrics_dir));
	}
	if (!strcmp(key, "AutoApply"))
		return bool_value(p, key, v, &h->auto_apply, false);
	if (!strcmp(key, "DefaultBacking")) {
		h->default_backing = HP_BACKING_STATIC;
		h->default_backing_loc = here;
		return empty || backing_value(p, key, v, &h->default_backing);
	}
	if (!strcmp(key, "DynamicPeak")) {
		h->dynamic_peak = 0;
		h->dynamic_peak_loc = here;
		if (empty || !strcmp(v, "all"))
			return 1;
		return count_value(p, key, v, &h->dynamic_peak);
	}
	return conf_perr(
		p,
		"unknown key %s= in [Host] (known: ReserveMemory, ReserveMemoryPerNode, DefaultPageSize, FreeVmemmap, Strict, MetricsDirectory, Sources, AutoApply, DefaultBacking, DynamicPeak)",
		key);
}

int conf_vm_key(struct parse *p, const char *key, const char *v)
{
	struct hp_vm *vm = p->vm;
	struct hp_loc here = { p->file, p->line };
	bool empty = !*v;

	if (!strcmp(key, "Name")) {
		if (!hp_vm_name_valid(v))
			return conf_perr(
				p,
				"Name=%s: a VM name is 1 to %d letters, digits, '_', '.' or '-', starting with a letter or digit",
				v, HP_NAME_MAX);
		snprintf(vm->name, sizeof(vm->name), "%s", v);
		return 1;
	}
	if (!strcmp(key, "Memory")) {
		vm->set_keys = empty ? vm->set_keys & ~HP_KEY_MEMORY : vm->set_keys | HP_KEY_MEMORY;
		vm->memory = 0;
		vm->memory_loc = here;
		vm->memory_unitless = !empty && unitless(v);
		return empty || size_value(p, key, v, &vm->memory, false);
	}
	if (!strcmp(key, "PageSize")) {
		vm->set_keys =
			empty ? vm->set_keys & ~HP_KEY_PAGESIZE : vm->set_keys | HP_KEY_PAGESIZE;
		vm->page_size = 0;
		vm->page_loc = here;
		return empty || page_value(p, key, v, &vm->page_size);
	}
	if (!strcmp(key, "Node")) {
		vm->set_keys = empty ? vm->set_keys & ~HP_KEY_NODE : vm->set_keys | HP_KEY_NODE;
		vm->nodes = 0;
		vm->node_loc = here;
		return empty || node_value(p, v, &vm->nodes);
	}
	if (!strcmp(key, "Instances")) {
		vm->instances = 1;
		vm->set_keys =
			empty ? vm->set_keys & ~HP_KEY_INSTANCES : vm->set_keys | HP_KEY_INSTANCES;
		return empty || count_value(p, key, v, &vm->instances);
	}
	if (!strcmp(key, "Enabled") || !strcmp(key, "Passthrough")) {
		unsigned k = key[0] == 'E' ? HP_KEY_ENABLED : HP_KEY_PASSTHROUGH;

		vm->set_keys = empty ? vm->set_keys & ~k : vm->set_keys | k;
		if (key[0] == 'E')
			return bool_value(p, key, v, &vm->enabled, true);
		return bool_value(p, key, v, &vm->passthrough, false);
	}
	if (!strcmp(key, "Backing")) {
		vm->set_keys =
			empty ? vm->set_keys & ~HP_KEY_BACKING : vm->set_keys | HP_KEY_BACKING;
		vm->backing = HP_BACKING_STATIC;
		vm->backing_set = !empty;
		vm->backing_loc = here;
		return empty || backing_value(p, key, v, &vm->backing);
	}
	return conf_perr(
		p,
		"unknown key %s= in [VM] (known: Name, Memory, PageSize, Node, Instances, Enabled, Passthrough, Backing)",
		key);
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/size.h"
#include "sources/libvirt.h" /* HP_SOURCE_FILE_MAX */
#include "sources/proxmox.h"
#include "sources/source.h"

#define MAX_NUMA  8 /* $MAX_NUMA */
#define STATICMEM 1024
#define VALUE_MAX 512

struct val {
	char v[VALUE_MAX];
	unsigned line; /* 0: not given */
};

struct conf {
	const char *path;
	struct hp_diag *err;
	struct val memory, hugepages, numa, sockets, cores, hotplug, keep, name, template_;
	struct val numan[MAX_NUMA];
	bool hostpci;
};

struct pve {
	struct conf *c;
	struct hp_vm *vm;
	size_t cap;
	enum hp_page_rule rule;
	uint64_t fixed_mib;
};

static int fail(const struct conf *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(const struct conf *c, unsigned line, const char *fmt, ...)
{
	struct hp_loc loc = { c->path, line };
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hp_diag_set(c->err, &loc, "%s", msg);
	return -EINVAL;
}

static struct val *slot(struct conf *c, const char *key, size_t klen)
{
	static const struct {
		const char *k;
		size_t off;
	} keys[] = {
		{ "memory", offsetof(struct conf, memory) },
		{ "hugepages", offsetof(struct conf, hugepages) },
		{ "numa", offsetof(struct conf, numa) },
		{ "sockets", offsetof(struct conf, sockets) },
		{ "cores", offsetof(struct conf, cores) },
		{ "hotplug", offsetof(struct conf, hotplug) },
		{ "keephugepages", offsetof(struct conf, keep) },
		{ "name", offsetof(struct conf, name) },
		{ "template", offsetof(struct conf, template_) },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].k) == klen && !memcmp(keys[i].k, key, klen))
			return (struct val *)((char *)c + keys[i].off);
	if (klen == 5 && !memcmp(key, "numa", 4) && key[4] >= '0' && key[4] < '0' + MAX_NUMA)
		return &c->numan[key[4] - '0'];
	return NULL;
}

/* PVE::QemuServer's parse_vm_config, main section: m/^([a-z][a-z_]*\d*):\s*(.+?)\s*$/ */
static int read_lines(struct conf *c, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *k = p, *v;
		size_t klen, vlen;
		struct val *s;

		line++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (p < e && *p == '[')
			break; /* [snapshot], [PENDING], [special:cloudinit]: not the VM as it
				  starts */
		if (p < e && *k >= 'a' && *k <= 'z') {
			while (k < e && ((*k >= 'a' && *k <= 'z') || *k == '_'))
				k++;
			while (k < e && *k >= '0' && *k <= '9')
				k++;
			klen = (size_t)(k - p);
			if (k < e && *k == ':') {
				v = k + 1;
				while (v < e && (*v == ' ' || *v == '\t'))
					v++;
				vlen = (size_t)(e - v);
				if (klen >= 7 && !memcmp(p, "hostpci", 7) && vlen)
					c->hostpci = true;
				s = vlen ? slot(c, p, klen) : NULL;
				if (s) {
					if (vlen >= VALUE_MAX)
						return fail(c, line, "%.*s: value too long",
							    (int)klen, p);
					memcpy(s->v, v, vlen);
					s->v[vlen] = '\0';
					s->line = line;
				}
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* a whole number in [lo, hi] */
static int number(const char *s, unsigned long long lo, unsigned long long hi,
		  unsigned long long *out)
{
	unsigned long long v;
	char *e;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno || *e || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int boolean(const struct conf *c, const struct val *v, const char *key, bool *out)
{
	if (!v->line) {
		*out = false;
		return 0;
	}
	if (!strcmp(v->v, "1") || !strcmp(v->v, "0")) {
		*out = v->v[0] == '1';
		return 0;
	}
	return fail(c, v->line, "%s: %s: expected 0 or 1", key, v->v);
}

/* one property of a property string "a=1,b=2" (or the default key's bare value first) */
static bool prop(const char *s, const char *key, const char *dflt_key, char *out, size_t len)
{
	size_t kl = strlen(key);
	bool first = true;

	while (*s) {
		const char *comma = strchr(s, ','), *eq;
		size_t n = comma ? (size_t)(comma - s) : strlen(s);

		eq = memchr(s, '=', n);
		if ((eq && (size_t)(eq - s) == kl && !memcmp(s, key, kl)) ||
		    (!eq && first && dflt_key && !strcmp(key, dflt_key))) {
			const char *v = eq ? eq + 1 : s;
			size_t vl = n - (size_t)(v - s);

			if (vl >= len)
				vl = len - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return true;
		}
		first = false;
		s += n + (comma ? 1 : 0);
	}
	return false;
}

static bool in_list(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *s = list; *s;) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);

		if (n == wl && !memcmp(s, word, wl))
			return true;
		s += n + (comma ? 1 : 0);
	}
	return false;
}

/* hugepages_size(): the page rule of a chunk of size MiB; line names the chunk */
static int chunk_page(struct pve *p, uint64_t mib, unsigned line, const char *what)
{
	if (!mib || (mib & 1))
		return fail(
			p->c, line,
			"%s: memory size '%llu' is not a positive even integer; cannot use for hugepages",
			what, (unsigned long long)mib);
	if (p->rule == HP_PAGE_FIXED && mib % p->fixed_mib)
		return fail(
			p->c, line,
			"%s: Memory size %llu is not a multiple of the requested hugepages size %llu",
			what, (unsigned long long)mib, (unsigned long long)p->fixed_mib);
	return 0;
}

static int add(struct pve *p, const char *id, uint64_t mib, int guest, uint64_t nodes,
	       enum hp_policy pol, bool dimm, unsigned line, unsigned node_line)
{
	struct hp_vm *vm = p->vm;
	struct hp_backend *b;

	if (vm->nr_backends == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 4;
		struct hp_backend *nb = realloc(vm->backends, nc * sizeof(*nb));

		if (!nb)
			return -ENOMEM;
		vm->backends = nb;
		p->cap = nc;
	}
	b = &vm->backends[vm->nr_backends++];
	memset(b, 0, sizeof(*b));
	snprintf(b->id, sizeof(b->id), "%s", id);
	b->bytes = mib * HP_MIB;
	b->page_rule = p->rule;
	b->page_size = p->fixed_mib * HP_MIB;
	b->nodes = nodes;
	b->policy = nodes ? pol : HP_POL_ANY;
	b->guest_node = guest;
	b->dimm = dimm;
	b->loc = (struct hp_loc){ p->c->path, line };
	b->page_loc = (struct hp_loc){ p->c->path, p->c->hugepages.line };
	b->node_loc = (struct hp_loc){ p->c->path, node_line };
	vm->memory += b->bytes;
	return 0;
}

/* hostnodes=0-1;3 (qemu-server's number sets) */
static int number_sets(const char *s, uint64_t *mask)
{
	uint64_t m = 0;

	while (*s) {
		unsigned long a, b;
		char *e;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		a = strtoul(s, &e, 10);
		b = a;
		if (*e == '-') {
			if (e[1] < '0' || e[1] > '9')
				return -EINVAL;
			b = strtoul(e + 1, &e, 10);
		}
		if (b < a || b >= 64)
			return -EINVAL;
		for (unsigned long i = a; i <= b; i++)
			m |= 1ULL << i;
		s = e;
		if (*s == ';' && s[1])
			s++;
		else if (*s)
			return -EINVAL;
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}

static int custom_numa(struct pve *p, int i, uint64_t *total)
{
	const struct val *v = &p->c->numan[i];
	char mem[64], hn[128], pol[32], cpus[128], id[HP_BACKEND_ID_MAX], what[16];
	unsigned long long mib;
	uint64_t nodes;
	enum hp_policy policy;
	int r;

	snprintf(what, sizeof(what), "numa%d", i);
	if (!prop(v->v, "cpus", NULL, cpus, sizeof(cpus)))
		return fail(p->c, v->line, "%s: missing NUMA node%d cpus", what, i);
	if (!prop(v->v, "memory", NULL, mem, sizeof(mem)))
		return fail(p->c, v->line, "%s: missing NUMA node%d memory value", what, i);
	if (number(mem, 1, 1ULL << 40, &mib) < 0)
		return fail(p->c, v->line, "%s: memory=%s: not a whole number of MiB", what, mem);
	if (!prop(v->v, "hostnodes", NULL, hn, sizeof(hn)))
		return fail(p->c, v->line, "%s: numa hostnodes need to be defined to use hugepages",
			    what);
	if (number_sets(hn, &nodes) < 0)
		return fail(p->c, v->line, "%s: hostnodes=%s: expected id[-id];...", what, hn);
	if (!prop(v->v, "policy", NULL, pol, sizeof(pol)))
		return fail(p->c, v->line, "%s: you need to define a policy for hostnode %s", what,
			    hn);
	if (!strcmp(pol, "bind"))
		policy = HP_POL_BIND;
	else if (!strcmp(pol, "preferred"))
		policy = HP_POL_PREFERRED;
	else if (!strcmp(pol, "interleave"))
		policy = HP_POL_INTERLEAVE;
	else
		return fail(p->c, v->line, "%s: policy=%s: expected preferred, bind or interleave",
			    what, pol);
	if (__builtin_popcountll(nodes) != 1)
		return fail(
			p->c, v->line,
			"%s: more than 1 hostnode value in numa node is not supported when hugepages are enabled",
			what);
	r = chunk_page(p, mib, v->line, what);
	if (r < 0)
		return r;
	snprintf(id, sizeof(id), "ram-node%d", i);
	*total += mib;
	return add(p, id, mib, i, nodes, policy, false, v->line, v->line);
}

int hp_proxmox_parse(const char *path, const char *vmid, const char *text, size_t len,
		     struct hp_vm *vm, struct hp_diag *err)
{
	struct conf *c;
	struct pve p = { 0 };
	unsigned long long memory = 512, sockets = 1;
	uint64_t static_mib, total = 0;
	bool numa, hotplug = false, tmpl, custom = false;
	unsigned sock_line;
	int r = 0;

	hp_source_vm_init(vm, HP_SRC_PROXMOX, path);
	snprintf(vm->source_id, sizeof(vm->source_id), "%s", vmid);
	if (len > HP_SOURCE_FILE_MAX) {
		struct hp_loc loc = { path, 0 };

		hp_diag_set(err, &loc, "file too large (%zu bytes, at most %u)", len,
			    HP_SOURCE_FILE_MAX);
		return -EFBIG;
	}
	if (memchr(text, '\0', len)) {
		struct hp_loc loc = { path, 0 };

		hp_diag_set(err, &loc, "binary data (a NUL byte) in a VM configuration");
		return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->path = path;
	c->err = err;
	p.c = c;
	p.vm = vm;
	r = read_lines(c, text, len);
	if (r < 0)
		goto out;
	r = boolean(c, &c->template_, "template", &tmpl);
	if (r < 0)
		goto out;
	if (tmpl) {
		r = HP_PVE_TEMPLATE;
		goto out;
	}
	if (c->name.line && hp_vm_name_valid(c->name.v))
		snprintf(vm->name, sizeof(vm->name), "%.*s", HP_NAME_MAX, c->name.v);
	else
		snprintf(vm->name, sizeof(vm->name), "%s", vmid);
	vm->passthrough = c->hostpci;
	if ((r = boolean(c, &c->keep, "keephugepages", &vm->keephugepages)) < 0 ||
	    (r = boolean(c, &c->numa, "numa", &numa)) < 0)
		goto out;
	if (c->memory.line) {
		char cur[64];

		if (!prop(c->memory.v, "current", "current", cur, sizeof(cur)) ||
		    number(cur, 16, 1ULL << 32, &memory) < 0) {
			r = fail(c, c->memory.line,
				 "memory: %s: expected MiB (16 or more), or current=MiB",
				 c->memory.v);
			goto out;
		}
	}
	vm->memory_loc = (struct hp_loc){ path, c->memory.line };
	if (c->sockets.line && number(c->sockets.v, 1, 4096, &sockets) < 0) {
		r = fail(c, c->sockets.line, "sockets: %s: expected a whole number", c->sockets.v);
		goto out;
	}
	sock_line = c->sockets.line ? c->sockets.line : c->numa.line;
	if (c->hotplug.line) {
		/* "1" is qemu-server's default set: network,disk,usb */
		hotplug = in_list(c->hotplug.v, "memory");
	}
	if (!c->hugepages.line) {
		vm->not_huge = true;
		vm->plain_memory = memory * HP_MIB;
		goto out;
	}
	if (!strcmp(c->hugepages.v, "any")) {
		p.rule = HP_PAGE_PVE_ANY;
	} else if (!strcmp(c->hugepages.v, "2") || !strcmp(c->hugepages.v, "1024")) {
		p.rule = HP_PAGE_FIXED;
		p.fixed_mib = c->hugepages.v[0] == '2' ? 2 : 1024;
	} else {
		r = fail(c, c->hugepages.line, "hugepages: %s: expected 2, 1024 or any",
			 c->hugepages.v);
		goto out;
	}
	if (!numa) {
		r = fail(
			c, c->hugepages.line,
			"hugepages: %s: numa needs to be enabled to use hugepages (qm set %s --numa 1)",
			c->hugepages.v, vmid);
		goto out;
	}
	for (int i = 0; i < MAX_NUMA; i++)
		custom = custom || c->numan[i].line;
	if (hotplug) {
		if (custom) {
			r = fail(
				c, c->hotplug.line,
				"hotplug: %s: cannot enable memory hotplugging with custom NUMA topology",
				c->hotplug.v);
			goto out;
		}
		static_mib = STATICMEM * (p.fixed_mib == 1024 ? sockets : 1);
		if (memory < static_mib) {
			r = fail(c, c->memory.line, "memory: minimum memory must be %lluMB",
				 (unsigned long long)static_mib);
			goto out;
		}
	} else {
		static_mib = memory;
	}
	if (custom) {
		for (int i = 0; i < MAX_NUMA && r >= 0; i++)
			if (c->numan[i].line)
				r = custom_numa(&p, i, &total);
		if (r >= 0 && total != static_mib)
			r = fail(
				c, c->memory.line,
				"memory: %llu: total memory for NUMA nodes must be equal to vm static memory (their sum is %llu)",
				memory, (unsigned long long)total);
		if (r < 0)
			goto out;
	} else {
		uint64_t chunk = static_mib / sockets;

		if (static_mib % sockets) {
			r = fail(c, c->memory.line,
				 "memory: %llu MiB does not split evenly over %llu sockets", memory,
				 sockets);
			goto out;
		}
		for (unsigned long long i = 0; i < sockets && r >= 0; i++) {
			char id[HP_BACKEND_ID_MAX];

			r = chunk_page(&p, chunk, c->memory.line, "memory");
			if (r >= 0 && i >= 64)
				r = fail(c, sock_line,
					 "sockets: %llu: beyond the 64 host nodes hugeplan plans",
					 sockets);
			snprintf(id, sizeof(id), "ram-node%u", (unsigned)i);
			if (r >= 0)
				r = add(&p, id, chunk, (int)i, 1ULL << i, HP_POL_BIND, false,
					c->memory.line, sock_line);
		}
		if (r < 0)
			goto out;
	}
	if (hotplug && static_mib < memory) {
		uint64_t cur = static_mib, dimm = p.fixed_mib == 1024 ? 1024 : 512;
		unsigned id = 0;

		for (int j = 0; j < 8 && cur < memory; j++, dimm *= 2) {
			for (unsigned i = 0; i < 32 && cur < memory && r >= 0; i++) {
				char name[HP_BACKEND_ID_MAX];
				unsigned long long node = i % sockets;

				snprintf(name, sizeof(name), "mem-dimm%u", id++);
				cur += dimm;
				r = chunk_page(&p, dimm, c->memory.line, "memory");
				if (r >= 0 && cur > memory)
					r = fail(
						c, c->memory.line,
						"memory: memory size (%llu) must be aligned to %llu for hotplugging",
						memory, (unsigned long long)dimm);
				if (r >= 0)
					r = add(&p, name, dimm, (int)node, 1ULL << node,
						HP_POL_BIND, true, c->memory.line, sock_line);
			}
			if (r < 0)
				goto out;
		}
	}
out:
	free(c);
	if (r < 0) {
		free(vm->backends);
		vm->backends = NULL;
		vm->nr_backends = 0;
	}
	return r;
}

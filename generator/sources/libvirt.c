// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/size.h"
#include "sources/libvirt.h"
#include "sources/source.h"

#define MAX_CELLS	64
#define MAX_PAGES	16
#define SYSTEM_PAGE_KIB 4 /* the base page: a <page> of this size is no huge page */

struct page {
	uint64_t kib; /* 0: the boot's default (a bare <hugepages/>) */
	uint64_t cells;
	bool master; /* no nodeset */
	unsigned line;
};

struct tune {
	bool set;
	int mode; /* HP_POL_*, or -1 restrictive (binds through cgroups, as strict) */
	uint64_t nodes;
	bool any; /* placement='auto' or no nodeset */
	unsigned line;
};

struct dom {
	const char *path;
	struct hp_vm *vm;
	struct hp_diag *err;
	struct page pages[MAX_PAGES];
	size_t nr_pages;
	bool hugepages; /* <memoryBacking><hugepages> present */
	struct tune memory;
	struct tune memnode[MAX_CELLS];
	size_t nr_cells;
	size_t cap;
};

static int fail(struct dom *d, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct dom *d, unsigned line, const char *fmt, ...)
{
	struct hp_loc loc = { d->path, line };
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hp_diag_set(d->err, &loc, "%s", msg);
	return -EINVAL;
}

static unsigned line_of(xmlNode *n)
{
	long l = xmlGetLineNo(n);

	return l > 0 ? (unsigned)l : 0;
}

static bool is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* an attribute's value (owned by the tree), NULL when absent */
static const char *attr(xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a; a = a->next)
		if (!strcmp((const char *)a->name, name) && a->children &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
		else if (!strcmp((const char *)a->name, name))
			return "";
	return NULL;
}

/* the text of an element: its text children only (entity references are not expanded) */
static int text_of(xmlNode *n, char *buf, size_t len)
{
	size_t o = 0;

	for (xmlNode *c = n->children; c; c = c->next) {
		size_t l;

		if (c->type != XML_TEXT_NODE)
			continue;
		l = strlen((const char *)c->content);
		if (o + l >= len)
			return -ERANGE;
		memcpy(buf + o, c->content, l);
		o += l;
	}
	buf[o] = '\0';
	return 0;
}

static bool unit_eq(const char *a, const char *b)
{
	return !strcasecmp(a, b);
}

int hp_libvirt_scale(const char *value, const char *unit, uint64_t *kib)
{
	static const char letters[] = "kmgtpe";
	unsigned __int128 bytes;
	uint64_t v = 0, base = 1024, scale;
	const char *s = value;
	const char *l;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	/* virScaleInteger: no unit is the default (KiB); b, byte, bytes; X, XiB, XB */
	if (!unit || !*unit) {
		scale = 1024;
	} else if (unit_eq(unit, "b") || unit_eq(unit, "byte") || unit_eq(unit, "bytes")) {
		scale = 1;
	} else {
		char c = unit[0];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		l = strchr(letters, c);
		if (!l || !c)
			return -EINVAL;
		if (!unit[1] || unit_eq(unit + 1, "ib"))
			base = 1024;
		else if (unit_eq(unit + 1, "b"))
			base = 1000;
		else
			return -EINVAL;
		scale = 1;
		for (const char *k = letters; k <= l; k++)
			scale *= base;
	}
	bytes = (unsigned __int128)v * scale;
	bytes = (bytes + 1023) / 1024;
	if (bytes > UINT64_MAX / 1024)
		return -ERANGE;
	*kib = (uint64_t)bytes;
	return 0;
}

int hp_libvirt_nodeset(const char *s, uint64_t *mask)
{
	uint64_t m = 0, minus = 0;
	bool any = false;

	while (*s) {
		bool neg = false;
		unsigned long a, b;
		char *e;

		while (*s == ' ')
			s++;
		if (*s == '^') {
			neg = true;
			s++;
		}
		if (*s < '0' || *s > '9')
			return -EINVAL;
		a = strtoul(s, &e, 10);
		b = a;
		if (*e == '-' && !neg) {
			if (e[1] < '0' || e[1] > '9')
				return -EINVAL;
			b = strtoul(e + 1, &e, 10);
		}
		if (b < a)
			return -EINVAL;
		if (b >= 64)
			return -ERANGE;
		for (unsigned long i = a; i <= b; i++) {
			if (neg)
				minus |= 1ULL << i;
			else
				m |= 1ULL << i;
		}
		any = any || !neg;
		s = e;
		while (*s == ' ')
			s++;
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return -EINVAL;
	}
	m &= ~minus;
	if (!any || !m)
		return -EINVAL;
	*mask = m;
	return 0;
}

/* a size element or attribute pair into bytes; what says where */
static int scaled(struct dom *d, unsigned line, const char *what, const char *value,
		  const char *unit, uint64_t *bytes)
{
	uint64_t kib;
	int r = hp_libvirt_scale(value, unit, &kib);

	if (r == -ERANGE)
		return fail(d, line, "%s '%s%s%s': value too large", what, value, unit ? " " : "",
			    unit ? unit : "");
	if (r < 0 && unit && hp_libvirt_scale(value, NULL, &kib) == 0)
		return fail(
			d, line,
			"%s: unknown unit '%s' (libvirt's units: b, KB, k, KiB, MB, M, MiB, GB, G, GiB, TB, T, TiB)",
			what, unit);
	if (r < 0)
		return fail(d, line, "%s '%s': not a whole number", what, value);
	*bytes = kib * HP_KIB;
	return 0;
}

static int element_size(struct dom *d, xmlNode *n, const char *what, uint64_t *bytes)
{
	char text[64];

	if (text_of(n, text, sizeof(text)) < 0)
		return fail(d, line_of(n), "%s: value too long", what);
	return scaled(d, line_of(n), what, text, attr(n, "unit"), bytes);
}

static int nodeset(struct dom *d, unsigned line, const char *what, const char *s, uint64_t *m)
{
	int r = hp_libvirt_nodeset(s, m);

	if (r == -ERANGE)
		return fail(d, line, "%s='%s': node ids above 63 are beyond what hugeplan plans",
			    what, s);
	if (r < 0)
		return fail(d, line, "%s='%s': not a node set (such as 0, 0-3 or 0,2-3)", what, s);
	return 0;
}

static int parse_pages(struct dom *d, xmlNode *mb)
{
	xmlNode *hp = child(mb, "hugepages");

	if (!hp)
		return 0;
	d->hugepages = true;
	for (xmlNode *c = hp->children; c; c = c->next) {
		struct page *p;
		const char *size, *ns;
		uint64_t bytes;
		int r;

		if (!is(c, "page"))
			continue;
		if (d->nr_pages == MAX_PAGES)
			return fail(d, line_of(c), "more than %d <page> elements", MAX_PAGES);
		p = &d->pages[d->nr_pages++];
		p->line = line_of(c);
		size = attr(c, "size");
		if (!size)
			return fail(d, p->line, "<page> without a size");
		r = scaled(d, p->line, "<page size>", size, attr(c, "unit"), &bytes);
		if (r < 0)
			return r;
		p->kib = bytes / HP_KIB;
		if (!p->kib)
			return fail(d, p->line, "<page size='%s'>: a page size of 0", size);
		ns = attr(c, "nodeset");
		p->master = !ns;
		if (ns && nodeset(d, p->line, "<page nodeset", ns, &p->cells) < 0)
			return -EINVAL;
	}
	/* a bare <hugepages/>: the default size */
	if (!d->nr_pages) {
		d->pages[0] = (struct page){ .kib = 0, .master = true, .line = line_of(hp) };
		d->nr_pages = 1;
	}
	return 0;
}

static int tune_mode(struct dom *d, xmlNode *n, struct tune *t)
{
	const char *mode = attr(n, "mode"), *placement = attr(n, "placement");
	const char *ns = attr(n, "nodeset");

	t->set = true;
	t->line = line_of(n);
	if (!mode || !strcmp(mode, "strict"))
		t->mode = HP_POL_BIND;
	else if (!strcmp(mode, "restrictive"))
		t->mode = -1;
	else if (!strcmp(mode, "interleave"))
		t->mode = HP_POL_INTERLEAVE;
	else if (!strcmp(mode, "preferred"))
		t->mode = HP_POL_PREFERRED;
	else
		return fail(
			d, t->line,
			"mode='%s': unknown NUMA memory mode (libvirt's: strict, preferred, interleave, restrictive)",
			mode);
	if (placement && strcmp(placement, "static") && strcmp(placement, "auto"))
		return fail(d, t->line, "placement='%s': expected static or auto", placement);
	t->any = (placement && !strcmp(placement, "auto")) || !ns;
	if (ns && nodeset(d, t->line, "nodeset", ns, &t->nodes) < 0)
		return -EINVAL;
	if (ns && placement && !strcmp(placement, "auto"))
		t->any = true; /* numad decides at start; the nodeset is ignored */
	if (t->mode == HP_POL_PREFERRED && !t->any && __builtin_popcountll(t->nodes) > 1)
		return fail(d, t->line,
			    "NUMA memory tuning in 'preferred' mode only supports single node");
	return 0;
}

static int parse_numatune(struct dom *d, xmlNode *root)
{
	xmlNode *nt = child(root, "numatune");

	if (!nt)
		return 0;
	for (xmlNode *c = nt->children; c; c = c->next) {
		int r;

		if (is(c, "memory")) {
			r = tune_mode(d, c, &d->memory);
		} else if (is(c, "memnode")) {
			const char *id = attr(c, "cellid");
			char *e;
			unsigned long cell = id ? strtoul(id, &e, 10) : 0;

			if (!id || !*id || *e || id[0] < '0' || id[0] > '9')
				return fail(d, line_of(c), "<memnode> without a valid cellid");
			if (cell >= MAX_CELLS)
				return fail(d, line_of(c), "<memnode cellid='%s'>: no such cell",
					    id);
			if (d->memnode[cell].set)
				return fail(d, line_of(c), "<memnode cellid='%s'> given twice", id);
			r = tune_mode(d, c, &d->memnode[cell]);
			if (r == 0 && !attr(c, "nodeset"))
				return fail(d, line_of(c),
					    "<memnode cellid='%s'> without a nodeset", id);
		} else {
			continue;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* the page of a guest cell (-1: the machine without guest NUMA); NULL: no huge pages */
static const struct page *cell_page(const struct dom *d, int cell)
{
	const struct page *master = NULL;

	for (size_t i = 0; i < d->nr_pages; i++) {
		const struct page *p = &d->pages[i];

		if (p->master) {
			master = p;
			continue;
		}
		if (cell >= 0 && ((p->cells >> cell) & 1))
			return p;
	}
	return master;
}

static int check_pages(struct dom *d)
{
	const struct page *master = NULL;
	uint64_t cells = d->nr_cells ? (d->nr_cells >= 64 ? ~0ULL : (1ULL << d->nr_cells) - 1) : 1;

	for (size_t i = 0; i < d->nr_pages; i++) {
		struct page *p = &d->pages[i];

		if (!p->master && (p->cells & ~cells))
			return fail(d, p->line, "hugepages: node %d not found",
				    __builtin_ctzll(p->cells & ~cells));
		bool made = false;

		/* without guest NUMA, the one cell 0 is the machine: nodeset '0' means all */
		if (!d->nr_cells && !p->master)
			p->master = made = true;
		if (!p->master)
			continue;
		if (master)
			return fail(d, p->line, "two master hugepages detected: %llu and %llu",
				    (unsigned long long)(made ? p : master)->kib,
				    (unsigned long long)(made ? master : p)->kib);
		master = p;
	}
	return 0;
}

/* the binding of a guest cell: its memnode, else <numatune><memory> (cell -1: that alone) */
static const struct tune *cell_tune(const struct dom *d, int cell)
{
	if (cell >= 0 && cell < MAX_CELLS && d->memnode[cell].set)
		return &d->memnode[cell];
	return d->memory.set ? &d->memory : NULL;
}

static struct hp_backend *new_backend(struct dom *d)
{
	struct hp_vm *vm = d->vm;

	if (vm->nr_backends == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 4;
		struct hp_backend *nb = realloc(vm->backends, nc * sizeof(*nb));

		if (!nb)
			return NULL;
		vm->backends = nb;
		d->cap = nc;
	}
	memset(&vm->backends[vm->nr_backends], 0, sizeof(vm->backends[0]));
	return &vm->backends[vm->nr_backends++];
}

/* size rounded up to align; false when it does not fit */
static bool align_up(uint64_t *v, uint64_t align)
{
	if (*v > UINT64_MAX - align + 1)
		return false;
	*v = (*v + align - 1) / align * align;
	return true;
}

/*
 * One backend, if it is on huge pages: page (explicit, from a <page>, or NULL), host nodes from
 * nodes_given (a DIMM's nodemask) or the cell's tuning. Otherwise its bytes are ordinary memory.
 */
static int add_backend(struct dom *d, const char *id, int cell, uint64_t bytes, uint64_t kib,
		       bool have_kib, unsigned page_line, const uint64_t *nodes_given,
		       unsigned nodes_line, bool dimm, unsigned line)
{
	const struct tune *t = cell_tune(d, cell);
	const struct page *p = have_kib ? NULL : cell_page(d, cell);
	struct hp_backend *b;

	if (!have_kib && p) {
		kib = p->kib;
		page_line = p->line;
		have_kib = true;
	}
	if (!have_kib || kib == SYSTEM_PAGE_KIB) {
		d->vm->plain_memory += bytes;
		return 0;
	}
	b = new_backend(d);
	if (!b)
		return -ENOMEM;
	snprintf(b->id, sizeof(b->id), "%s", id);
	b->bytes = bytes;
	b->page_rule = kib ? HP_PAGE_FIXED : HP_PAGE_BOOT_DEFAULT;
	b->page_size = kib * HP_KIB;
	b->guest_node = cell;
	b->dimm = dimm;
	b->loc = (struct hp_loc){ d->path, line };
	b->page_loc = (struct hp_loc){ d->path, page_line };
	b->policy = HP_POL_ANY;
	if (nodes_given) {
		b->nodes = *nodes_given;
		b->policy = t && t->mode >= 0 ? (enum hp_policy)t->mode : HP_POL_BIND;
		b->node_loc = (struct hp_loc){ d->path, nodes_line };
	} else if (t && !t->any) {
		b->nodes = t->nodes;
		b->policy = t->mode >= 0 ? (enum hp_policy)t->mode : HP_POL_BIND;
		b->node_loc = (struct hp_loc){ d->path, t->line };
	}
	if (b->policy == HP_POL_PREFERRED && __builtin_popcountll(b->nodes) > 1)
		return fail(d, nodes_line,
			    "NUMA memory tuning in 'preferred' mode only supports single node");
	if (!b->nodes)
		b->policy = HP_POL_ANY;
	d->vm->memory += bytes;
	return 0;
}

static int parse_cells(struct dom *d, xmlNode *root, xmlNode **cells)
{
	xmlNode *numa = child(child(root, "cpu"), "numa");

	for (xmlNode *c = numa ? numa->children : NULL; c; c = c->next) {
		const char *id, *ma, *disc;

		if (!is(c, "cell"))
			continue;
		if (d->nr_cells == MAX_CELLS)
			return fail(d, line_of(c), "more than %d guest NUMA cells", MAX_CELLS);
		id = attr(c, "id");
		if (id) {
			char *e;
			unsigned long v = strtoul(id, &e, 10);

			if (!*id || *e || id[0] < '0' || id[0] > '9' || v != d->nr_cells)
				return fail(d, line_of(c),
					    "<cell id='%s'>: cells are numbered 0, 1, ... in order",
					    id);
		}
		ma = attr(c, "memAccess");
		if (ma && strcmp(ma, "shared") && strcmp(ma, "private"))
			return fail(
				d, line_of(c),
				"Invalid value for attribute 'memAccess' in element 'cell': '%s'",
				ma);
		disc = attr(c, "discard");
		if (disc && strcmp(disc, "yes") && strcmp(disc, "no"))
			return fail(d, line_of(c),
				    "Invalid value for attribute 'discard' in element 'cell': '%s'",
				    disc);
		if (!attr(c, "memory"))
			return fail(d, line_of(c), "<cell> without memory");
		cells[d->nr_cells++] = c;
	}
	return 0;
}

static int parse_devices(struct dom *d, xmlNode *root)
{
	xmlNode *devs = child(root, "devices");
	unsigned idx = 0;

	for (xmlNode *m = devs ? devs->children : NULL; m; m = m->next) {
		xmlNode *src, *tgt, *n;
		const char *model;
		uint64_t bytes, kib = 0, mask = 0;
		bool have_kib = false, have_mask = false;
		unsigned page_line = 0, mask_line = 0;
		long cell = 0;
		char id[HP_BACKEND_ID_MAX], text[64];
		int r;

		if (is(m, "hostdev")) {
			const char *type = attr(m, "type");

			d->vm->passthrough = d->vm->passthrough || (type && !strcmp(type, "pci"));
			continue;
		}
		if (!is(m, "memory"))
			continue;
		model = attr(m, "model");
		snprintf(id, sizeof(id), "memdimm%u", idx);
		idx++;
		tgt = child(m, "target");
		n = child(tgt, "size");
		if (!n)
			return fail(d, line_of(m), "<memory model='%s'> without <target><size>",
				    model ? model : "");
		r = element_size(d, n, "<target><size>", &bytes);
		if (r < 0)
			return r;
		if (model && strcmp(model, "dimm")) {
			if (!strcmp(model, "virtio-mem")) {
				snprintf(d->vm->note, sizeof(d->vm->note),
					 "a virtio-mem device (line %u) is not planned",
					 line_of(m));
			}
			/* nvdimm, virtio-pmem: a file of their own; sgx-epc: no RAM */
			continue;
		}
		if (!d->nr_cells)
			return fail(
				d, line_of(m),
				"At least one numa node has to be configured when enabling memory hotplug");
		n = child(tgt, "node");
		if (n) {
			char *e;

			if (text_of(n, text, sizeof(text)) < 0)
				return fail(d, line_of(n), "<target><node>: value too long");
			cell = strtol(text, &e, 10);
			if (!text[0] || *e || cell < 0 || (size_t)cell >= d->nr_cells)
				return fail(
					d, line_of(n),
					"<target><node>%s</node>: the domain has no guest NUMA cell %s",
					text, text);
		}
		src = child(m, "source");
		n = child(src, "pagesize");
		if (n) {
			uint64_t b;

			r = element_size(d, n, "<source><pagesize>", &b);
			if (r < 0)
				return r;
			kib = b / HP_KIB;
			have_kib = kib != 0;
			page_line = line_of(n);
		}
		n = child(src, "nodemask");
		if (n) {
			if (text_of(n, text, sizeof(text)) < 0)
				return fail(d, line_of(n), "<source><nodemask>: value too long");
			if (nodeset(d, line_of(n), "<nodemask", text, &mask) < 0)
				return -EINVAL;
			have_mask = true;
			mask_line = line_of(n);
		}
		/* qemuDomainGetMemoryModuleSizeAlignment: DIMMs align to 2 MiB */
		if (!align_up(&bytes, 2 * HP_MIB))
			return fail(d, line_of(m), "<target><size>: value too large");
		r = add_backend(d, id, (int)cell, bytes, kib, have_kib, page_line,
				have_mask ? &mask : NULL, mask_line, true, line_of(m));
		if (r < 0)
			return r;
	}
	return 0;
}

/* whitespace around a value, as virsh metadata may keep it, is not part of it */
static char *trim(char *s)
{
	size_t l;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	l = strlen(s);
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\n' || s[l - 1] == '\r'))
		s[--l] = '\0';
	return s;
}

/*
 * <metadata><hugeplan:backing xmlns:hugeplan=HP_LIBVIRT_NS>: the VM's Backing=. Elements of
 * other namespaces are other tools'; one of ours that is not <backing> is an error (a typo
 * would otherwise leave the default silently).
 */
static int parse_metadata(struct dom *d, xmlNode *root)
{
	xmlNode *md = child(root, "metadata"), *found = NULL;

	for (xmlNode *c = md ? md->children : NULL; c; c = c->next) {
		char text[64], *v;

		if (c->type != XML_ELEMENT_NODE || !c->ns || !c->ns->href ||
		    strcmp((const char *)c->ns->href, HP_LIBVIRT_NS))
			continue;
		if (strcmp((const char *)c->name, "backing"))
			return fail(
				d, line_of(c),
				"<%s> in hugeplan's namespace %s: unknown element (hugeplan reads <backing>)",
				c->name, HP_LIBVIRT_NS);
		if (found)
			return fail(d, line_of(c),
				    "hugeplan:backing given twice (first on line %u)",
				    line_of(found));
		found = c;
		if (text_of(c, text, sizeof(text)) < 0)
			return fail(d, line_of(c),
				    "hugeplan:backing: expected static, dynamic or transparent");
		v = trim(text);
		if (hp_backing_parse(v, &d->vm->backing) < 0)
			return fail(d, line_of(c),
				    "hugeplan:backing=%s: expected static, dynamic or transparent",
				    v);
		d->vm->backing_set = true;
		d->vm->backing_loc = (struct hp_loc){ d->path, line_of(c) };
	}
	return 0;
}

static int parse_domain(struct dom *d, xmlNode *root)
{
	struct hp_vm *vm = d->vm;
	xmlNode *cells[MAX_CELLS], *n, *mb;
	uint64_t total = 0;
	char text[128];
	int r;

	if (!is(root, "domain"))
		return fail(d, line_of(root), "<%s> is not a libvirt <domain>", root->name);
	n = child(root, "name");
	if (!n || text_of(n, text, sizeof(text)) < 0 || !text[0])
		return fail(d, n ? line_of(n) : line_of(root),
			    "<name> missing or longer than %d characters", HP_NAME_MAX);
	if (strlen(text) > HP_NAME_MAX)
		return fail(d, line_of(n), "<name>%.64s...</name>: longer than %d characters", text,
			    HP_NAME_MAX);
	hp_escape(vm->name, sizeof(vm->name), text);
	n = child(root, "uuid");
	if (n && text_of(n, text, sizeof(text)) == 0)
		hp_escape(vm->source_id, sizeof(vm->source_id), text);
	n = child(root, "memory");
	if (!n)
		return fail(d, line_of(root), "<memory> missing");
	r = element_size(d, n, "<memory>", &total);
	if (r < 0)
		return r;
	vm->memory_loc = (struct hp_loc){ d->path, line_of(n) };

	mb = child(root, "memoryBacking");
	if (mb && (r = parse_pages(d, mb)) < 0)
		return r;
	if ((r = parse_numatune(d, root)) < 0 || (r = parse_cells(d, root, cells)) < 0)
		return r;
	for (size_t i = 0; i < MAX_CELLS; i++)
		if (d->memnode[i].set && i >= d->nr_cells)
			return fail(d, d->memnode[i].line,
				    "<memnode cellid='%zu'>: the domain has no guest NUMA cell %zu",
				    i, i);
	if ((r = check_pages(d)) < 0)
		return r;

	if (!d->nr_cells) {
		/* the machine's RAM: <memory> less the memory devices, which need cells */
		if (!align_up(&total, HP_MIB))
			return fail(d, vm->memory_loc.line, "<memory>: value too large");
		r = add_backend(d, "pc.ram", -1, total, 0, false, 0, NULL, 0, false,
				vm->memory_loc.line);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < d->nr_cells; i++) {
		uint64_t bytes;
		char id[HP_BACKEND_ID_MAX];

		r = scaled(d, line_of(cells[i]), "<cell memory>", attr(cells[i], "memory"),
			   attr(cells[i], "unit"), &bytes);
		if (r < 0)
			return r;
		if (!align_up(&bytes, HP_MIB))
			return fail(d, line_of(cells[i]), "<cell memory>: value too large");
		snprintf(id, sizeof(id), "ram-node%zu", i);
		r = add_backend(d, id, (int)i, bytes, 0, false, 0, NULL, 0, false,
				line_of(cells[i]));
		if (r < 0)
			return r;
	}
	r = parse_devices(d, root);
	if (r < 0)
		return r;
	vm->not_huge = vm->nr_backends == 0;
	r = parse_metadata(d, root);
	if (r < 0)
		return r;
	if (vm->not_huge && vm->backing_set && vm->backing != HP_BACKING_TRANSPARENT)
		return fail(
			d, vm->backing_loc.line,
			"hugeplan:backing=%s: %s is not on huge pages (no <memoryBacking><hugepages>): add huge pages to its definition, or leave Backing out",
			hp_backing_name(vm->backing), vm->name);
	return 0;
}

/* libxml2's message for a malformed document, first line only */
static void xml_error(struct dom *d, const xmlError *e)
{
	char msg[256];
	size_t l;

	snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message : "malformed XML");
	l = strlen(msg);
	while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
		msg[--l] = '\0';
	fail(d, e && e->line > 0 ? (unsigned)e->line : 0, "not a well-formed domain XML: %s", msg);
}

int hp_libvirt_parse(const char *path, const char *text, size_t len, struct hp_vm *vm,
		     struct hp_diag *err)
{
	struct dom *d;
	xmlParserCtxt *ctxt;
	xmlDoc *doc;
	int r;

	hp_source_vm_init(vm, HP_SRC_LIBVIRT, path);
	if (len > HP_SOURCE_FILE_MAX) {
		struct hp_loc loc = { path, 0 };

		hp_diag_set(err, &loc, "file too large (%zu bytes, at most %u)", len,
			    HP_SOURCE_FILE_MAX);
		return -EFBIG;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->path = path;
	d->vm = vm;
	d->err = err;
	/* entities and DTDs have no place in a domain: refuse them before libxml2 reads them */
	if (memmem(text, len, "<!DOCTYPE", 9) || memmem(text, len, "<!ENTITY", 8)) {
		const char *at = memmem(text, len, "<!", 2);
		unsigned line = 1;

		for (const char *q = text; at && q < at; q++)
			line += *q == '\n';
		r = fail(
			d, line,
			"a DOCTYPE or ENTITY declaration: libvirt never writes one, refusing the file");
		free(d);
		return r;
	}
	if (memchr(text, '\0', len)) {
		r = fail(d, 0, "binary data (a NUL byte) in a domain XML");
		free(d);
		return r;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		free(d);
		return -ENOMEM;
	}
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, path, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
					XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA |
					XML_PARSE_NOBLANKS | XML_PARSE_COMPACT);
	if (!doc || !xmlDocGetRootElement(doc)) {
		xml_error(d, xmlCtxtGetLastError(ctxt));
		r = -EINVAL;
	} else if (doc->intSubset || doc->extSubset) {
		r = fail(d, 1, "a DOCTYPE: libvirt never writes one, refusing the file");
	} else {
		r = parse_domain(d, xmlDocGetRootElement(doc));
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	free(d);
	if (r < 0) {
		free(vm->backends);
		vm->backends = NULL;
		vm->nr_backends = 0;
	}
	return r;
}

int hp_libvirt_status(const char *text, size_t len, long *pid, char *emulator, size_t emulen)
{
	xmlParserCtxt *ctxt;
	xmlNode *root, *em;
	const char *p;
	xmlDoc *doc;
	char *end;
	long v;
	int r = -EINVAL;

	if (len > INT32_MAX || memmem(text, len, "<!DOCTYPE", 9) ||
	    memmem(text, len, "<!ENTITY", 8) || memchr(text, '\0', len))
		return -EINVAL;
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
					XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT);
	root = doc && !doc->intSubset && !doc->extSubset ? xmlDocGetRootElement(doc) : NULL;
	if (root && is(root, "domstatus") && (p = attr(root, "pid")) && *p >= '1' && *p <= '9') {
		errno = 0;
		v = strtol(p, &end, 10);
		em = child(child(child(root, "domain"), "devices"), "emulator");
		if (!*end && !errno && v <= INT32_MAX && em && text_of(em, emulator, emulen) == 0 &&
		    emulator[0] == '/') {
			*pid = v;
			r = 0;
		}
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return r;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/size.h"
#include "core/vmrec.h"

static int grow(void **p, size_t *cap, size_t want, size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (want <= *cap)
		return 0;
	while (n < want)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

/* a new record with nr_parts parts (uninitialised) at the end of r */
static struct hp_vm_rec *push(struct hp_recs *r, size_t nr_parts)
{
	struct hp_vm_rec *v;

	if (grow((void **)&r->vms, &r->cap, r->nr + 1, sizeof(*r->vms)) < 0 ||
	    grow((void **)&r->parts, &r->cap_parts, r->nr_parts + nr_parts, sizeof(*r->parts)) < 0)
		return NULL;
	v = &r->vms[r->nr];
	memset(v, 0, sizeof(*v));
	v->first = r->nr_parts;
	return v;
}

void hp_recs_free(struct hp_recs *r)
{
	free(r->vms);
	free(r->parts);
	memset(r, 0, sizeof(*r));
}

static const char *strip_root(const char *file, const char *root)
{
	size_t n;

	if (!file || !root)
		return file ? file : "";
	n = strlen(root);
	while (n && root[n - 1] == '/')
		n--;
	if (n && !strncmp(file, root, n) && file[n] == '/')
		return file + n;
	return file;
}

int hp_recs_from_plan(const struct hp_plan *plan, const char *root, struct hp_recs *out)
{
	hp_recs_free(out);
	for (size_t i = 0; i < plan->nr_vms; i++) {
		const struct hp_vm_plan *vp = &plan->vms[i];
		struct hp_vm_rec *v;

		/* the boot's plan: dynamic VMs bring their pages at start, transparent ones none */
		if (vp->backing != HP_BACKING_STATIC)
			continue;
		v = push(out, vp->nr_parts);
		if (!v) {
			hp_recs_free(out);
			return -ENOMEM;
		}
		snprintf(v->name, sizeof(v->name), "%s", vp->vm->name);
		v->source = vp->vm->source;
		hp_escape(v->file, sizeof(v->file), strip_root(vp->vm->loc.file, root));
		for (size_t k = 0; k < vp->nr_parts; k++)
			out->parts[out->nr_parts++] = (struct hp_rec_part){
				.size = vp->parts[k].size,
				.node = vp->parts[k].node,
				.pages = vp->parts[k].pages,
			};
		v->nr_parts = vp->nr_parts;
		out->nr++;
	}
	return 0;
}

/* a decimal number of s[0..n) (n > 0, digits only) */
static int number(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (!n || n > 20)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* "SIZE_KB:NODE:COUNT" */
static int parse_part(const char *s, size_t n, struct hp_rec_part *p)
{
	const char *c1 = memchr(s, ':', n), *c2;
	uint64_t kb, node;

	if (!c1)
		return -EINVAL;
	c2 = memchr(c1 + 1, ':', (size_t)(s + n - c1 - 1));
	if (!c2 || number(s, (size_t)(c1 - s), &kb) < 0 || !kb || kb > UINT64_MAX / 1024 ||
	    number(c2 + 1, (size_t)(s + n - c2 - 1), &p->pages) < 0)
		return -EINVAL;
	p->size = kb * 1024;
	if (c2 - c1 == 2 && c1[1] == '-')
		p->node = -1;
	else if (number(c1 + 1, (size_t)(c2 - c1 - 1), &node) < 0 || node >= HP_MAX_NODES)
		return -EINVAL;
	else
		p->node = (int)node;
	return 0;
}

/* the next space-separated word of [*s, end): its start and length; false when none */
static bool word(const char **s, const char *end, const char **w, size_t *n)
{
	const char *p = *s, *q;

	if (p >= end)
		return false;
	q = memchr(p, ' ', (size_t)(end - p));
	if (!q)
		q = end;
	*w = p;
	*n = (size_t)(q - p);
	*s = q < end ? q + 1 : end;
	return *n > 0;
}

int hp_recs_parse_line(struct hp_recs *r, const char *v, size_t len)
{
	static const enum hp_source srcs[] = { HP_SRC_FILES, HP_SRC_LIBVIRT, HP_SRC_PROXMOX };
	const char *s = v, *end = v + len, *w, *pw;
	size_t n, pn, parts = 1, i;
	struct hp_vm_rec *rec;

	if (!word(&s, end, &w, &n) || n > HP_NAME_MAX)
		return -EINVAL;
	rec = push(r, 0);
	if (!rec)
		return -ENOMEM;
	memcpy(rec->name, w, n);
	rec->name[n] = '\0';
	if (!hp_vm_name_valid(rec->name) || !word(&s, end, &w, &n))
		return -EINVAL;
	for (i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++)
		if (strlen(hp_source_name(srcs[i])) == n && !strncmp(w, hp_source_name(srcs[i]), n))
			break;
	if (i == sizeof(srcs) / sizeof(srcs[0]))
		return -EINVAL;
	rec->source = srcs[i];
	if (!word(&s, end, &pw, &pn) || pw[pn - 1] == ',')
		return -EINVAL;
	for (size_t k = 0; k < pn; k++)
		parts += pw[k] == ',';
	if ((size_t)(end - s) >= sizeof(rec->file))
		return -EINVAL;
	memcpy(rec->file, s, (size_t)(end - s));
	rec->file[end - s] = '\0';
	if (grow((void **)&r->parts, &r->cap_parts, r->nr_parts + parts, sizeof(*r->parts)) < 0)
		return -ENOMEM;
	for (const char *p = pw, *pe = pw + pn; p < pe;) {
		const char *c = memchr(p, ',', (size_t)(pe - p));

		if (!c)
			c = pe;
		if (parse_part(p, (size_t)(c - p), &r->parts[rec->first + rec->nr_parts]) < 0)
			return -EINVAL;
		rec->nr_parts++;
		p = c + 1;
	}
	r->nr_parts += rec->nr_parts;
	r->nr++;
	return 0;
}

void hp_recs_render(const struct hp_recs *r, const char *key, struct hp_text *t)
{
	for (size_t i = 0; i < r->nr; i++) {
		const struct hp_vm_rec *v = &r->vms[i];

		hp_text_printf(t, "%s=%s %s ", key, v->name, hp_source_name(v->source));
		for (size_t k = 0; k < v->nr_parts; k++) {
			const struct hp_rec_part *p = &r->parts[v->first + k];

			if (p->node < 0)
				hp_text_printf(t, "%s%" PRIu64 ":-:%" PRIu64, k ? "," : "",
					       p->size / 1024, p->pages);
			else
				hp_text_printf(t, "%s%" PRIu64 ":%d:%" PRIu64, k ? "," : "",
					       p->size / 1024, p->node, p->pages);
		}
		hp_text_printf(t, " %s\n", v->file);
	}
}

int hp_recs_copy(const struct hp_recs *from, struct hp_recs *to)
{
	hp_recs_free(to);
	if (!from->nr)
		return 0;
	to->vms = malloc(from->nr * sizeof(*to->vms));
	to->parts = malloc((from->nr_parts ? from->nr_parts : 1) * sizeof(*to->parts));
	if (!to->vms || !to->parts) {
		hp_recs_free(to);
		return -ENOMEM;
	}
	memcpy(to->vms, from->vms, from->nr * sizeof(*to->vms));
	memcpy(to->parts, from->parts, from->nr_parts * sizeof(*to->parts));
	to->nr = to->cap = from->nr;
	to->nr_parts = to->cap_parts = from->nr_parts;
	return 0;
}

bool hp_rec_parts_equal(const struct hp_recs *a, const struct hp_vm_rec *x, const struct hp_recs *b,
			const struct hp_vm_rec *y)
{
	if (x->nr_parts != y->nr_parts)
		return false;
	for (size_t k = 0; k < x->nr_parts; k++) {
		const struct hp_rec_part *p = &a->parts[x->first + k], *q = &b->parts[y->first + k];

		if (p->size != q->size || p->node != q->node || p->pages != q->pages)
			return false;
	}
	return true;
}

bool hp_recs_equal(const struct hp_recs *a, const struct hp_recs *b)
{
	if (a->nr != b->nr)
		return false;
	for (size_t i = 0; i < a->nr; i++) {
		const struct hp_vm_rec *x = &a->vms[i], *y = &b->vms[i];

		if (strcmp(x->name, y->name) || x->source != y->source ||
		    strcmp(x->file, y->file) || !hp_rec_parts_equal(a, x, b, y))
			return false;
	}
	return true;
}

static int cmp_name(const void *a, const void *b)
{
	const struct hp_vm_rec *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

int hp_recs_unique(const struct hp_recs *r)
{
	const struct hp_vm_rec **v;
	int ok = 1;

	if (r->nr < 2)
		return 1;
	v = malloc(r->nr * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < r->nr; i++)
		v[i] = &r->vms[i];
	qsort(v, r->nr, sizeof(*v), cmp_name);
	for (size_t i = 1; i < r->nr && ok; i++)
		ok = strcmp(v[i - 1]->name, v[i]->name) != 0;
	free(v);
	return ok;
}

uint64_t hp_rec_bytes(const struct hp_recs *r, const struct hp_vm_rec *v)
{
	uint64_t b = 0;

	for (size_t k = 0; k < v->nr_parts; k++)
		b += r->parts[v->first + k].pages * r->parts[v->first + k].size;
	return b;
}

void hp_rec_pages_text(const struct hp_recs *r, const struct hp_vm_rec *v, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < v->nr_parts && o < len; k++) {
		const struct hp_rec_part *p = &r->parts[v->first + k];
		char sz[24];

		hp_size_token(p->size, sz, sizeof(sz));
		o += (size_t)snprintf(buf + o, len - o, "%s%" PRIu64 " x %s", k ? " + " : "",
				      p->pages, sz);
		if (p->node >= 0 && o < len)
			o += (size_t)snprintf(buf + o, len - o, " on node %d", p->node);
	}
	if (!v->nr_parts)
		snprintf(buf, len, "no pages");
}

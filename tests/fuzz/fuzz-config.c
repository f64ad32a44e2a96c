// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The configuration loader (hp_config_load_texts(): the parser, the drop-in merge and the
 * VM checks the file loader uses too), then the whole pipeline behind it: plan, render and
 * the kernel's reading of the rendering.
 *
 * Input: one or more files, each starting with a header line "%% ROLE NAME" (ROLE h for
 * hugeplan.conf, d for a drop-in, v for a file in vms.d; NAME its file name), the bytes up to
 * the next header being its content. Bytes before the first header are vms.d/a.conf.
 *
 * Properties:
 * - a refused configuration: a negative errno, an empty configuration, a message that is one
 *   line of printable ASCII, naming one of the files (or none, for a lack of memory);
 * - a loaded one: every VM has a valid name, used once, Memory > 0, Instances 1..65535, a
 *   page size that is a power of two of at least 4K (or 0), nodes below 64; reserve settings
 *   in range;
 * - then, planned on three hosts (one node; two nodes; two nodes on Linux 5.10), whenever the
 *   planner accepts the configuration its rendering succeeds, reads back through the kernel
 *   simulation as exactly the plan, and is made only of tokens of the strict grammar of
 *   fuzz.h: no byte of a configuration reaches the kernel arguments but validated numbers
 *   and sizes; refusals of the planner name a file too.
 */
#include <errno.h>

#include "config/config.h"
#include "core/host.h"
#include "core/plan.h"
#include "core/render.h"
#include "core/size.h"
#include "fuzz.h"

#define MAX_FILES 16

static void check_diag(const struct hp_diag *d, const struct hp_conf_text *t, size_t n)
{
	bool named = !d->file[0];

	FZ_ASSERT(d->msg[0], "an error without a message");
	for (const char *s = d->msg; *s; s++)
		FZ_ASSERT(*s >= 0x20 && *s <= 0x7e, "message byte 0x%02x: %s", (unsigned char)*s,
			  d->msg);
	for (const char *s = d->file; *s; s++)
		FZ_ASSERT(*s >= 0x20 && *s <= 0x7e, "file name byte 0x%02x", (unsigned char)*s);
	for (size_t i = 0; i < n && !named; i++) {
		char esc[sizeof(d->file)];

		hp_escape(esc, sizeof(esc), t[i].path);
		named = !strcmp(esc, d->file);
	}
	FZ_ASSERT(named, "the error names \"%s\", not one of the files: %s", d->file, d->msg);
}

static void check_config(const struct hp_config *c)
{
	const struct hp_settings *h = &c->host;

	FZ_ASSERT(!h->default_page ||
			  (h->default_page >= 4096 && !(h->default_page & (h->default_page - 1))),
		  "DefaultPageSize %" PRIu64, h->default_page);
	for (size_t i = 0; i < c->nr_vms; i++) {
		const struct hp_vm *v = &c->vms[i];

		FZ_ASSERT(hp_vm_name_valid(v->name), "VM name \"%s\"", v->name);
		FZ_ASSERT(v->memory > 0, "VM %s without memory", v->name);
		FZ_ASSERT(v->instances >= 1 && v->instances <= 65535, "Instances=%u", v->instances);
		FZ_ASSERT(!v->page_size ||
				  (v->page_size >= 4096 && !(v->page_size & (v->page_size - 1))),
			  "PageSize %" PRIu64, v->page_size);
		FZ_ASSERT(v->loc.file, "VM %s without a file", v->name);
		for (size_t k = 0; k < i; k++)
			FZ_ASSERT(strcmp(c->vms[k].name, v->name), "VM name %s twice", v->name);
	}
}

static void host_init(struct hp_host *h, size_t nodes, unsigned kver)
{
	memset(h, 0, sizeof(*h));
	h->nr_nodes = nodes;
	for (size_t i = 0; i < nodes; i++) {
		h->nodes[i].id = (unsigned)i;
		h->nodes[i].mem_total = (16ULL << i) * HP_GIB;
		h->mem_total += h->nodes[i].mem_total;
		h->online_mask |= 1ULL << i;
	}
	h->numa_sysfs = true;
	h->sizes[0] = 2 * HP_MIB;
	h->sizes[1] = HP_GIB;
	h->nr_sizes = 2;
	h->x86 = h->pdpe1gb = true;
	h->kver = kver;
	snprintf(h->kver_str, sizeof(h->kver_str), "%u.%u.0", kver >> 16, kver >> 8 & 0xff);
}

static void pipeline(const struct hp_config *c, const struct hp_host *host, bool balanced,
		     const struct hp_conf_text *t, size_t n)
{
	struct hp_plan_opts po = { .allow_balanced = balanced };
	struct hp_plan *plan = calloc(1, sizeof(*plan));
	struct hp_kargs *args = calloc(1, sizeof(*args));
	const char *toks[HP_MAX_TOKENS];
	struct hp_karch a;
	struct hp_diag d;
	const char *bad;
	char why[256];
	int r;

	if (!plan || !args)
		goto out;
	hp_host_karch(host, &a);
	r = hp_plan_compute(host, &c->host, c->vms, c->nr_vms, &po, plan, &d);
	if (r < 0) {
		FZ_ASSERT(r == -EINVAL || r == -ENOMEM, "hp_plan_compute: %d", r);
		if (r == -EINVAL)
			check_diag(&d, t, n);
		goto out;
	}
	r = hp_render(plan, args);
	FZ_ASSERT(r == 0, "hp_render: %d", r);
	r = hp_render_check(plan, args, &a, why, sizeof(why));
	FZ_ASSERT(r == 0, "the kernel would not reserve the plan: %s", why);
	for (size_t i = 0; i < args->n; i++)
		toks[i] = args->tok[i];
	bad = fz_kargs_check(toks, args->n, NULL);
	FZ_ASSERT(!bad, "rendering outside the grammar: %s", bad);
	hp_plan_free(plan);
out:
	free(plan);
	free(args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char dir[] = "/fuzz/etc/hugeplan";
	struct hp_conf_text t[MAX_FILES];
	char paths[MAX_FILES][160];
	const char *p = (const char *)data, *end = p + size;
	struct hp_config c;
	struct hp_host *host = malloc(sizeof(*host));
	struct hp_diag d;
	size_t n = 0;
	int r;

	if (!host)
		return 0;
	while (p < end && n < MAX_FILES) {
		const char *body = p, *next;
		char role = 'v', name[64] = "a.conf";

		if (end - p >= 3 && !memcmp(p, "%% ", 3)) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t hl = (size_t)((nl ? nl : end) - p);

			role = hl > 3 ? p[3] : 'v';
			snprintf(name, sizeof(name), "%.*s", hl > 5 ? (int)(hl - 5) : 0, p + 5);
			body = nl ? nl + 1 : end;
		}
		for (next = body; next < end; next++)
			if (next[0] == '\n' && end - next > 3 && !memcmp(next + 1, "%% ", 3))
				break;
		if (next < end)
			next++; /* the newline ends the file before the header */
		if (role == 'h') {
			snprintf(paths[n], sizeof(paths[n]), "%s/hugeplan.conf", dir);
			t[n].role = HP_CONF_MAIN;
		} else if (role == 'd') {
			snprintf(paths[n], sizeof(paths[n]), "%s/hugeplan.conf.d/%s", dir, name);
			t[n].role = HP_CONF_DROPIN;
		} else {
			snprintf(paths[n], sizeof(paths[n]), "%s/vms.d/%s", dir, name);
			t[n].role = HP_CONF_VM;
		}
		t[n].path = paths[n];
		t[n].text = body;
		t[n].len = (size_t)(next - body);
		n++;
		p = next;
	}

	r = hp_config_load_texts(t, n, &c, &d);
	if (r < 0) {
		FZ_ASSERT(r == -EINVAL || r == -EEXIST || r == -ENOMEM, "load: %d", r);
		FZ_ASSERT(c.nr_vms == 0 && !c.vms && !c.files, "a refused configuration kept data");
		check_diag(&d, t, n);
		goto out;
	}
	check_config(&c);
	host_init(host, 1, HP_KVER(6, 1, 0));
	pipeline(&c, host, false, t, n);
	host_init(host, 2, HP_KVER(6, 1, 0));
	pipeline(&c, host, false, t, n);
	host_init(host, 2, HP_KVER(5, 10, 0));
	pipeline(&c, host, true, t, n);
	hp_config_free(&c);
out:
	free(host);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/kcmdline.h"
#include "core/size.h"

const char *hp_kcmdline_next(const char *args, char *param, size_t plen, char *val, size_t vlen,
			     bool *has_val)
{
	size_t i, equals = 0, pstart = 0, vstart, vend;
	bool in_quote = false, quoted = false;

	while (*args && hp_kisspace((unsigned char)*args))
		args++;
	if (!*args)
		return NULL;
	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (hp_kisspace((unsigned char)args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	/* the word is args[0..i); next_arg() strips one closing quote of a quoted word */
	vend = i;
	if (quoted && i > 0 && args[i - 1] == '"')
		vend = i - 1;
	*has_val = equals != 0;
	if (!equals) {
		snprintf(param, plen, "%.*s", (int)(vend - pstart), args);
		if (vlen)
			val[0] = '\0';
	} else {
		snprintf(param, plen, "%.*s", (int)equals, args);
		vstart = equals + 1;
		if (args[vstart] == '"') {
			vstart++;
			if (args[i - 1] == '"' && i - 1 >= vstart)
				vend = i - 1;
		}
		if (vend < vstart)
			vend = vstart;
		snprintf(val, vlen, "%.*s", (int)(vend - vstart), args + vstart);
	}
	args += i;
	if (*args)
		args++;
	while (*args && hp_kisspace((unsigned char)*args))
		args++;
	return args;
}

bool hp_param_eq(const char *a, const char *b)
{
	for (; *a || *b; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
	}
	return true;
}

/* vsscanf("%lu%n") of lib/vsprintf.c: blanks skipped, decimal digits, wrapping. */
static bool scan_ulong(const char *p, uint64_t *v, size_t *count)
{
	const char *s = p;
	uint64_t n = 0;

	while (hp_kisspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++)
		n = n * 10 + (uint64_t)(*s - '0');
	*v = n;
	*count = (size_t)(s - p);
	return true;
}

struct sim {
	const struct hp_karch *arch;
	struct hp_kreq *r;
	bool parsed_valid_hugepagesz;
	bool parsed_default_hugepagesz;
	int parsed_hstate; /* index into r->pools, -1 none */
	int default_idx;   /* default_hstate_idx, -1 until known */
	uint64_t default_hstate_max_huge_pages;
	uint64_t default_hugepages_in_node[HP_MAX_NODES];
	uint64_t *last_mhp;
};

__attribute__((format(printf, 2, 3))) static void kmsg(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (s->r->nr_msgs >= HP_MAX_KMSGS)
		return;
	va_start(ap, fmt);
	vsnprintf(s->r->msgs[s->r->nr_msgs++], HP_KMSG_LEN, fmt, ap);
	va_end(ap);
}

static bool node_online(const struct hp_karch *a, uint64_t n)
{
	return n < HP_MAX_NODES && (a->online_nodes >> n) & 1;
}

static int size_to_hstate(const struct sim *s, uint64_t size)
{
	for (size_t i = 0; i < s->r->nr_pools; i++)
		if (s->r->pools[i].size == size)
			return (int)i;
	return -1;
}

/* hugetlb_add_hstate(): a no-op for a known size, else registers it and makes it current. */
static void add_hstate(struct sim *s, uint64_t size)
{
	struct hp_kpool *p;

	if (size_to_hstate(s, size) >= 0 || s->r->nr_pools >= HP_MAX_SIZES)
		return;
	p = &s->r->pools[s->r->nr_pools];
	memset(p, 0, sizeof(*p));
	p->size = size;
	p->gigantic = s->arch->gigantic_min && size >= s->arch->gigantic_min;
	s->parsed_hstate = (int)s->r->nr_pools++;
}

static void hugepagesz_setup(struct sim *s, const char *val)
{
	uint64_t size = hp_memparse(val, NULL);
	int h;

	s->parsed_valid_hugepagesz = false;
	if (!hp_karch_valid_size(s->arch, size)) {
		kmsg(s, "HugeTLB: unsupported hugepagesz=%s", val);
		return;
	}
	h = size_to_hstate(s, size);
	if (h >= 0) {
		/* allowed again only for the default size whose count is not given yet */
		if (!s->parsed_default_hugepagesz || h != s->default_idx || s->r->pools[h].pages) {
			kmsg(s, "HugeTLB: hugepagesz=%s specified twice, ignoring", val);
			return;
		}
		s->parsed_hstate = h;
		s->parsed_valid_hugepagesz = true;
		return;
	}
	add_hstate(s, size);
	s->parsed_valid_hugepagesz = true;
}

static void clear_pages_in_node(struct sim *s)
{
	if (s->r->nr_pools == 0) {
		s->default_hstate_max_huge_pages = 0;
		memset(s->default_hugepages_in_node, 0, sizeof(s->default_hugepages_in_node));
	} else {
		struct hp_kpool *p = &s->r->pools[s->parsed_hstate];

		p->pages = 0;
		p->node_form = false;
		memset(p->node_pages, 0, sizeof(p->node_pages));
	}
}

static void hugepages_setup(struct sim *s, const char *val)
{
	const char *p = val;
	uint64_t *mhp, tmp;
	struct hp_kpool *pool = NULL;
	size_t count;

	if (!s->parsed_valid_hugepagesz) {
		kmsg(s, "HugeTLB: hugepages=%s does not follow a valid hugepagesz, ignoring", val);
		s->parsed_valid_hugepagesz = true;
		return;
	}
	/* no hugepagesz= yet: the count is for the default size, settled in hugetlb_init() */
	if (s->r->nr_pools == 0) {
		mhp = &s->default_hstate_max_huge_pages;
	} else {
		pool = &s->r->pools[s->parsed_hstate];
		mhp = &pool->pages;
	}
	if (mhp == s->last_mhp) {
		kmsg(s,
		     "HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=%s",
		     val);
		return;
	}

	if (s->arch->kver && s->arch->kver < HP_KVER(5, 16, 0)) {
		/* before 5.16: sscanf(s, "%lu", mhp), so "0:2" asks for 0 pages */
		if (!scan_ulong(p, mhp, &count))
			*mhp = 0;
		s->last_mhp = mhp;
		return;
	}

	while (*p) {
		if (!scan_ulong(p, &tmp, &count))
			goto invalid;
		if (p[count] == ':') {
			uint64_t node = tmp;

			if (!s->arch->node_alloc) {
				kmsg(s,
				     "HugeTLB: architecture can't support node specific alloc, ignoring!");
				return;
			}
			/* a node the masks cannot hold: flagged, since the kernel may take it */
			if (node >= HP_MAX_NODES && s->arch->nodes_beyond && !s->r->unmodelled_node)
				s->r->unmodelled_node = node < 65535 ? (unsigned)node + 1 : 65536;
			if (!node_online(s->arch, node))
				goto invalid;
			p += count + 1;
			if (!scan_ulong(p, &tmp, &count))
				goto invalid;
			if (!pool) {
				s->default_hugepages_in_node[node] = tmp;
			} else {
				pool->node_pages[node] = tmp;
				pool->node_form = true;
			}
			*mhp += tmp;
			if (p[count] == ',')
				p += count + 1;
			else
				break;
		} else {
			if (p != val)
				goto invalid;
			*mhp = tmp;
			break;
		}
	}
	s->last_mhp = mhp;
	return;

invalid:
	kmsg(s, "HugeTLB: Invalid hugepages parameter %s", p);
	clear_pages_in_node(s);
}

static void copy_default_counts(struct sim *s, struct hp_kpool *p)
{
	p->pages = s->default_hstate_max_huge_pages;
	p->node_form = false;
	for (size_t i = 0; i < HP_MAX_NODES; i++) {
		p->node_pages[i] = s->default_hugepages_in_node[i];
		if (p->node_pages[i])
			p->node_form = true;
	}
}

static void default_hugepagesz_setup(struct sim *s, const char *val)
{
	uint64_t size;

	s->parsed_valid_hugepagesz = false;
	if (s->parsed_default_hugepagesz) {
		kmsg(s, "HugeTLB: default_hugepagesz previously specified, ignoring %s", val);
		return;
	}
	size = hp_memparse(val, NULL);
	if (!hp_karch_valid_size(s->arch, size)) {
		kmsg(s, "HugeTLB: unsupported default_hugepagesz=%s", val);
		return;
	}
	add_hstate(s, size);
	s->parsed_valid_hugepagesz = true;
	s->parsed_default_hugepagesz = true;
	s->default_idx = size_to_hstate(s, size);
	if (s->default_hstate_max_huge_pages) {
		copy_default_counts(s, &s->r->pools[s->default_idx]);
		s->default_hstate_max_huge_pages = 0;
	}
}

/* hugetlb_cma=nn[KMGTPE] or node:nn[,node:nn...]; early_param, so its position is moot */
static uint64_t parse_cma(const char *val)
{
	uint64_t total = 0;
	const char *p = val;

	if (!strchr(val, ':'))
		return hp_memparse(val, NULL);
	while (*p) {
		uint64_t node;
		size_t count;

		if (!scan_ulong(p, &node, &count) || p[count] != ':')
			break;
		p += count + 1;
		total += hp_memparse(p, &p);
		if (*p != ',')
			break;
		p++;
	}
	return total;
}

static bool kstrtobool_true(const char *v)
{
	return !strcmp(v, "on") || v[0] == '1' || v[0] == 'y' || v[0] == 'Y' ||
	       ((v[0] == 'o' || v[0] == 'O') && (v[1] == 'n' || v[1] == 'N'));
}

int hp_kcmdline_simulate(const char *cmdline, const struct hp_karch *arch, struct hp_kreq *out)
{
	struct sim s = { .arch = arch,
			 .r = out,
			 .parsed_valid_hugepagesz = true,
			 .parsed_hstate = -1,
			 .default_idx = -1 };
	/*
	 * A value is read whole: a node list of 64 nodes can pass 512 bytes, and a cut one
	 * would read as an invalid parameter. COMMAND_LINE_SIZE is 2048 on x86-64, arm64 and
	 * ppc64 and 4096 by default on s390x, so no value is longer than HP_KCMDLINE_MAX.
	 */
	char param[64], val[HP_KCMDLINE_MAX];
	bool has_val, seen = false;
	const char *p = cmdline ? cmdline : "";

	memset(out, 0, sizeof(*out));
	/* early parameters are read before any __setup() handler, wherever they stand */
	for (const char *q = p;
	     (q = hp_kcmdline_next(q, param, sizeof(param), val, sizeof(val), &has_val));) {
		if (!has_val && !strcmp(param, "--"))
			break;
		if (!has_val)
			continue;
		if (hp_param_eq(param, "hugetlb_cma"))
			out->cma_bytes = parse_cma(val);
		else if (hp_param_eq(param, "hugetlb_free_vmemmap"))
			out->free_vmemmap = kstrtobool_true(val);
		else if (hp_param_eq(param, "hugeplan.plan"))
			snprintf(out->plan_id, sizeof(out->plan_id), "%.64s", val);
	}

	while ((p = hp_kcmdline_next(p, param, sizeof(param), val, sizeof(val), &has_val))) {
		if (!has_val && !strcmp(param, "--"))
			break;
		if (!has_val)
			continue;
		if (hp_param_eq(param, "hugepagesz"))
			hugepagesz_setup(&s, val);
		else if (hp_param_eq(param, "hugepages"))
			hugepages_setup(&s, val);
		else if (hp_param_eq(param, "default_hugepagesz"))
			default_hugepagesz_setup(&s, val);
		else
			continue;
		seen = true;
	}
	out->any_param = seen;

	if (!arch->hugepages_supported) {
		if (out->nr_pools || s.default_hstate_max_huge_pages)
			kmsg(&s,
			     "HugeTLB: huge pages not supported, ignoring associated command-line parameters");
		out->nr_pools = 0;
		out->default_size = 0;
		return 0;
	}

	/* hugetlb_init(): HPAGE_SIZE always exists; an implicit default count wins over all */
	add_hstate(&s, arch->hpage_size);
	if (!s.parsed_default_hugepagesz) {
		s.default_idx = size_to_hstate(&s, arch->hpage_size);
		if (s.default_hstate_max_huge_pages) {
			struct hp_kpool *d = &out->pools[s.default_idx];

			if (d->pages) {
				char buf[32];

				hp_size_human(d->size, buf, sizeof(buf));
				kmsg(&s,
				     "HugeTLB: Ignoring hugepages=%llu associated with %s page size",
				     (unsigned long long)d->pages, buf);
				kmsg(&s,
				     "HugeTLB: Using hugepages=%llu for number of default huge pages",
				     (unsigned long long)s.default_hstate_max_huge_pages);
			}
			copy_default_counts(&s, d);
		}
	} else {
		out->default_explicit = true;
	}
	if (s.default_idx >= 0)
		out->default_size = out->pools[s.default_idx].size;

	for (size_t i = 0; i < out->nr_pools; i++) {
		struct hp_kpool *pool = &out->pools[i];

		if (pool->gigantic && out->cma_bytes && pool->pages)
			pool->cma_skipped = true;
	}
	for (size_t i = 0; i < out->nr_pools; i++)
		if (out->pools[i].cma_skipped) {
			/* pr_warn_once() */
			kmsg(&s, "HugeTLB: hugetlb_cma is enabled, skip boot time allocation");
			break;
		}
	return 0;
}

const struct hp_kpool *hp_kreq_pool(const struct hp_kreq *req, uint64_t size)
{
	for (size_t i = 0; i < req->nr_pools; i++)
		if (req->pools[i].size == size)
			return &req->pools[i];
	return NULL;
}

bool hp_karch_valid_size(const struct hp_karch *arch, uint64_t size)
{
	for (size_t i = 0; i < arch->nr_sizes; i++)
		if (arch->sizes[i] == size)
			return true;
	return false;
}

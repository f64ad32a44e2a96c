// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/kcmdline.h"
#include "core/parse-util.h"
#include "core/size.h"
#include "core/text.h"

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
		hp_copy_n(param, plen, args, vend - pstart);
		if (vlen)
			val[0] = '\0';
	} else {
		hp_copy_n(param, plen, args, equals);
		vstart = equals + 1;
		if (args[vstart] == '"') {
			vstart++;
			if (args[i - 1] == '"' && i - 1 >= vstart)
				vend = i - 1;
		}
		if (vend < vstart)
			vend = vstart;
		hp_copy_n(val, vlen, args + vstart, vend - vstart);
	}
	args += i;
	if (*args)
		args++;
	while (*args && hp_kisspace((unsigned char)*args))
		args++;
	return args;
}

uint64_t hp_kreq_summary(const struct hp_kreq *req, char *out, size_t len)
{
	uint64_t total = 0;
	size_t o = 0;

	if (len)
		out[0] = '\0';
	for (size_t i = 0; i < req->nr_pools; i++) {
		char sz[24];

		if (!req->pools[i].pages)
			continue;
		hp_size_token(req->pools[i].size, sz, sizeof(sz));
		if (o < len)
			o += (size_t)snprintf(out + o, len - o, "%s%" PRIu64 " x %s", o ? ", " : "",
					      req->pools[i].pages, sz);
		total += req->pools[i].pages;
	}
	return total;
}

const char *hp_kword(const char *p, size_t *len)
{
	size_t k = 0;
	bool q = false;

	while (hp_kisspace((unsigned char)*p))
		p++;
	for (; p[k] && (q || !hp_kisspace((unsigned char)p[k])); k++)
		if (p[k] == '"')
			q = !q;
	*len = k;
	return k ? p : NULL;
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
	if (!hp_isdigit((unsigned char)*s))
		return false;
	for (; hp_isdigit((unsigned char)*s); s++)
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
	bool default_zeroed; /* an invalid leading hugepages= cleared the two above */
	char default_zeroed_val[64];
	uint64_t default_zeroed_prior;
	uint64_t *last_mhp;
	uint64_t refused_size; /* named by the last hugepagesz= or default_hugepagesz= refused */
	bool cma_warned;       /* pr_warn_once() */
	uint64_t node_max[HP_MAX_SIZES][HP_MAX_NODES]; /* each pool's max_huge_pages_node */
};

static uint64_t *node_max(struct sim *s, const struct hp_kpool *p)
{
	return s->node_max[p - s->r->pools];
}

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

static void add_alloc(struct hp_kpool *p, uint64_t pages, int node)
{
	p->pages += pages;
	if (node >= 0) {
		p->node_pages[node] += pages;
		p->node_form = true;
	}
	if (p->nr_allocs < HP_MAX_ALLOCS)
		p->allocs[p->nr_allocs++] = (struct hp_kalloc){ .pages = pages, .node = node };
	else
		p->allocs_lost = true;
}

/*
 * hugetlb_hstate_alloc_pages(): the per-node counts if any is non-zero, each on its node
 * (hugetlb_hstate_alloc_pages_onenode()), else max_huge_pages spread over the nodes. A
 * gigantic size with hugetlb_cma set allocates nothing, with a warning, even for no pages.
 */
static void alloc_pages(struct sim *s, struct hp_kpool *p)
{
	bool per_node = false;

	if (p->gigantic && s->r->cma_bytes) {
		if (!s->cma_warned)
			kmsg(s, "HugeTLB: hugetlb_cma is enabled, skip boot time allocation");
		s->cma_warned = true;
		if (p->max_pages)
			p->cma_skipped = true;
	}
	if (!p->max_pages)
		return;
	for (unsigned n = 0; n < HP_MAX_NODES; n++)
		if (node_online(s->arch, n) && node_max(s, p)[n]) {
			add_alloc(p, node_max(s, p)[n], (int)n);
			per_node = true;
		}
	if (!per_node)
		add_alloc(p, p->max_pages, -1);
}

/* the size of a count given before any size was named: the default, known at the end */
#define DEFAULT_SIZE UINT64_MAX

/* a count the kernel drops, for a size (0 when the words named none the kernel could read) */
static void lose(struct sim *s, uint64_t size, const char *val)
{
	struct hp_kreq *r = s->r;

	for (size_t i = 0; i < r->nr_lost; i++)
		if (r->lost[i].size == size)
			return; /* the first one dropped is the one meant */
	if (r->nr_lost >= HP_MAX_LOST)
		return;
	r->lost[r->nr_lost].size = size;
	snprintf(r->lost[r->nr_lost].val, sizeof(r->lost[0].val), "%.63s", val);
	r->nr_lost++;
}

/* counts dropped before any size was named were the default size's (0: there is none) */
static void settle_lost(struct hp_kreq *r, uint64_t default_size)
{
	for (size_t i = 0; i < r->nr_lost; i++)
		if (r->lost[i].size == DEFAULT_SIZE)
			r->lost[i].size = default_size;
}

static void hugepagesz_setup(struct sim *s, const char *val)
{
	uint64_t size = hp_memparse(val, NULL);
	int h;

	s->parsed_valid_hugepagesz = false;
	s->refused_size = size;
	if (!hp_karch_valid_size(s->arch, size)) {
		kmsg(s, "HugeTLB: unsupported hugepagesz=%s", val);
		return;
	}
	h = size_to_hstate(s, size);
	if (h >= 0) {
		/* allowed again only for the default size whose count is not given yet */
		if (!s->parsed_default_hugepagesz || h != s->default_idx ||
		    s->r->pools[h].max_pages) {
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

/* hugepages_clear_pages_in_node(), remembering which value did it */
static void clear_pages_in_node(struct sim *s, const char *val)
{
	if (s->r->nr_pools == 0) {
		s->default_zeroed = true;
		s->default_zeroed_prior = s->default_hstate_max_huge_pages;
		snprintf(s->default_zeroed_val, sizeof(s->default_zeroed_val), "%.63s", val);
		s->default_hstate_max_huge_pages = 0;
		memset(s->default_hugepages_in_node, 0, sizeof(s->default_hugepages_in_node));
	} else {
		struct hp_kpool *p = &s->r->pools[s->parsed_hstate];

		p->zeroed = true;
		p->zeroed_prior = p->max_pages;
		snprintf(p->zeroed_val, sizeof(p->zeroed_val), "%.63s", val);
		p->max_pages = 0;
		memset(node_max(s, p), 0, sizeof(s->node_max[0]));
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
		lose(s, s->refused_size, val);
		return;
	}
	/* no hugepagesz= yet: the count is for the default size, settled in hugetlb_init() */
	if (s->r->nr_pools == 0) {
		mhp = &s->default_hstate_max_huge_pages;
	} else {
		pool = &s->r->pools[s->parsed_hstate];
		mhp = &pool->max_pages;
	}
	if (mhp == s->last_mhp) {
		kmsg(s,
		     "HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=%s",
		     val);
		lose(s, pool ? pool->size : DEFAULT_SIZE, val);
		return;
	}

	if (s->arch->kver && s->arch->kver < HP_KVER(5, 16, 0)) {
		/* before 5.16: sscanf(s, "%lu", mhp), so "0:2" asks for 0 pages */
		if (!scan_ulong(p, mhp, &count))
			*mhp = 0;
		goto parsed;
	}

	while (*p) {
		if (!scan_ulong(p, &tmp, &count))
			goto invalid;
		if (p[count] == ':') {
			uint64_t node = tmp;

			if (!s->arch->node_alloc) {
				kmsg(s,
				     "HugeTLB: architecture can't support node specific alloc, ignoring!");
				lose(s, pool ? pool->size : DEFAULT_SIZE, val);
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
			if (!pool)
				s->default_hugepages_in_node[node] = tmp;
			else
				node_max(s, pool)[node] = tmp;
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
parsed:
	if (pool)
		pool->zeroed = false;
	else
		s->default_zeroed = false;
	/* gigantic pages come from memblock, now, for this count */
	if (pool && pool->gigantic)
		alloc_pages(s, pool);
	s->last_mhp = mhp;
	return;

invalid:
	kmsg(s, "HugeTLB: Invalid hugepages parameter %s", p);
	clear_pages_in_node(s, val);
}

/* the leading hugepages= counts become the default size's */
static void copy_default_counts(struct sim *s, struct hp_kpool *p)
{
	p->max_pages = s->default_hstate_max_huge_pages;
	memcpy(node_max(s, p), s->default_hugepages_in_node, sizeof(s->node_max[0]));
	p->zeroed = false;
}

static void default_hugepagesz_setup(struct sim *s, const char *val)
{
	uint64_t size;

	s->parsed_valid_hugepagesz = false;
	size = hp_memparse(val, NULL);
	s->refused_size = size;
	if (s->parsed_default_hugepagesz) {
		kmsg(s, "HugeTLB: default_hugepagesz previously specified, ignoring %s", val);
		return;
	}
	if (!hp_karch_valid_size(s->arch, size)) {
		kmsg(s, "HugeTLB: unsupported default_hugepagesz=%s", val);
		return;
	}
	add_hstate(s, size);
	s->parsed_valid_hugepagesz = true;
	s->parsed_default_hugepagesz = true;
	s->default_idx = size_to_hstate(s, size);
	if (s->default_idx < 0)
		return;
	if (s->default_hstate_max_huge_pages) {
		struct hp_kpool *d = &s->r->pools[s->default_idx];

		copy_default_counts(s, d);
		if (d->gigantic)
			alloc_pages(s, d);
		s->default_hstate_max_huge_pages = 0;
	}
}

/*
 * hugetlb_cma=nn[KMGTPE] or node:nn[,node:nn...]: cmdline_parse_hugetlb_cma(), an early
 * parameter run for every such word, so a node list adds to the total and a size replaces it.
 */
static void parse_cma(const char *val, uint64_t *total, uint64_t *in_node)
{
	const char *p = val;

	while (*p) {
		uint64_t tmp;
		size_t count;

		if (!scan_ulong(p, &tmp, &count))
			break;
		if (p[count] != ':') {
			*total = hp_memparse(val, NULL);
			break;
		}
		if (tmp >= HP_MAX_NODES)
			break;
		p += count + 1;
		{
			uint64_t v = hp_memparse(p, &p);

			in_node[tmp] = v;
			*total += v;
		}
		if (*p != ',')
			break;
		p++;
	}
}

/*
 * hugetlb_cma_reserve(), called with the largest (on x86 the PUD, 1G) page order: a node
 * that is offline or gets less than one such page is dropped, a total below one page is
 * nothing. What it reserves then is the reservation (the memory for it is assumed there).
 */
static uint64_t cma_reserved(const struct hp_karch *a, uint64_t total, const uint64_t *in_node)
{
	uint64_t order_size = 0;

	for (size_t i = 0; i < a->nr_sizes; i++)
		if (a->gigantic_min && a->sizes[i] >= a->gigantic_min && a->sizes[i] > order_size)
			order_size = a->sizes[i];
	if (!total || !order_size)
		return total; /* never called: the size stays, nothing is gigantic to skip */
	for (unsigned n = 0; n < HP_MAX_NODES; n++) {
		if (!in_node[n])
			continue;
		if (!node_online(a, n) || in_node[n] < order_size)
			total = total > in_node[n] ? total - in_node[n] : 0;
	}
	return total < order_size ? 0 : total;
}

static bool kstrtobool_true(const char *v)
{
	return !strcmp(v, "on") || v[0] == '1' || v[0] == 'y' || v[0] == 'Y' ||
	       ((v[0] == 'o' || v[0] == 'O') && (v[1] == 'n' || v[1] == 'N'));
}

/* hugetlb_init(): HPAGE_SIZE always exists; an implicit default count wins over all */
static void hugetlb_init(struct sim *s)
{
	struct hp_kreq *out = s->r;

	add_hstate(s, s->arch->hpage_size);
	if (!s->parsed_default_hugepagesz) {
		s->default_idx = size_to_hstate(s, s->arch->hpage_size);
		if (s->default_idx >= 0 && s->default_hstate_max_huge_pages) {
			struct hp_kpool *d = &out->pools[s->default_idx];

			if (d->max_pages) {
				char buf[32];

				hp_size_human(d->size, buf, sizeof(buf));
				kmsg(s,
				     "HugeTLB: Ignoring hugepages=%llu associated with %s page size",
				     (unsigned long long)d->max_pages, buf);
				kmsg(s,
				     "HugeTLB: Using hugepages=%llu for number of default huge pages",
				     (unsigned long long)s->default_hstate_max_huge_pages);
			}
			copy_default_counts(s, d);
		}
	} else {
		out->default_explicit = true;
	}
	if (s->default_idx >= 0) {
		struct hp_kpool *d = &out->pools[s->default_idx];

		out->default_size = d->size;
		/* the default size's leading count was zeroed and nothing gave it another */
		if (s->default_zeroed && !d->max_pages && !d->pages) {
			d->zeroed = true;
			d->zeroed_prior = s->default_zeroed_prior;
			snprintf(d->zeroed_val, sizeof(d->zeroed_val), "%s", s->default_zeroed_val);
		}
	}
	/* hugetlb_init_hstates(): gigantic sizes were allocated while parsing */
	for (size_t i = 0; i < out->nr_pools; i++)
		if (!out->pools[i].gigantic)
			alloc_pages(s, &out->pools[i]);
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
	uint64_t cma_in_node[HP_MAX_NODES] = { 0 }, cma_total = 0;
	bool has_val, seen = false, cma_seen = false;
	const char *p = cmdline ? cmdline : "";

	/* the head only: each array entry is cleared as it is added (core/kcmdline.h) */
	memset(out, 0, offsetof(struct hp_kreq, pools));
	/* early parameters are read before any __setup() handler, wherever they stand */
	for (const char *q = p;
	     (q = hp_kcmdline_next(q, param, sizeof(param), val, sizeof(val), &has_val));) {
		if (!has_val && !strcmp(param, "--"))
			break;
		if (!has_val)
			continue;
		if (hp_param_eq(param, "hugetlb_cma")) {
			cma_seen = true;
			parse_cma(val, &cma_total, cma_in_node);
		} else if (hp_param_eq(param, "hugetlb_free_vmemmap")) {
			out->free_vmemmap = kstrtobool_true(val);
		} else if (hp_param_eq(param, "hugeplan.plan")) {
			hp_copy_n(out->plan_id, sizeof(out->plan_id), val, 64);
		}
	}
	/* without CONFIG_CMA the kernel has no such parameter: it goes to init */
	if (cma_seen && arch->cma == HP_CMA_NO)
		out->cma_unknown = true;
	else if (cma_seen)
		out->cma_bytes = cma_reserved(arch, cma_total, cma_in_node);

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
		settle_lost(out, 0);
		return 0;
	}
	hugetlb_init(&s);
	settle_lost(out, out->default_size);
	return 0;
}

const char *hp_kcmdline_series(unsigned kver)
{
	if (kver && kver < HP_KVER(5, 16, 0))
		return "5.7";
	if (kver && kver < HP_KVER(6, 12, 0))
		return "6.1";
	return "6.12";
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

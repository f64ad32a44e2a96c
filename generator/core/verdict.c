// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/macro.h"
#include "core/parse-util.h"
#include "core/size.h"
#include "core/text.h"
#include "core/verdict.h"

struct ctx {
	const struct hp_verdict_in *in;
	struct hp_verdict *v;
};

const char *hp_status_name(enum hp_status st)
{
	static const char *const names[] = {
		[HP_ST_NONE] = "not-requested", [HP_ST_MET] = "met",
		[HP_ST_SHORT] = "short",	[HP_ST_OVER] = "over",
		[HP_ST_ZEROED] = "zeroed",	[HP_ST_UNSUPPORTED] = "unsupported",
		[HP_ST_IGNORED] = "ignored",
	};

	return (unsigned)st < ARRAY_SIZE(names) ? names[st] : "?";
}

const char *hp_overall_name(enum hp_overall st)
{
	return st == HP_V_MET ? "met" : st == HP_V_SHORT ? "short" : "nothing-requested";
}

/* blanks collapsed, "HugeTLB registered" read as "HugeTLB: registered", no trailing blank */
static void normalise(const char *s, char *out, size_t len)
{
	size_t o = 0;
	bool blank = false;

	if (!len)
		return;
	while (hp_isspace((unsigned char)*s))
		s++;
	if (!strncmp(s, "HugeTLB ", 8) && strncmp(s, "HugeTLB: ", 9)) {
		hp_copy(out, len, "HugeTLB:");
		o = strlen(out);
		s += 7;
	}
	for (; *s && o + 1 < len; s++) {
		if (hp_isspace((unsigned char)*s)) {
			blank = true;
			continue;
		}
		if (blank && o + 2 < len)
			out[o++] = ' ';
		blank = false;
		out[o++] = *s;
	}
	out[o] = '\0';
}

bool hp_kmsg_same(const char *a, const char *b)
{
	char x[HP_KMSG_LEN * 2], y[HP_KMSG_LEN * 2];

	normalise(a, x, sizeof(x));
	normalise(b, y, sizeof(y));
	return !strcmp(x, y);
}

bool hp_kmsg_is_hugetlb(const char *text)
{
	return !strncmp(text, "HugeTLB:", 8) || !strncmp(text, "HugeTLB ", 8);
}

/* the digits at *p, saturating at UINT64_MAX; *p moves past them; false when none */
static bool scan_u64(const char **p, uint64_t *v)
{
	if (!hp_isdigit((unsigned char)**p))
		return false;
	*v = hp_dec_u64(*p, p, NULL);
	return true;
}

static bool skip_lit(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n))
		return false;
	*p += n;
	return true;
}

/* hp_kmsg_alloc_failed() on a line normalise() already made */
static bool alloc_failed_normalised(const char *t, uint64_t *asked, uint64_t *got, int *node,
				    char *size_text, size_t len)
{
	const char *p = t, *f;
	uint64_t a, g, k;
	int nd = -1;

	if (!skip_lit(&p, "HugeTLB: allocating ") || !scan_u64(&p, &a) ||
	    !skip_lit(&p, " of page size "))
		return false;
	f = strstr(p, " failed");
	if (!f)
		return false;
	hp_copy_n(size_text, len, p, (size_t)(f - p));
	p = f + 7;
	if (skip_lit(&p, " node")) {
		if (!scan_u64(&p, &k) || k > 1U << 20)
			return false;
		nd = (int)k;
	}
	if (!skip_lit(&p, ". Only allocated ") || !scan_u64(&p, &g))
		return false;
	*asked = a;
	*got = g;
	*node = nd;
	return true;
}

bool hp_kmsg_alloc_failed(const char *text, uint64_t *asked, uint64_t *got, int *node,
			  char *size_text, size_t len)
{
	char t[HP_KMSG_LEN * 2];

	normalise(text, t, sizeof(t));
	return alloc_failed_normalised(t, asked, got, node, size_text, len);
}

bool hp_kmsg_names_size(const char *s, uint64_t bytes)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = {
		{ "B", 1 },	   { "KiB", HP_KIB }, { "kB", HP_KIB },	 { "KB", HP_KIB },
		{ "MiB", HP_MIB }, { "MB", HP_MIB },  { "GiB", HP_GIB }, { "GB", HP_GIB },
		{ "TiB", HP_TIB }, { "TB", HP_TIB },
	};
	const char *end;
	char want[32];
	double v;

	hp_size_human(bytes, want, sizeof(want));
	if (hp_kmsg_same(s, want))
		return true;
	/* other spellings ("2048 kB", "1024 MB"): equal within the three digits printed */
	/* "D[.DDD]" as the kernel prints it, not strtod(): no locale, no page of libc for it */
	if (!hp_isdigit(*s))
		return false;
	v = (double)hp_dec_u64(s, &end, NULL);
	if (*end == '.') {
		double place = 1;

		for (end++; hp_isdigit(*end); end++)
			v += (place /= 10) * (*end - '0');
	}
	if (v <= 0)
		return false;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		double b;

		if (strcmp(end, units[i].unit))
			continue;
		b = v * (double)units[i].mult;
		return b > (double)bytes * 0.99 && b < (double)bytes * 1.01;
	}
	return false;
}

/* the number of pages a hugepages= value writes down, however the kernel reads it */
static uint64_t lenient_count(const char *val)
{
	const char *p = val;
	uint64_t n = 0, sum = 0;

	if (!strchr(val, ':'))
		return scan_u64(&p, &n) ? n : 0;
	while ((p = strchr(p, ':'))) {
		p++;
		if (scan_u64(&p, &n))
			sum = sum + n < sum ? UINT64_MAX : sum + n;
	}
	return sum;
}

/* the first count the kernel dropped for that size (hp_kreq.lost), NULL when none */
static const struct hp_klost *lost_for(const struct ctx *c, uint64_t size)
{
	const struct hp_kreq *r = c->in->req;

	for (size_t i = 0; i < r->nr_lost; i++)
		if (r->lost[i].size == size && size)
			return &r->lost[i];
	return NULL;
}

/*
 * The row of size, added in its place (ascending) if new: rows come in ascending from the
 * pools and rarely otherwise, so nothing moves, where a qsort() of rows of 3 KiB each took a
 * malloc()'d buffer and copied every row twice, at every boot. A new row's head is cleared;
 * its nodes and reasons are cleared as they are added (judge_nodes(), attach_reasons()).
 */
static struct hp_vsize *row(struct ctx *c, uint64_t size)
{
	struct hp_verdict *v = c->v;
	struct hp_vsize *s;
	size_t at = v->nr_sizes;

	for (size_t i = 0; i < v->nr_sizes; i++) {
		if (v->sizes[i].size == size)
			return &v->sizes[i];
		if (v->sizes[i].size > size && at == v->nr_sizes)
			at = i;
	}
	if (v->nr_sizes >= HP_VERDICT_MAX_SIZES || !size)
		return NULL;
	if (at < v->nr_sizes)
		memmove(&v->sizes[at + 1], &v->sizes[at], (v->nr_sizes - at) * sizeof(v->sizes[0]));
	v->nr_sizes++;
	s = &v->sizes[at];
	memset(s, 0, offsetof(struct hp_vsize, nodes));
	s->nr_nodes = 0;
	s->nr_reasons = 0;
	s->size = size;
	s->hint_node = -1;
	return s;
}

static void judge_nodes(struct hp_vsize *s, const struct hp_pool *pool, const struct hp_kpool *kp)
{
	uint64_t node_short = 0;

	for (size_t i = 0; pool && i < pool->nr_nodes && s->nr_nodes < HP_MAX_NODES; i++) {
		const struct hp_pool_node *pn = &pool->nodes[i];
		struct hp_vnode *n = &s->nodes[s->nr_nodes++];

		memset(n, 0, sizeof(*n));
		n->id = pn->id;
		n->allocated = hp_pool_persistent(pn->nr, pn->surplus);
		n->free = pn->free;
		if (!s->node_form || pn->id >= HP_MAX_NODES)
			continue;
		n->asked = true;
		n->requested = kp->node_pages[pn->id];
		if (n->allocated < n->requested) {
			n->status = HP_ST_SHORT;
			n->short_pages = n->requested - n->allocated;
			node_short += n->short_pages;
		} else if (n->allocated > n->requested) {
			n->status = HP_ST_OVER;
		} else {
			n->status = n->requested ? HP_ST_MET : HP_ST_NONE;
		}
	}
	if (node_short > s->short_pages)
		s->short_pages = node_short;
}

static void judge(struct ctx *c, struct hp_vsize *s)
{
	const struct hp_kpool *kp = hp_kreq_pool(c->in->req, s->size);
	const struct hp_pool *pool = hp_pools_find(c->in->pools, s->size);
	const struct hp_klost *dropped = lost_for(c, s->size);

	s->present = pool != NULL;
	s->is_default = s->size == c->in->req->default_size;
	if (pool) {
		s->allocated = hp_pool_persistent(pool->nr, pool->surplus);
		s->free = pool->free;
	}
	if (kp) {
		s->kernel_requested = kp->pages;
		s->node_form = kp->node_form && kp->pages;
		s->gigantic = kp->gigantic;
		s->cma_skipped = kp->cma_skipped;
	}
	s->requested = s->kernel_requested;

	if (!s->kernel_requested && kp && kp->zeroed &&
	    (lenient_count(kp->zeroed_val) || kp->zeroed_prior)) {
		/*
		 * an invalid value zeroed the size (the kernel's line quotes it): the pages it
		 * writes, or, when it writes none ("0:"), those the size had before
		 */
		s->requested = lenient_count(kp->zeroed_val);
		if (!s->requested)
			s->requested = kp->zeroed_prior;
		s->status = HP_ST_ZEROED;
		s->short_pages = s->requested > s->allocated ? s->requested - s->allocated : 0;
		judge_nodes(s, pool, kp);
		return;
	}
	if (!s->kernel_requested && dropped && lenient_count(dropped->val)) {
		/* the command line wrote a count the kernel dropped */
		s->requested = lenient_count(dropped->val);
		if (!kp && !hp_karch_valid_size(c->in->arch, s->size))
			s->status = HP_ST_UNSUPPORTED;
		else
			s->status = HP_ST_IGNORED;
		s->short_pages = s->requested > s->allocated ? s->requested - s->allocated : 0;
		judge_nodes(s, pool, kp);
		return;
	}
	if (s->allocated < s->requested)
		s->short_pages = s->requested - s->allocated;
	judge_nodes(s, pool, kp);
	if (!s->requested)
		s->status = HP_ST_NONE;
	else
		s->status = s->short_pages ? HP_ST_SHORT : HP_ST_MET;
}

static void add_reason(struct hp_vsize *s, unsigned k)
{
	for (size_t i = 0; i < s->nr_reasons; i++)
		if (s->reasons[i] == k)
			return;
	if (s->nr_reasons < HP_VERDICT_MAX_REASONS)
		s->reasons[s->nr_reasons++] = k;
}

/* "HugeTLB: <pre>X<post>": X into out; t is normalise()d, tl its length */
static bool between(const char *t, size_t tl, const char *pre, const char *post, char *out,
		    size_t len)
{
	size_t pl = strlen(pre), ql = strlen(post);

	/* an empty X at the end: normalising took the blank before it ("parameter ") */
	if (!ql && pl && pre[pl - 1] == ' ' && tl == pl - 1 && !strncmp(t, pre, pl - 1)) {
		hp_copy(out, len, "");
		return true;
	}
	if (strncmp(t, pre, pl) || tl < pl + ql || strcmp(t + tl - ql, post))
		return false;
	hp_copy_n(out, len, t + pl, tl - pl - ql);
	return true;
}

/* what a kernel line can say about a size, in the order the lines are told apart */
enum kline_kind {
	KL_NONE,
	KL_ALLOC_FAILED,  /* "allocating N of page size S failed": size text and node */
	KL_IGNORING,	  /* "Ignoring hugepages=X page size": X */
	KL_CMA,		  /* "hugetlb_cma is enabled" */
	KL_INVALID,	  /* "Invalid hugepages parameter X": X, the value from where it stopped */
	KL_SIZE_PARAM,	  /* a hugepagesz= or default_hugepagesz= refused: X, that size */
	KL_DROPPED_COUNT, /* a hugepages= dropped: X, that count */
};

/*
 * The kind of a kernel line, and what it quotes (into x, or the size into sz and the node):
 * worked out once per line, not once per line and size, for each of which every test of the
 * chain normalised the line again (issue 20: most of a short boot's verdict).
 */
static enum kline_kind classify(const char *text, char *x, size_t xlen, char *sz, size_t szlen,
				int *node)
{
	char t[HP_KMSG_LEN * 2];
	uint64_t asked, got;
	size_t tl;

	normalise(text, t, sizeof(t));
	tl = strlen(t);
	if (alloc_failed_normalised(t, &asked, &got, node, sz, szlen))
		return KL_ALLOC_FAILED;
	if (between(t, tl, "HugeTLB: Ignoring hugepages=", " page size", x, xlen))
		return KL_IGNORING;
	if (strstr(text, "hugetlb_cma is enabled"))
		return KL_CMA;
	if (between(t, tl, "HugeTLB: Invalid hugepages parameter ", "", x, xlen))
		return KL_INVALID;
	if (between(t, tl, "HugeTLB: unsupported hugepagesz=", "", x, xlen) ||
	    between(t, tl, "HugeTLB: unsupported default_hugepagesz=", "", x, xlen) ||
	    between(t, tl, "HugeTLB: hugepagesz=", " specified twice, ignoring", x, xlen) ||
	    between(t, tl, "HugeTLB: default_hugepagesz previously specified, ignoring ", "", x,
		    xlen))
		return KL_SIZE_PARAM;
	if (between(t, tl, "HugeTLB: hugepages=", " does not follow a valid hugepagesz, ignoring",
		    x, xlen) ||
	    between(t, tl,
		    "HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=",
		    "", x, xlen))
		return KL_DROPPED_COUNT;
	return KL_NONE;
}

static void attach_reasons(struct ctx *c)
{
	struct hp_verdict *v = c->v;

	for (unsigned k = 0; k < v->nr_kmsgs; k++) {
		char x[HP_KMSG_LEN * 2], sz[64];
		int node = -1;
		enum kline_kind kind = classify(v->kmsgs[k], x, sizeof(x), sz, sizeof(sz), &node);

		if (kind == KL_NONE)
			continue;
		for (size_t i = 0; i < v->nr_sizes; i++) {
			struct hp_vsize *s = &v->sizes[i];
			const struct hp_klost *dropped = lost_for(c, s->size);
			const struct hp_kpool *kp = hp_kreq_pool(c->in->req, s->size);
			bool lost = s->status == HP_ST_ZEROED || s->status == HP_ST_IGNORED ||
				    s->status == HP_ST_UNSUPPORTED;

			if (kind == KL_ALLOC_FAILED) {
				if (hp_kmsg_names_size(sz, s->size)) {
					add_reason(s, k);
					if (node >= 0)
						s->hint_node = node;
				}
			} else if (kind == KL_IGNORING) {
				const char *w = strstr(x, " associated with ");

				if (w && hp_kmsg_names_size(w + 17, s->size))
					add_reason(s, k);
			} else if (kind == KL_CMA) {
				if (s->cma_skipped)
					add_reason(s, k);
			} else if (!lost) {
				continue;
			} else if (kind == KL_INVALID) {
				/* the kernel prints the value from where it stopped reading */
				size_t vl = kp ? strlen(kp->zeroed_val) : 0, xl = strlen(x);

				if (s->status == HP_ST_ZEROED && xl <= vl &&
				    !strcmp(kp->zeroed_val + vl - xl, x))
					add_reason(s, k);
			} else if (kind == KL_SIZE_PARAM) {
				if (s->status != HP_ST_ZEROED && hp_memparse(x, NULL) == s->size)
					add_reason(s, k);
			} else if (kind == KL_DROPPED_COUNT) {
				/* the count dropped for this size; not one a zeroed size lost */
				if (s->status != HP_ST_ZEROED && dropped &&
				    !strcmp(x, dropped->val))
					add_reason(s, k);
			}
		}
	}
}

static bool param_family(const char *t)
{
	static const char *const keys[] = {
		"Invalid hugepages parameter",
		"unsupported hugepagesz=",
		"unsupported default_hugepagesz=",
		"specified twice",
		"does not follow a valid hugepagesz",
		"default_hugepagesz previously specified",
		"Ignoring hugepages=",
		"Using hugepages=",
		"can't support node specific alloc",
		"hugetlb_cma is enabled",
		"huge pages not supported",
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strstr(t, keys[i]))
			return true;
	return false;
}

/* the simulation's lines, quoted from the kernel where it printed them; then any it missed */
static void list_ignored(struct ctx *c)
{
	const struct hp_kreq *req = c->in->req;
	struct hp_verdict *v = c->v;
	bool used[HP_VERDICT_MAX_KMSGS] = { false };

	for (size_t i = 0; i < req->nr_msgs && v->nr_ignored < HP_MAX_KMSGS; i++) {
		struct hp_ignored *g = &v->ignored[v->nr_ignored++];

		memset(g, 0, sizeof(*g));
		hp_copy(g->text, sizeof(g->text), req->msgs[i]);
		g->predicted = true;
		for (size_t k = 0; k < v->nr_kmsgs; k++) {
			if (used[k] || !hp_kmsg_same(v->kmsgs[k], req->msgs[i]))
				continue;
			used[k] = true;
			g->from_kernel = true;
			hp_copy(g->text, sizeof(g->text), v->kmsgs[k]);
			break;
		}
	}
	for (size_t k = 0; k < v->nr_kmsgs && v->nr_ignored < HP_MAX_KMSGS; k++) {
		struct hp_ignored *g;

		if (used[k] || !param_family(v->kmsgs[k]))
			continue;
		g = &v->ignored[v->nr_ignored++];
		memset(g, 0, sizeof(*g));
		hp_copy(g->text, sizeof(g->text), v->kmsgs[k]);
		g->from_kernel = true;
		g->predicted = false;
	}
}

/*
 * An allocation failure line is predicted when the simulation has that allocation: the kernel
 * prints the count it set out to allocate, per node ("failed nodeK") or spread.
 */
static bool failure_predicted(const struct hp_kreq *req, const char *t)
{
	char sz[64];
	uint64_t asked, got;
	int node;

	if (!hp_kmsg_alloc_failed(t, &asked, &got, &node, sz, sizeof(sz)))
		return true; /* not a failure line */
	for (size_t i = 0; i < req->nr_pools; i++) {
		const struct hp_kpool *p = &req->pools[i];

		if (!hp_kmsg_names_size(sz, p->size) || p->cma_skipped)
			continue;
		if (p->allocs_lost)
			return true; /* not all kept: cannot tell */
		for (size_t k = 0; k < p->nr_allocs; k++)
			if (p->allocs[k].node == node && p->allocs[k].pages == asked)
				return true;
	}
	return false;
}

/* whether the kernel's lines were the simulation's (see enum hp_prediction) */
static enum hp_prediction judge_prediction(const struct ctx *c)
{
	const struct hp_verdict *v = c->v;

	if (!v->kmsg_read)
		return HP_PRED_UNCHECKED;
	for (size_t i = 0; i < v->nr_ignored; i++)
		if (!v->ignored[i].predicted || !v->ignored[i].from_kernel)
			return HP_PRED_NO;
	for (size_t k = 0; k < v->nr_kmsgs; k++)
		if (!failure_predicted(c->in->req, v->kmsgs[k]))
			return HP_PRED_NO;
	return HP_PRED_YES;
}

/*
 * Everything but the three arrays, whose entries are cleared as they are added: clearing
 * them all (56 KiB) writes every page of them, a page fault each, at every boot, for the
 * one or two sizes and the few lines a verdict holds.
 */
static void clear(struct hp_verdict *v)
{
	memset(v, 0, offsetof(struct hp_verdict, sizes));
}

void hp_verdict_compute(const struct hp_verdict_in *in, struct hp_verdict *out)
{
	struct ctx c = { .in = in, .v = out };
	bool asked = false, short_ = false;

	clear(out);
	out->kmsg_read = in->kmsg_read;
	out->series = hp_kcmdline_series(in->arch->kver);
	/* a line may already be where it goes (in->kmsgs into out->kmsgs: hp_verdict_in) */
	for (size_t i = 0; i < in->nr_kmsgs && out->nr_kmsgs < HP_VERDICT_MAX_KMSGS; i++) {
		char *to = out->kmsgs[out->nr_kmsgs];

		if (!in->kmsgs[i] || !hp_kmsg_is_hugetlb(in->kmsgs[i]))
			continue;
		if (in->kmsgs[i] != to)
			hp_copy(to, HP_KMSG_LEN, in->kmsgs[i]);
		out->nr_kmsgs++;
	}

	for (size_t i = 0; i < in->pools->nr_pools; i++)
		row(&c, in->pools->pools[i].size);
	for (size_t i = 0; i < in->req->nr_pools; i++)
		row(&c, in->req->pools[i].size);
	for (size_t i = 0; i < in->req->nr_lost; i++)
		if (lenient_count(in->req->lost[i].val))
			row(&c, in->req->lost[i].size);

	for (size_t i = 0; i < out->nr_sizes; i++) {
		struct hp_vsize *s = &out->sizes[i];

		judge(&c, s);
		if (s->requested)
			asked = true;
		if (s->status != HP_ST_NONE && s->status != HP_ST_MET) {
			short_ = true;
			out->short_bytes += s->short_pages * s->size;
		}
	}
	attach_reasons(&c);
	list_ignored(&c);
	out->prediction = judge_prediction(&c);
	out->status = !asked ? HP_V_NOTHING : short_ ? HP_V_SHORT : HP_V_MET;
}

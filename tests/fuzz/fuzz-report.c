// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The early-boot verifier's outputs from any boot: a command line, pool counts and kernel log
 * lines read from the input go through hp_verdict_compute(), then the JSON report, the
 * summary and the kernel log line (core/bootreport.h).
 *
 * Input: 2 bytes choose the architecture and the online nodes; then, per pool (up to
 * HP_MAX_SIZES), a byte choosing its size and 8-byte counts for it and its nodes; the rest,
 * split at NUL bytes, is the command line, the kernel release, the plan id, the kmsg state,
 * then the kernel log (one line per '\n').
 *
 * Properties: the report is one strict JSON document (json-check.h, no code shared with the
 * writer) whatever bytes the command line, the kernel's release and messages and the plan id
 * hold, and it starts with "schema": 1; the summary is NUL-terminated text; the kernel log
 * line is one line of printable ASCII starting "hugeplan: ", at its level (4 short, 6
 * otherwise); the verdict's own bounds hold (sizes, nodes, reasons, messages).
 */
#include <errno.h>

#include "core/bootreport.h"
#include "core/size.h"
#include "core/verdict.h"
#include "fuzz.h"
#include "json-check.h"

static const struct {
	uint64_t sizes[4];
	size_t n;
	uint64_t hpage;
} archs[] = {
	{ { 2 * HP_MIB, HP_GIB }, 2, 2 * HP_MIB },
	{ { 2 * HP_MIB }, 1, 2 * HP_MIB },
	{ { 64 * HP_KIB, 2 * HP_MIB, 32 * HP_MIB, HP_GIB }, 4, 2 * HP_MIB },
	{ { HP_MIB, 2 * HP_GIB }, 2, HP_MIB },
};

#define MAX_LINES 80

/* the next NUL-terminated field of the rest of the input (a copy), "" at the end */
static char *field(struct fz_in *in)
{
	size_t n = strnlen((const char *)in->p, in->n);
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, in->p, n);
	s[n] = '\0';
	in->p += n < in->n ? n + 1 : n;
	in->n -= n < in->n ? n + 1 : n;
	return s;
}

static uint64_t count(struct fz_in *in)
{
	uint8_t shift = fz_u8(in);

	return fz_u64(in) >> (shift & 63);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	uint8_t b0 = fz_u8(&in), b1 = fz_u8(&in), npools = fz_u8(&in) % (HP_MAX_SIZES + 1);
	size_t ai = b0 % (sizeof(archs) / sizeof(archs[0]));
	struct hp_karch a = { 0 };
	struct hp_pools *pools = calloc(1, sizeof(*pools));
	struct hp_kreq *req = malloc(sizeof(*req));
	struct hp_verdict *v = malloc(sizeof(*v));
	struct hp_report_meta m = { .generator = "hugeplan-verify fuzz",
				    .elapsed_us = 1,
				    .report_path =
					    b1 & 0x80 ? NULL : "/run/hugeplan/boot-report.json" };
	const char *lines[MAX_LINES];
	size_t nlines = 0, len = 0;
	char *cmdline, *kernel, *plan, *state, *log, *json = NULL, *sum = NULL, kline[512];
	unsigned level = 0;
	const char *bad;
	int r;

	if (!pools || !req || !v)
		abort();
	memcpy(a.sizes, archs[ai].sizes, sizeof(archs[ai].sizes));
	a.nr_sizes = archs[ai].n;
	a.hpage_size = archs[ai].hpage;
	a.gigantic_min = 8 * HP_MIB;
	a.kver = b0 & 0x10 ? HP_KVER(5, 10, 0) : HP_KVER(6, 1, 0);
	a.node_alloc = true;
	a.hugepages_supported = true;
	a.online_nodes = (b1 & 0x3f) ? (b1 & 0x3f) : 1;

	/* pools: sysfs dirs of listed sizes, ascending, with the online nodes */
	pools->online_mask = a.online_nodes;
	pools->numa_sysfs = b0 & 0x20;
	for (size_t s = 0; s < a.nr_sizes && pools->nr_pools < npools; s++) {
		struct hp_pool *p = &pools->pools[pools->nr_pools];

		if (!(fz_u8(&in) & 1))
			continue;
		p->size = a.sizes[s];
		p->nr = count(&in);
		p->free = count(&in);
		p->surplus = count(&in);
		p->resv = count(&in);
		for (unsigned id = 0; id < 6; id++) {
			struct hp_pool_node *pn = &p->nodes[p->nr_nodes];

			if (!(a.online_nodes >> id & 1))
				continue;
			pn->id = id;
			pn->nr = count(&in);
			pn->free = count(&in);
			pn->surplus = count(&in);
			p->nr_nodes++;
		}
		pools->nr_pools++;
	}
	cmdline = field(&in);
	kernel = field(&in);
	plan = field(&in);
	state = field(&in);
	log = field(&in);
	for (char *p = log, *nl; *p && nlines < MAX_LINES; p = nl + 1) {
		lines[nlines++] = p;
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
	}

	hp_kcmdline_simulate(cmdline, &a, req);
	{
		struct hp_verdict_in vi = { .cmdline = cmdline,
					    .arch = &a,
					    .req = req,
					    .pools = pools,
					    .kmsgs = lines,
					    .nr_kmsgs = nlines,
					    .kmsg_read = b0 & 0x40 };

		hp_verdict_compute(&vi, v);
	}
	FZ_ASSERT(v->nr_sizes <= HP_VERDICT_MAX_SIZES, "%zu sizes", v->nr_sizes);
	FZ_ASSERT(v->nr_kmsgs <= HP_VERDICT_MAX_KMSGS, "%zu kernel messages", v->nr_kmsgs);
	FZ_ASSERT(v->nr_ignored <= HP_MAX_KMSGS, "%zu ignored", v->nr_ignored);
	for (size_t i = 0; i < v->nr_sizes; i++) {
		const struct hp_vsize *s = &v->sizes[i];

		FZ_ASSERT(s->nr_nodes <= HP_MAX_NODES && s->nr_reasons <= HP_VERDICT_MAX_REASONS,
			  "size %zu bounds", i);
		FZ_ASSERT(!i || v->sizes[i - 1].size < s->size, "sizes not ascending");
		for (size_t k = 0; k < s->nr_reasons; k++)
			FZ_ASSERT(s->reasons[k] < v->nr_kmsgs, "reason %u of %zu messages",
				  s->reasons[k], v->nr_kmsgs);
	}

	m.kernel = b1 & 0x40 ? NULL : kernel;
	m.cmdline = cmdline;
	m.plan_id = plan;
	m.default_size = req->default_size;
	m.kmsg_state = state;
	r = hp_report_json(v, &m, &json, &len);
	FZ_ASSERT(r == 0, "hp_report_json: %d", r);
	FZ_ASSERT(len == strlen(json), "report length");
	bad = fzj_check(json, len, NULL);
	FZ_ASSERT(!bad, "the report is not JSON (%s):\n%s", bad, json);
	FZ_ASSERT(!strncmp(json, "{\n  \"schema\": 1,", 16), "the report starts:\n%.40s", json);

	r = hp_report_summary(v, &m, &sum);
	FZ_ASSERT(r == 0 && sum, "hp_report_summary: %d", r);

	memset(kline, 'x', sizeof(kline));
	hp_report_kmsg_line(v, &m, kline, 256, &level);
	FZ_ASSERT(memchr(kline, '\0', 256), "kernel log line unterminated");
	for (size_t i = 256; i < sizeof(kline); i++)
		FZ_ASSERT(kline[i] == 'x', "kernel log line written past its buffer");
	FZ_ASSERT(!strncmp(kline, "hugeplan: ", 10), "kernel log line \"%s\"", kline);
	for (const char *p = kline; *p; p++)
		FZ_ASSERT(*p >= 0x20 && *p <= 0x7e, "kernel log line byte 0x%02x",
			  (unsigned char)*p);
	FZ_ASSERT(level == (v->status == HP_V_SHORT ? 4u : 6u), "level %u", level);

	free(json);
	free(sum);
	free(cmdline);
	free(kernel);
	free(plan);
	free(state);
	free(log);
	free(pools);
	free(req);
	free(v);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The boot report writer (core/bootreport.h) on any verdict, not only those
 * hp_verdict_compute() produces (fuzz-report.c covers those): the input is decoded straight
 * into a struct hp_verdict and its metadata. Every field takes any value its type and the
 * header's contract allow: the overall status of the enum, size and node statuses also out
 * of it (hp_status_name() names those "?"), counts and sizes up to 2^64 - 1 in any
 * combination, any node ids and hint nodes, reasons (indexes below nr_kmsgs, as the contract
 * says), and any bytes in the kernel's lines, the ignored parameters, the command line, the
 * release, the plan id and the kmsg state.
 *
 * Input: a header of fixed-size fields (fz_u8/fz_u64: zeros once it runs out: the verdict's,
 * among them the prediction, also out of its enum, and the modelled series), per size and
 * per node; then the strings, split at NUL bytes: cmdline, kernel, plan, kmsg state, then
 * the kernel's lines and the ignored texts. The report path is the verifier's, or NULL.
 *
 * Properties: the JSON report is one strict JSON document (json-check.h, no code shared with
 * the writer), no longer than a bound from the input's sizes; its keys come in the schema's
 * order; it has as many sizes, nodes, reasons, ignored entries and kernel messages as the
 * verdict; every string of the input comes back byte for byte when it is valid UTF-8 (else
 * valid UTF-8 with U+FFFD for the bad bytes, at most three bytes for one). The summary is
 * NUL-terminated, bounded and starts with "hugeplan-verify: ". The kernel log line fits any
 * buffer (1 to 1024 bytes, no byte written past it), is one line of printable ASCII starting
 * "hugeplan: ", at level 4 when short and 6 otherwise.
 */
#include "core/bootreport.h"
#include "core/verdict.h"
#include "fuzz.h"
#include "json-check.h"

#define NR_STRINGS 4 /* cmdline, kernel, plan, kmsg state */

/* a number of any magnitude: 8 bytes shifted right by 0..63 */
static uint64_t any_u64(struct fz_in *in)
{
	uint8_t shift = fz_u8(in);

	return fz_u64(in) >> (shift & 63);
}

/* the next NUL-terminated piece of the input, into dst (truncated to len - 1 bytes) */
static void piece(struct fz_in *in, char *dst, size_t len)
{
	size_t n = strnlen((const char *)in->p, in->n), k = n < len - 1 ? n : len - 1;

	memcpy(dst, in->p, k);
	dst[k] = '\0';
	in->p += n < in->n ? n + 1 : n;
	in->n -= n < in->n ? n + 1 : n;
}

/* the events of one document, walked in order */
struct walk {
	const uint8_t *p, *end;
};

static char next_ev(struct walk *w, const uint8_t **s, uint32_t *n)
{
	char ev;

	FZ_ASSERT(w->p < w->end, "the report ended early");
	ev = (char)*w->p++;
	*s = NULL;
	*n = 0;
	if (ev == 'K' || ev == 'S' || ev == 'N') {
		memcpy(n, w->p, 4);
		*s = w->p + 4;
		w->p += 4 + *n;
	}
	return ev;
}

/* skip one value whose first event is ev */
static void skip_value(struct walk *w, char ev)
{
	const uint8_t *s;
	uint32_t n;
	int depth = ev == 'O' || ev == 'A';

	while (depth) {
		ev = next_ev(w, &s, &n);
		if (ev == 'O' || ev == 'A')
			depth++;
		else if (ev == 'E')
			depth--;
	}
}

static void expect_key(struct walk *w, const char *key)
{
	const uint8_t *s;
	uint32_t n;
	char ev = next_ev(w, &s, &n);

	FZ_ASSERT(ev == 'K' && n == strlen(key) && !memcmp(s, key, n), "key %s expected", key);
}

/* the input string in, as the report holds it: identical if valid UTF-8, else repaired */
static void expect_string(struct walk *w, const char *key, const char *in)
{
	const uint8_t *s;
	uint32_t n;
	size_t inlen, k, len;
	bool valid = true;
	char ev;

	expect_key(w, key);
	ev = next_ev(w, &s, &n);
	if (!in) {
		FZ_ASSERT(ev == 'Z', "%s: null expected", key);
		return;
	}
	FZ_ASSERT(ev == 'S', "%s: a string expected", key);
	inlen = strlen(in);
	for (k = 0; k < inlen; k += len) {
		if (fzj_utf8((const unsigned char *)in + k, inlen - k, &len) < 0) {
			valid = false;
			len = 1;
		}
	}
	if (valid)
		FZ_ASSERT(n == inlen && !memcmp(s, in, n), "%s: not the input, byte for byte", key);
	else
		FZ_ASSERT(n <= 3 * inlen && n >= 1, "%s: %u bytes for %zu", key, n, inlen);
}

/* the number of values in the array under key (each skipped) */
static size_t count_array(struct walk *w, const char *key)
{
	const uint8_t *s;
	uint32_t n;
	size_t count = 0;
	char ev;

	expect_key(w, key);
	ev = next_ev(w, &s, &n);
	FZ_ASSERT(ev == 'A', "%s: an array expected", key);
	while ((ev = next_ev(w, &s, &n)) != 'E') {
		skip_value(w, ev);
		count++;
	}
	return count;
}

static void check_json(const struct hp_verdict *v, const struct hp_report_meta *m, const char *json,
		       size_t len, size_t bound)
{
	struct fzj_out out = { 0 };
	struct walk w;
	const uint8_t *s;
	uint32_t n;
	const char *bad;
	char ev;

	FZ_ASSERT(strlen(json) == len, "NUL inside the report");
	FZ_ASSERT(len <= bound, "report of %zu bytes, bound %zu", len, bound);
	bad = fzj_check(json, len, &out);
	FZ_ASSERT(!bad, "not strict JSON: %s", bad);
	w.p = out.buf;
	w.end = out.buf + out.len;
	FZ_ASSERT(next_ev(&w, &s, &n) == 'O', "not an object");
	expect_key(&w, "schema");
	ev = next_ev(&w, &s, &n);
	FZ_ASSERT(ev == 'N' && n == 1 && *s == '1', "schema is not 1");
	expect_string(&w, "generator", m->generator);
	expect_string(&w, "kernel", m->kernel);
	expect_string(&w, "cmdline", m->cmdline);
	expect_string(&w, "plan", m->plan_id && *m->plan_id ? m->plan_id : NULL);
	expect_string(&w, "status", hp_overall_name(v->status));
	expect_key(&w, "short_bytes");
	skip_value(&w, next_ev(&w, &s, &n));
	expect_key(&w, "default_size");
	skip_value(&w, next_ev(&w, &s, &n));

	/* sizes: each object's nodes and reasons counted */
	expect_key(&w, "sizes");
	FZ_ASSERT(next_ev(&w, &s, &n) == 'A', "sizes: an array expected");
	for (size_t i = 0; i < v->nr_sizes; i++) {
		const struct hp_vsize *z = &v->sizes[i];
		char num[24];

		FZ_ASSERT(next_ev(&w, &s, &n) == 'O', "sizes[%zu]: an object expected", i);
		expect_key(&w, "size");
		ev = next_ev(&w, &s, &n);
		snprintf(num, sizeof(num), "%" PRIu64, z->size);
		FZ_ASSERT(ev == 'N' && n == strlen(num) && !memcmp(s, num, n), "sizes[%zu].size",
			  i);
		while ((ev = next_ev(&w, &s, &n)) == 'K') {
			if (n == 5 && !memcmp(s, "nodes", 5)) {
				size_t k = 0;

				FZ_ASSERT(next_ev(&w, &s, &n) == 'A', "nodes: an array expected");
				while ((ev = next_ev(&w, &s, &n)) != 'E') {
					skip_value(&w, ev);
					k++;
				}
				FZ_ASSERT(k == z->nr_nodes, "sizes[%zu]: %zu nodes, not %zu", i, k,
					  z->nr_nodes);
			} else if (n == 7 && !memcmp(s, "reasons", 7)) {
				size_t k = 0;

				FZ_ASSERT(next_ev(&w, &s, &n) == 'A', "reasons: an array expected");
				while ((ev = next_ev(&w, &s, &n)) != 'E') {
					FZ_ASSERT(ev == 'S', "a reason that is not a string");
					k++;
				}
				FZ_ASSERT(k == z->nr_reasons, "sizes[%zu]: %zu reasons, not %zu", i,
					  k, z->nr_reasons);
			} else {
				skip_value(&w, next_ev(&w, &s, &n));
			}
		}
		FZ_ASSERT(ev == 'E', "sizes[%zu]: not closed", i);
	}
	FZ_ASSERT(next_ev(&w, &s, &n) == 'E', "more sizes than %zu", v->nr_sizes);

	FZ_ASSERT(count_array(&w, "ignored") == v->nr_ignored, "ignored: not %zu", v->nr_ignored);
	FZ_ASSERT(count_array(&w, "kernel_messages") == v->nr_kmsgs, "kernel_messages: not %zu",
		  v->nr_kmsgs);
	expect_string(&w, "kmsg", m->kmsg_state);
	expect_key(&w, "simulation");
	FZ_ASSERT(next_ev(&w, &s, &n) == 'O', "simulation: an object expected");
	expect_string(&w, "kernel_series", v->series);
	expect_key(&w, "messages_predicted");
	ev = next_ev(&w, &s, &n);
	FZ_ASSERT(ev == (v->prediction == HP_PRED_YES  ? 'T'
			 : v->prediction == HP_PRED_NO ? 'F'
						       : 'Z'),
		  "messages_predicted: '%c' for prediction %d", ev, (int)v->prediction);
	FZ_ASSERT(next_ev(&w, &s, &n) == 'E', "simulation: not closed");
	expect_key(&w, "elapsed_us");
	skip_value(&w, next_ev(&w, &s, &n));
	FZ_ASSERT(next_ev(&w, &s, &n) == 'E' && w.p == w.end, "more after elapsed_us");
	free(out.buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char strs[NR_STRINGS][HP_KMSG_LEN + 4096];
	struct fz_in in = { data, size };
	static struct hp_verdict vbuf; /* about 100 KiB: not on the stack, not allocated per run */
	struct hp_verdict *v = &vbuf;
	struct hp_report_meta m = { .generator = "hugeplan-verify fuzz" };
	uint8_t flags = fz_u8(&in), b;
	size_t text = 0, bound, len = 0, klen;
	char *json = NULL, *sum = NULL, *kline;
	unsigned level = 99;

	memset(v, 0, sizeof(*v));
	v->status = (enum hp_overall)(flags % 3);
	v->kmsg_read = flags & 4;
	v->short_bytes = any_u64(&in);
	m.default_size = any_u64(&in);
	m.elapsed_us = any_u64(&in);
	v->nr_sizes = fz_u8(&in) % (HP_VERDICT_MAX_SIZES + 1);
	v->nr_kmsgs = fz_u8(&in) % (HP_VERDICT_MAX_KMSGS + 1);
	v->nr_ignored = fz_u8(&in) % (HP_MAX_KMSGS + 1);
	b = fz_u8(&in);
	v->prediction = (enum hp_prediction)(b % 4); /* 3: out of range, reads as unchecked */
	v->series = b & 4 ? NULL : hp_kcmdline_series(HP_KVER(b >> 3, b & 0xf, 0));
	for (size_t i = 0; i < v->nr_sizes; i++) {
		struct hp_vsize *z = &v->sizes[i];

		z->size = any_u64(&in);
		z->status = (enum hp_status)(fz_u8(&in) % 8); /* 7: out of range */
		z->requested = any_u64(&in);
		z->kernel_requested = any_u64(&in);
		z->allocated = any_u64(&in);
		z->free = any_u64(&in);
		z->short_pages = any_u64(&in);
		b = fz_u8(&in);
		z->present = b & 1;
		z->node_form = b & 2;
		z->gigantic = b & 4;
		z->is_default = b & 8;
		z->cma_skipped = b & 16;
		z->hint_node = (int8_t)fz_u8(&in);
		z->nr_nodes = fz_u8(&in) % (HP_MAX_NODES + 1);
		for (size_t k = 0; k < z->nr_nodes; k++) {
			struct hp_vnode *nd = &z->nodes[k];

			nd->id = fz_u8(&in) | (uint32_t)(fz_u8(&in) & 0x80 ? UINT32_MAX << 8 : 0);
			nd->asked = fz_u8(&in) & 1;
			nd->requested = any_u64(&in);
			nd->allocated = any_u64(&in);
			nd->free = any_u64(&in);
			nd->status = (enum hp_status)(fz_u8(&in) % 8);
			nd->short_pages = any_u64(&in);
		}
		z->nr_reasons = v->nr_kmsgs ? fz_u8(&in) % (HP_VERDICT_MAX_REASONS + 1) : 0;
		for (size_t k = 0; k < z->nr_reasons; k++)
			z->reasons[k] = fz_u8(&in) % v->nr_kmsgs;
	}

	/* the strings: metadata, then the kernel's lines and the ignored texts */
	for (size_t i = 0; i < NR_STRINGS; i++) {
		piece(&in, strs[i], sizeof(strs[i]));
		text += strlen(strs[i]);
	}
	m.cmdline = strs[0];
	m.kernel = flags & 8 ? NULL : strs[1];
	m.plan_id = flags & 16 ? NULL : strs[2];
	m.kmsg_state = strs[3];
	m.report_path = flags & 32 ? NULL : "/run/hugeplan/boot-report.json";
	for (size_t i = 0; i < v->nr_kmsgs; i++) {
		piece(&in, v->kmsgs[i], sizeof(v->kmsgs[i]));
		text += strlen(v->kmsgs[i]);
	}
	for (size_t i = 0; i < v->nr_ignored; i++) {
		piece(&in, v->ignored[i].text, sizeof(v->ignored[i].text));
		v->ignored[i].from_kernel = flags & 64;
		v->ignored[i].predicted = flags & 128;
		text += strlen(v->ignored[i].text);
	}

	/*
	 * A bound with room to spare, not a tight one: every input byte escaped (at most 6
	 * bytes), reasons repeated per size, plus a constant per element for keys, numbers and
	 * indentation. Output beyond it means the writer repeats or runs away.
	 */
	bound = 4096 + 6 * text;
	for (size_t i = 0; i < v->nr_sizes; i++)
		bound += 1024 + 256 * v->sizes[i].nr_nodes +
			 6 * HP_KMSG_LEN * v->sizes[i].nr_reasons;
	bound += 128 * (v->nr_ignored + v->nr_kmsgs);

	FZ_ASSERT(hp_report_json(v, &m, &json, &len) == 0, "hp_report_json failed");
	check_json(v, &m, json, len, bound);
	free(json);

	FZ_ASSERT(hp_report_summary(v, &m, &sum) == 0, "hp_report_summary failed");
	FZ_ASSERT(!strncmp(sum, "hugeplan-verify: ", 17), "summary: %.40s", sum);
	FZ_ASSERT(strlen(sum) <= bound, "summary of %zu bytes, bound %zu", strlen(sum), bound);
	free(sum);

	/* the kernel log line, into a buffer of exactly klen bytes (ASan sees one past it) */
	klen = 1 + (size_t)(flags * 131u + v->nr_sizes * 7u) % 1024;
	kline = malloc(klen);
	FZ_ASSERT(kline, "out of memory");
	hp_report_kmsg_line(v, &m, kline, klen, &level);
	FZ_ASSERT(strlen(kline) < klen, "kmsg line not terminated in its buffer");
	FZ_ASSERT(level == (v->status == HP_V_SHORT ? 4u : 6u), "kmsg level %u", level);
	FZ_ASSERT(klen <= 10 || !strncmp(kline, "hugeplan: ", 10), "kmsg line: %s", kline);
	for (const char *p = kline; *p; p++)
		FZ_ASSERT(*p >= 0x20 && *p < 0x7f, "kmsg line byte 0x%02x", (unsigned char)*p);
	free(kline);
	return 0;
}

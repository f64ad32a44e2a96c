// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON writer (core/json.h) driven by a sequence of calls read from the input: open an
 * object or array, end, a string (any bytes: invalid UTF-8, control characters, quotes), a
 * null, numbers, booleans, with keys made of any bytes too.
 *
 * The first byte picks a mode. In the first, the calls are a correct use of the writer (a key
 * exactly inside objects, no end at the top level, one top-level value, everything closed):
 * hp_json_finish() must succeed (or fail with -E2BIG exactly when the nesting passes
 * HP_JSON_MAX_DEPTH), the output must be one strict JSON document (json-check.h, which shares
 * no code with the writer), and what it holds must be what was written: the same events in
 * order, strings and keys as given except that each byte starting no valid UTF-8 sequence
 * reads back as U+FFFD. In the second, the calls are any: whenever hp_json_finish() succeeds
 * its output must still be one strict JSON document, and it never leaks.
 */
#include <errno.h>

#include "core/json.h"
#include "fuzz.h"
#include "json-check.h"

static size_t take_str(struct fz_in *in, char *buf, size_t cap)
{
	size_t n = fz_u8(in) % cap;

	if (n > in->n)
		n = in->n;
	memcpy(buf, in->p, n);
	buf[n] = '\0';
	in->p += n;
	in->n -= n;
	return n;
}

/* what the writer must make of a C string: invalid bytes as U+FFFD, one each */
static void expect_str(struct fzj_out *o, char ev, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char *d = malloc(strlen(s) * 3 + 1);
	size_t n = 0, left = strlen(s);
	struct fzj j = { 0 };

	if (!d)
		abort();
	while (left) {
		size_t len;

		if (fzj_utf8(p, left, &len) >= 0) {
			memcpy(d + n, p, len);
			n += len;
		} else {
			memcpy(d + n, "\xef\xbf\xbd", 3);
			n += 3;
			len = 1;
		}
		p += len;
		left -= len;
	}
	j.out = o;
	fzj_emit(&j, ev, d, n);
	free(d);
}

static void expect_ev(struct fzj_out *o, char ev, const char *s)
{
	struct fzj j = { 0 };

	j.out = o;
	fzj_emit(&j, ev, s, s ? strlen(s) : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	bool correct = !(fz_u8(&in) & 1);
	struct fzj_out want = { 0 }, got = { 0 };
	char closer[256], key[64], val[256], num[32];
	int depth = 0, expect = 0, r;
	bool top_done = false;
	struct hp_json j;
	size_t len = 0;
	char *out = NULL;
	const char *bad;

	hp_json_init(&j);
	while (in.n && !top_done) {
		uint8_t op = fz_u8(&in);
		bool in_obj = depth > 0 && closer[depth] == '}';
		const char *k = NULL;

		if (correct) {
			if (in_obj) {
				take_str(&in, key, sizeof(key));
				k = key;
			}
		} else if (op & 0x80) {
			take_str(&in, key, sizeof(key));
			k = key;
		}
		switch (op & 7) {
		case 0:
		case 1:
			if (correct && depth >= HP_JSON_MAX_DEPTH) {
				/* one level too deep: the error sticks, nothing else matters */
				expect = -E2BIG;
				top_done = true;
			}
			if (op & 1)
				hp_json_array(&j, k);
			else
				hp_json_object(&j, k);
			if (top_done)
				break;
			if (k)
				expect_str(&want, 'K', k);
			expect_ev(&want, op & 1 ? 'A' : 'O', NULL);
			if (depth < 255)
				closer[++depth] = op & 1 ? ']' : '}';
			break;
		case 2:
			if (correct && depth == 0)
				break;
			hp_json_end(&j);
			expect_ev(&want, 'E', NULL);
			if (depth > 0)
				depth--;
			if (correct && depth == 0)
				top_done = true;
			break;
		case 3:
		case 7:
			take_str(&in, val, sizeof(val));
			hp_json_str(&j, k, (op & 7) == 7 ? NULL : val);
			if (k)
				expect_str(&want, 'K', k);
			if ((op & 7) == 7)
				expect_ev(&want, 'Z', NULL);
			else
				expect_str(&want, 'S', val);
			break;
		case 4: {
			uint64_t v = fz_u64(&in);

			hp_json_u64(&j, k, v);
			snprintf(num, sizeof(num), "%" PRIu64, v);
			if (k)
				expect_str(&want, 'K', k);
			expect_ev(&want, 'N', num);
			break;
		}
		case 5: {
			int64_t v = (int64_t)fz_u64(&in);

			hp_json_i64(&j, k, v);
			snprintf(num, sizeof(num), "%" PRId64, v);
			if (k)
				expect_str(&want, 'K', k);
			expect_ev(&want, 'N', num);
			break;
		}
		case 6:
			hp_json_bool(&j, k, op & 8);
			if (k)
				expect_str(&want, 'K', k);
			expect_ev(&want, op & 8 ? 'T' : 'F', NULL);
			break;
		}
		if (correct && depth == 0 && (op & 7) != 2 && !top_done)
			top_done = true; /* a scalar at the top is the whole document */
	}
	if (correct && expect == 0) {
		if (!want.len) {
			hp_json_object(&j, NULL);
			expect_ev(&want, 'O', NULL);
			depth = 1;
			closer[1] = '}';
		}
		for (; depth > 0; depth--) {
			hp_json_end(&j);
			expect_ev(&want, 'E', NULL);
		}
	}
	r = hp_json_finish(&j, &out, &len);
	if (correct)
		FZ_ASSERT(r == expect, "hp_json_finish: %d, expected %d", r, expect);
	if (r == 0) {
		FZ_ASSERT(len == strlen(out) && len && out[len - 1] == '\n', "document length");
		bad = fzj_check(out, len, correct ? &got : NULL);
		FZ_ASSERT(!bad, "not JSON (%s):\n%s", bad, out);
		if (correct)
			FZ_ASSERT(got.len == want.len && !memcmp(got.buf, want.buf, got.len),
				  "the document does not hold what was written:\n%s", out);
		free(out);
	}
	free(want.buf);
	free(got.buf);
	return 0;
}

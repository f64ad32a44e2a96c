// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hp_kmsg_foreach() on a captured log (a regular file at ROOT/dev/kmsg), which it reads a
 * buffer at a time (issue 20). Its records must be those of the whole text split by
 * hp_kmsg_rec_len(), in order, however the records fall on the buffer's edges: a record ending
 * exactly there, a dictionary line (" KEY=VALUE") starting right after it, a record longer
 * than the buffer, a last record without its newline. A nonzero return stops the walk there;
 * a log over 16 MiB is -EFBIG, as when it was read whole. A log held (hp_kmsg_hold()) is read
 * from its start at every walk, and a line logged through it goes at the end of a captured
 * log, wherever the last walk stopped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hp-test.h"

#include "core/kmsgrec.h"
#include "sys/kmsg.h"

struct fx {
	char root[256];
	char log[320];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char dev[300];

	if (hp_test_tmpdir(f->root, sizeof(f->root), "hp-kmsg") < 0)
		return -1;
	snprintf(dev, sizeof(dev), "%s/dev", f->root);
	if (mkdir(dev, 0755) < 0)
		return -1;
	snprintf(f->log, sizeof(f->log), "%s/kmsg", dev);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int r = hp_test_rmtree(f->root);

	free(f);
	return r;
}

struct seen {
	uint64_t seq[4096];
	uint64_t hash; /* FNV-1a over every record's text, in order */
	char last[HP_KMSG_TEXT_MAX];
	size_t n, stop_at;
};

static void fold(struct seen *s, const struct hp_kmsg_rec *rec)
{
	if (!s->hash)
		s->hash = 14695981039346656037ULL;
	for (const char *p = rec->text; *p; p++)
		s->hash = (s->hash ^ (unsigned char)*p) * 1099511628211ULL;
	s->hash = (s->hash ^ '\n') * 1099511628211ULL;
}

static int collect(const struct hp_kmsg_rec *rec, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 4096)
		s->seq[s->n] = rec->seq;
	fold(s, rec);
	snprintf(s->last, sizeof(s->last), "%s", rec->text);
	return ++s->n == s->stop_at;
}

/* the log's text, and the sequence numbers the whole text split by hp_kmsg_rec_len() gives */
static char *make_log(size_t *len, struct seen *want)
{
	size_t cap = 1 << 20, n = 0;
	char *t = malloc(cap);
	uint64_t seq = 0;

	assert_non_null(t);
	memset(want, 0, sizeof(*want));
	/* plain records up to one that ends exactly at the first buffer's end (4096 bytes) */
	while (n < 4096 - 200) {
		n += (size_t)snprintf(t + n, cap - n, "6,%llu,%llu,-;plain record %llu\n",
				      (unsigned long long)seq, (unsigned long long)seq * 1000,
				      (unsigned long long)seq);
		seq++;
	}
	{
		const char *head = "6,%llu,1,-;";
		char h[64];
		size_t hl = (size_t)snprintf(h, sizeof(h), head, (unsigned long long)seq);
		size_t fill = 4096 - n - hl - 1;

		memcpy(t + n, h, hl);
		memset(t + n + hl, 'x', fill);
		n += hl + fill;
		t[n++] = '\n';
		seq++;
	}
	assert_int_equal(n, 4096);
	/* its dictionary lines (" KEY=VALUE") with it, not records of their own */
	n += (size_t)snprintf(t + n, cap - n,
			      "4,%llu,2,-;usb 1-1: new device\n SUBSYSTEM=usb\n"
			      " DEVICE=c189:1\n",
			      (unsigned long long)seq++);
	/* a record longer than the buffer (the kernel's text is 1 KiB; a capture may differ) */
	n += (size_t)snprintf(t + n, cap - n, "6,%llu,3,-;", (unsigned long long)seq++);
	memset(t + n, 'y', 9000);
	n += 9000;
	t[n++] = '\n';
	/* many more, with dictionaries now and then, then a last one without its newline */
	for (int i = 0; i < 1500; i++)
		n += (size_t)snprintf(t + n, cap - n, "6,%llu,%d,-;HugeTLB: filler %d\n%s",
				      (unsigned long long)seq++, i, i, i % 7 ? "" : " KEY=v\n");
	n += (size_t)snprintf(t + n, cap - n, "6,%llu,9,-;the last, unterminated",
			      (unsigned long long)seq++);
	for (size_t off = 0; off < n;) {
		size_t k = hp_kmsg_rec_len(t + off, n - off);
		struct hp_kmsg_rec rec;

		if (hp_kmsg_rec_parse(t + off, k, &rec) == 0) {
			want->seq[want->n++] = rec.seq;
			fold(want, &rec);
		}
		off += k;
	}
	*len = n;
	return t;
}

static void write_file(const char *path, const char *t, size_t n)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(t, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void streamed_as_whole(void **state)
{
	struct fx *f = *state;
	static struct seen want, got;
	size_t n;
	char *t = make_log(&n, &want);

	write_file(f->log, t, n);
	memset(&got, 0, sizeof(got));
	assert_int_equal(hp_kmsg_foreach(f->root, collect, &got), 0);
	assert_true(want.n > 1500);
	assert_int_equal(got.n, want.n);
	assert_memory_equal(got.seq, want.seq, want.n * sizeof(want.seq[0]));
	assert_int_equal(got.hash, want.hash); /* no record cut where a buffer ended */
	assert_string_equal(got.last, "the last, unterminated");
	free(t);
}

static void stops_where_told(void **state)
{
	struct fx *f = *state;
	static struct seen want, got;
	size_t n;
	char *t = make_log(&n, &want);

	write_file(f->log, t, n);
	memset(&got, 0, sizeof(got));
	got.stop_at = 40; /* past the first buffer */
	assert_int_equal(hp_kmsg_foreach(f->root, collect, &got), 1);
	assert_int_equal(got.n, 40);
	assert_memory_equal(got.seq, want.seq, 40 * sizeof(want.seq[0]));
	free(t);
}

/* hp_kmsg_foreach_prefix(): the records whose text begins so, and only those, in order */
static void only_the_prefix(void **state)
{
	struct fx *f = *state;
	static struct seen all, got;
	size_t n, kept = 0;
	char *t = make_log(&n, &all);
	uint64_t want[4096];

	write_file(f->log, t, n);
	for (size_t off = 0; off < n;) {
		size_t k = hp_kmsg_rec_len(t + off, n - off);
		struct hp_kmsg_rec rec;

		if (hp_kmsg_rec_parse(t + off, k, &rec) == 0 && !strncmp(rec.text, "HugeTLB", 7))
			want[kept++] = rec.seq;
		off += k;
	}
	memset(&got, 0, sizeof(got));
	assert_int_equal(hp_kmsg_foreach_prefix(f->root, "HugeTLB", collect, &got), 0);
	assert_int_equal(kept, 1500);
	assert_int_equal(got.n, kept);
	assert_memory_equal(got.seq, want, kept * sizeof(want[0]));
	free(t);
}

static void too_large(void **state)
{
	struct fx *f = *state;
	struct seen got = { 0 };
	FILE *fp = fopen(f->log, "w");

	assert_non_null(fp);
	fputs("6,0,0,-;first\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(truncate(f->log, (16 << 20) + 1), 0);
	got.stop_at = 1; /* even a walk that would stop at once */
	assert_int_equal(hp_kmsg_foreach(f->root, collect, &got), -EFBIG);
}

static size_t open_fds(void)
{
	size_t n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static void held_log(void **state)
{
	struct fx *f = *state;
	static struct seen want, got;
	size_t n, fds = open_fds();
	char *t = make_log(&n, &want), *back;
	struct stat st;
	FILE *fp;

	write_file(f->log, t, n);
	assert_int_equal(hp_kmsg_hold(f->root), 0);
	assert_int_equal(open_fds(), fds + 1);
	/* a walk that stops early, then a whole one: from the first record again */
	memset(&got, 0, sizeof(got));
	got.stop_at = 40;
	assert_int_equal(hp_kmsg_foreach(f->root, collect, &got), 1);
	memset(&got, 0, sizeof(got));
	assert_int_equal(hp_kmsg_foreach(f->root, collect, &got), 0);
	assert_int_equal(got.n, want.n);
	assert_int_equal(got.hash, want.hash);
	/* after a walk that stopped early, the line goes at the end, the capture whole */
	memset(&got, 0, sizeof(got));
	got.stop_at = 3;
	assert_int_equal(hp_kmsg_foreach(f->root, collect, &got), 1);
	assert_int_equal(hp_kmsg_log(f->root, 4, "hugeplan: held"), 0);
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal((size_t)st.st_size, n + strlen("<12>hugeplan: held\n"));
	back = malloc((size_t)st.st_size);
	assert_non_null(back);
	fp = fopen(f->log, "r");
	assert_non_null(fp);
	assert_int_equal(fread(back, 1, (size_t)st.st_size, fp), (size_t)st.st_size);
	fclose(fp);
	assert_memory_equal(back, t, n);
	assert_memory_equal(back + n, "<12>hugeplan: held\n", strlen("<12>hugeplan: held\n"));
	hp_kmsg_release();
	assert_int_equal(open_fds(), fds);
	/* released: each call opens the log again (and finds the line just logged) */
	memset(&got, 0, sizeof(got));
	assert_int_equal(hp_kmsg_foreach(f->root, collect, &got), 0);
	assert_int_equal(got.n, want.n);
	free(back);
	free(t);
}

/* nothing to hold: no log there, and the calls say so as they did */
static void nothing_to_hold(void **state)
{
	struct fx *f = *state;
	struct seen got = { 0 };

	assert_int_equal(hp_kmsg_hold(f->root), -ENOENT);
	assert_int_equal(hp_kmsg_foreach(f->root, collect, &got), -ENOENT);
	assert_int_equal(hp_kmsg_log(f->root, 4, "x"), -ENOENT);
	hp_kmsg_release();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(streamed_as_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(stops_where_told, setup, teardown),
		cmocka_unit_test_setup_teardown(only_the_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(held_log, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_to_hold, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

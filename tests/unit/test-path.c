// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hp_read_fd_until() (issue 20: the generator reads apply's state up to its first record, not
 * its thousand records). The text before the first line that begins with a stop, however the
 * reads fall: a stop split over two reads, a stop at the very start, a line longer than the
 * first buffer, a last line without its newline, a stop's text in the middle of a line or as
 * the start of a longer key (not a stop); nothing after the stop is read; max still applies
 * to what is read. The reads come from a SOCK_SEQPACKET pair: each read() returns one packet,
 * so the test decides where each read ends (a packet longer than the read is cut: none is).
 *
 * hp_read_line_fd() (issue 20: /proc/cmdline and the like in one read, no allocation): a read
 * that ends in a newline ends the text, whatever would follow; text without one is read to
 * its end, in as many reads as it comes in; the newline is dropped; len - 1 bytes and the
 * newline fit, one more is -EFBIG (text or newline). hp_read_fd_st(): a regular file ends
 * where the reads bring the size its fstat() gave (what follows is not read); a size no read
 * lands on (sysfs gives a page), none (/proc), or another type: read to the end.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sys/path.h"

static const char *const stops[] = { "vm=", "booted_plan=", "booted_vm=", NULL };

/* the packets, then the end (unless writer: its end is left open there): the reading side */
static int feed(const char *const *packets, int *writer)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	for (const char *const *p = packets; *p; p++)
		assert_int_equal(write(sv[1], *p, strlen(*p)), (ssize_t)strlen(*p));
	if (writer) {
		*writer = sv[1];
	} else {
		assert_int_equal(shutdown(sv[1], SHUT_WR), 0);
		close(sv[1]);
	}
	return sv[0];
}

/* what hp_read_fd_until() gives for packets, with max */
static int read_until(const char *const *packets, size_t max, char **out, size_t *len)
{
	int fd = feed(packets, NULL), r;

	r = hp_read_fd_until(fd, out, len, max, stops);
	close(fd);
	return r;
}

static void expect(const char *const *packets, const char *want)
{
	char *text = NULL;
	size_t len = 0;

	assert_int_equal(read_until(packets, 1U << 20, &text, &len), 0);
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));
	free(text);
}

static void test_stop_split_over_reads(void **state)
{
	const char *const p[] = { "format=1\nbootloader=grub\nv", "m=a files 2048:-:1 /x\n",
				  "vm=b files 2048:-:1 /y\n", NULL };

	(void)state;
	expect(p, "format=1\nbootloader=grub\n");
}

static void test_each_stop(void **state)
{
	const char *const a[] = { "format=1\nbooted_plan=00112233aabbccdd\nplan=x\n", NULL };
	const char *const b[] = { "format=1\n", "booted_vm=a files 2048:-:1\n", NULL };
	const char *const c[] = { "vm=a files 2048:-:1 /x\nformat=1\n", NULL };

	(void)state;
	expect(a, "format=1\n");
	expect(b, "format=1\n");
	expect(c, ""); /* a stop at the very start */
}

static void test_not_stops(void **state)
{
	/* a longer key, a stop's text inside a line, a stop after blanks: all lines of the head */
	const char *const p[] = { "vmx=1\nsummary=vm=2\n", " vm=3\n", "format=1", NULL };

	(void)state;
	expect(p, "vmx=1\nsummary=vm=2\n vm=3\nformat=1");
}

static void test_long_line_then_stop(void **state)
{
	/* a line over two reads, the first filling the first buffer (4 KiB) exactly: a packet
	 * longer than what a read asks for would be cut, so each fits the room left */
	char *first = malloc(4097), *second = malloc(1906), *want = malloc(6002);
	const char *p[4];

	(void)state;
	assert_non_null(first);
	assert_non_null(second);
	assert_non_null(want);
	memset(first, 'a', 4096);
	memcpy(first, "tokens=", 7);
	first[4096] = '\0';
	memset(second, 'b', 1904);
	second[1904] = '\n';
	second[1905] = '\0';
	p[0] = first;
	p[1] = second;
	p[2] = "booted_vm=a files 2048:-:1\n";
	p[3] = NULL;
	snprintf(want, 6002, "%s%s", first, second);
	expect(p, want);
	free(want);
	free(second);
	free(first);
}

static void test_last_line_without_newline(void **state)
{
	const char *const a[] = { "format=1\nvm", NULL };      /* "vm" alone: no stop */
	const char *const b[] = { "format=1\n", "vm=", NULL }; /* "vm=" at the end: a stop */

	(void)state;
	expect(a, "format=1\nvm");
	expect(b, "format=1\n");
}

static void test_rest_not_read(void **state)
{
	const char *const p[] = { "format=1\n", "vm=a files 2048:-:1 /x\n", "vm=b\n", NULL };
	char *text = NULL, buf[64];
	int writer, fd = feed(p, &writer);

	(void)state;
	assert_int_equal(hp_read_fd_until(fd, &text, NULL, 1U << 20, stops), 0);
	assert_string_equal(text, "format=1\n");
	free(text);
	/* the packet after the stop's is still there: it ended without waiting for the end */
	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), 5);
	close(writer);
	close(fd);
}

static void test_max(void **state)
{
	const char *const over[] = { "format=1\n", "summary=0123456789\n", NULL };
	const char *const within[] = { "format=1\n", "vm=0123456789012345678901234567\n", NULL };
	char *text = NULL;

	(void)state;
	assert_int_equal(read_until(over, 16, &text, NULL), -EFBIG);
	assert_int_equal(read_until(within, 16, &text, NULL), 0);
	assert_string_equal(text, "format=1\n");
	free(text);
}

static void test_no_stops_reads_all(void **state)
{
	const char *const p[] = { "format=1\n", "vm=a\n", NULL };
	char *text = NULL;
	int fd = feed(p, NULL);

	(void)state;
	assert_int_equal(hp_read_fd_until(fd, &text, NULL, 1U << 20, NULL), 0);
	assert_string_equal(text, "format=1\nvm=a\n");
	free(text);
	close(fd);
}

/* what hp_read_line_fd() gives for packets into len bytes; *left: a packet was left unread */
static int line(const char *const *packets, size_t len, char *buf, size_t *n, bool *left)
{
	int fd = feed(packets, NULL), r;
	char rest[64];

	/* the end was written: what it reads past the line would be the next packet */
	r = hp_read_line_fd(fd, buf, len, n);
	*left = recv(fd, rest, sizeof(rest), MSG_DONTWAIT) > 0;
	close(fd);
	return r;
}

static void test_line_one_read(void **state)
{
	const char *const p[] = { "0-1\n", "and more\n", NULL };
	char buf[16];
	size_t n = 0;
	bool left;

	(void)state;
	assert_int_equal(line(p, sizeof(buf), buf, &n, &left), 0);
	assert_string_equal(buf, "0-1");
	assert_int_equal(n, 3);
	/* the read that ended the line was the last: the next packet is still there */
	assert_true(left);
}

static void test_line_without_newline(void **state)
{
	const char *const p[] = { "6.1.0-", "27-amd64", NULL };
	char buf[16];
	size_t n = 0;
	bool left;

	(void)state;
	/* read on to the end, in the two reads it comes in */
	assert_int_equal(line(p, sizeof(buf), buf, &n, &left), 0);
	assert_false(left);
	assert_string_equal(buf, "6.1.0-27-amd64");
	assert_int_equal(n, 14);
	/* a newline inside a read that does not end in one is text, kept */
	{
		const char *const q[] = { "a\nb", NULL };

		assert_int_equal(line(q, sizeof(buf), buf, &n, &left), 0);
		assert_string_equal(buf, "a\nb");
	}
}

static void test_line_fits(void **state)
{
	const char *const fits[] = { "0123456\n", NULL };  /* 7 bytes and the newline in 8 */
	const char *const over[] = { "01234567\n", NULL }; /* 8 and the newline */
	const char *const long_[] = { "01234567", NULL };  /* 8 without a newline */
	const char *const split[] = { "0123", "4567", "\n", NULL };
	char buf[8];
	size_t n = 0;
	bool left;

	(void)state;
	assert_int_equal(line(fits, sizeof(buf), buf, &n, &left), 0);
	assert_string_equal(buf, "0123456");
	assert_int_equal(line(over, sizeof(buf), buf, &n, &left), -EFBIG);
	assert_string_equal(buf, "");
	assert_int_equal(line(long_, sizeof(buf), buf, &n, &left), -EFBIG);
	assert_int_equal(line(split, sizeof(buf), buf, &n, &left), -EFBIG);
}

/* hp_read_fd_st() of packets, as from a file whose fstat() gave mode and size */
static void fd_st(mode_t mode, off_t size, const char *want, bool left_want)
{
	const char *const p[] = { "[Host]\n", "ReserveMemory=6G\n", NULL };
	struct stat st = { .st_mode = mode, .st_size = size };
	int fd = feed(p, NULL);
	char *text = NULL, rest[64];

	assert_int_equal(hp_read_fd_st(fd, &st, &text, NULL, 1U << 20), 0);
	assert_string_equal(text, want);
	assert_int_equal(recv(fd, rest, sizeof(rest), MSG_DONTWAIT) > 0, left_want);
	free(text);
	close(fd);
}

static void test_fd_st_size(void **state)
{
	(void)state;
	/* the size's bytes read: the end, without a read to see it (the rest is not read) */
	fd_st(S_IFREG | 0644, 7, "[Host]\n", true);
	/* a size no read lands on (sysfs: a page; more than there is): read to the end */
	fd_st(S_IFREG | 0644, 4096, "[Host]\nReserveMemory=6G\n", false);
	fd_st(S_IFREG | 0644, 10, "[Host]\nReserveMemory=6G\n", false);
	/* no size (/proc), or not a regular file: read to the end */
	fd_st(S_IFREG | 0444, 0, "[Host]\nReserveMemory=6G\n", false);
	fd_st(S_IFIFO | 0644, 7, "[Host]\nReserveMemory=6G\n", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_split_over_reads),
		cmocka_unit_test(test_each_stop),
		cmocka_unit_test(test_not_stops),
		cmocka_unit_test(test_long_line_then_stop),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_rest_not_read),
		cmocka_unit_test(test_max),
		cmocka_unit_test(test_no_stops_reads_all),
		cmocka_unit_test(test_line_one_read),
		cmocka_unit_test(test_line_without_newline),
		cmocka_unit_test(test_line_fits),
		cmocka_unit_test(test_fd_st_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

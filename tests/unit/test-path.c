// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hp_read_fd_until() (issue 20: the generator reads apply's state up to its first record, not
 * its thousand records). The text before the first line that begins with a stop, however the
 * reads fall: a stop split over two reads, a stop at the very start, a line longer than the
 * first buffer, a last line without its newline, a stop's text in the middle of a line or as
 * the start of a longer key (not a stop); nothing after the stop is read; max still applies
 * to what is read. The reads come from a SOCK_SEQPACKET pair: each read() returns one packet,
 * so the test decides where each read ends (a packet longer than the read is cut: none is).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

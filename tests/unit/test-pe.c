// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PE section table reader, on images laid out by hand from the PE format (tests/bls makes
 * a real UKI with objcopy on systemd's stub and reads it back through hugeplan), and the
 * command line text systemd-stub makes of a .cmdline section.
 */
#include <errno.h>
#include <string.h>

#include "hp-test.h"

#include "core/pe.h"

static unsigned char img[1024];

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* an image with a PE header at 0x80, an optional header of opt bytes and these sections */
static size_t mkimg(const char *const *names, size_t n, uint16_t opt)
{
	size_t table = 0x80 + 24 + opt;

	memset(img, 0, sizeof(img));
	img[0] = 'M';
	img[1] = 'Z';
	put32(img + 0x3c, 0x80);
	memcpy(img + 0x80, "PE\0\0", 4);
	img[0x80 + 4] = 0x64; /* x86-64 */
	img[0x80 + 5] = 0x86;
	img[0x80 + 6] = (unsigned char)n;
	img[0x80 + 20] = (unsigned char)opt;
	img[0x80 + 21] = (unsigned char)(opt >> 8);
	for (size_t i = 0; i < n; i++) {
		unsigned char *s = img + table + i * 40;

		memcpy(s, names[i], strlen(names[i]));
		put32(s + 8, (uint32_t)(10 + i));	    /* VirtualSize */
		put32(s + 12, (uint32_t)(0x1000 * i));	    /* VirtualAddress */
		put32(s + 16, 512);			    /* SizeOfRawData */
		put32(s + 20, (uint32_t)(0x400 + 512 * i)); /* PointerToRawData */
	}
	return table + n * 40;
}

static void test_sections(void **state)
{
	static const char *const names[] = { ".text", ".osrel", ".cmdline", ".uname", ".linux" };
	struct hp_pe pe;
	const struct hp_pe_section *s;
	size_t end = mkimg(names, 5, 240);

	(void)state;
	assert_int_equal(hp_pe_parse(img, sizeof(img), &pe), 0);
	assert_int_equal(pe.nr_sections, 5);
	s = hp_pe_find(&pe, ".cmdline"); /* eight characters: no NUL in the header */
	assert_non_null(s);
	assert_string_equal(s->name, ".cmdline");
	assert_int_equal(s->virtual_size, 12);
	assert_int_equal(s->raw_size, 512);
	assert_int_equal(s->raw_offset, 0x400 + 1024);
	assert_int_equal(hp_pe_section_len(s), 12);
	assert_null(hp_pe_find(&pe, ".initrd"));
	assert_true(hp_pe_is_uki(&pe));
	/* the table must be inside the bytes given */
	assert_int_equal(hp_pe_parse(img, end, &pe), 0);
	assert_int_equal(hp_pe_parse(img, end - 1, &pe), -EBADMSG);
}

static void test_not_uki(void **state)
{
	static const char *const names[] = { ".text", ".data", ".reloc" };
	struct hp_pe pe;

	(void)state;
	mkimg(names, 3, 240);
	assert_int_equal(hp_pe_parse(img, sizeof(img), &pe), 0);
	assert_false(hp_pe_is_uki(&pe));
}

static void test_not_pe(void **state)
{
	struct hp_pe pe;

	(void)state;
	mkimg(NULL, 0, 0);
	img[0] = 0x7f; /* an ELF vmlinux, say */
	assert_int_equal(hp_pe_parse(img, sizeof(img), &pe), -ENOEXEC);
	mkimg(NULL, 0, 0);
	memcpy(img + 0x80, "NE\0\0", 4);
	assert_int_equal(hp_pe_parse(img, sizeof(img), &pe), -ENOEXEC);
	assert_int_equal(hp_pe_parse(img, 16, &pe), -ENOEXEC);
	mkimg(NULL, 0, 0);
	put32(img + 0x3c, 0xfffffff0); /* the PE header beyond the file */
	assert_int_equal(hp_pe_parse(img, sizeof(img), &pe), -ENOEXEC);
	/* more sections than the format allows */
	mkimg(NULL, 0, 0);
	img[0x80 + 6] = 97;
	assert_int_equal(hp_pe_parse(img, sizeof(img), &pe), -EBADMSG);
}

static void test_cmdline_text(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} t[] = {
		{ "root=/dev/sda quiet\n", 20, "root=/dev/sda quiet" },
		{ "\n\t root=/dev/sda\nquiet\r\n", 24, "root=/dev/sda quiet" },
		{ "a b\0hugepages=4", 15, "a b" }, /* the text ends at a NUL */
		{ "a\x7f"
		  "b",
		  3,
		  "a\x7f"
		  "b" },
		{ "   ", 3, "" },
		{ "quiet\xa0hugepages=4", 17, "quiet\xa0hugepages=4" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		size_t n = hp_uki_cmdline_text(t[i].in, t[i].n, out, sizeof(out));

		assert_string_equal(out, t[i].out);
		assert_int_equal(n, strlen(t[i].out));
	}
	/* truncated to the buffer, the full length returned */
	assert_int_equal(hp_uki_cmdline_text("abcdef", 6, out, 4), 6);
	assert_string_equal(out, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_not_uki),
		cmocka_unit_test(test_not_pe),
		cmocka_unit_test(test_cmdline_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The section table of a PE/COFF file: enough to tell a unified kernel image (a UKI, Boot
 * Loader Specification type #2: systemd-stub with .linux, .cmdline, .osrel, .uname sections)
 * and to find its embedded command line, which wins over the boot loader's options under
 * Secure Boot. Pure: it reads a buffer holding the start of the file; the caller reads the
 * sections it wants at their file offsets (sys/uki.h).
 *
 * Layout (Microsoft PE format): "MZ" at 0, the offset of the PE signature at 0x3c, "PE\0\0",
 * the 20-byte COFF header (section count at +2, optional header size at +16), the optional
 * header, then 40-byte section headers: name[8] (NUL-padded, not terminated when 8 long),
 * VirtualSize, VirtualAddress, SizeOfRawData, PointerToRawData, little endian.
 */
#ifndef HP_PE_H
#define HP_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HP_PE_MAX_SECTIONS 96 /* the PE format allows 96 */
#define HP_PE_HEAD_MAX	   8192

struct hp_pe_section {
	char name[9];
	uint32_t virtual_size; /* the section's real size (raw data is padded to alignment) */
	uint32_t raw_size;
	uint32_t raw_offset; /* where its bytes are in the file */
};

struct hp_pe {
	struct hp_pe_section sections[HP_PE_MAX_SECTIONS];
	size_t nr_sections;
};

/*
 * hp_pe_parse - the section table from the first len bytes of a file. 0; -ENOEXEC when the
 * bytes are not a PE file; -EBADMSG when the headers are truncated or the table does not fit
 * in len (read HP_PE_HEAD_MAX bytes: stubs keep their headers in the first page).
 */
int hp_pe_parse(const unsigned char *buf, size_t len, struct hp_pe *pe);

/* hp_pe_find - the section called name, or NULL. */
const struct hp_pe_section *hp_pe_find(const struct hp_pe *pe, const char *name);

/* hp_pe_section_len - how many bytes of the section to read: its data, without padding. */
uint32_t hp_pe_section_len(const struct hp_pe_section *s);

/* hp_pe_is_uki - a .linux section: systemd-stub carries a kernel (type #2 entry, a UKI). */
bool hp_pe_is_uki(const struct hp_pe *pe);

/*
 * hp_uki_cmdline_text - the command line systemd-stub makes of a .cmdline section's bytes
 * (mangle_stub_cmdline()): up to the first NUL, every byte up to 0x20 (line breaks, tabs) a
 * space, no leading or trailing blanks. Writes at most len - 1 characters to out; returns the full
 * length.
 */
size_t hp_uki_cmdline_text(const char *data, size_t n, char *out, size_t len);

#endif

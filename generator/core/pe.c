// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "core/pe.h"

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int hp_pe_parse(const unsigned char *buf, size_t len, struct hp_pe *pe)
{
	size_t pe_off, table, n, opt;

	memset(pe, 0, sizeof(*pe));
	if (len < 0x40 || buf[0] != 'M' || buf[1] != 'Z')
		return -ENOEXEC;
	pe_off = le32(buf + 0x3c);
	if (pe_off > len - 24 || len < 24)
		return pe_off >= HP_PE_HEAD_MAX ? -ENOEXEC : -EBADMSG;
	if (memcmp(buf + pe_off, "PE\0\0", 4))
		return -ENOEXEC;
	n = le16(buf + pe_off + 4 + 2);
	opt = le16(buf + pe_off + 4 + 16);
	table = pe_off + 4 + 20 + opt;
	if (n > HP_PE_MAX_SECTIONS)
		return -EBADMSG;
	if (table > len || n * 40 > len - table)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *s = buf + table + i * 40;
		struct hp_pe_section *d = &pe->sections[i];

		memcpy(d->name, s, 8);
		d->name[8] = '\0';
		d->virtual_size = le32(s + 8);
		d->raw_size = le32(s + 16);
		d->raw_offset = le32(s + 20);
	}
	pe->nr_sections = n;
	return 0;
}

const struct hp_pe_section *hp_pe_find(const struct hp_pe *pe, const char *name)
{
	for (size_t i = 0; i < pe->nr_sections; i++)
		if (!strcmp(pe->sections[i].name, name))
			return &pe->sections[i];
	return NULL;
}

uint32_t hp_pe_section_len(const struct hp_pe_section *s)
{
	/* a zero VirtualSize (some linkers) means the raw size is all there is */
	if (!s->virtual_size || s->virtual_size > s->raw_size)
		return s->raw_size;
	return s->virtual_size;
}

bool hp_pe_is_uki(const struct hp_pe *pe)
{
	return hp_pe_find(pe, ".linux") != NULL;
}

size_t hp_uki_cmdline_text(const char *data, size_t n, char *out, size_t len)
{
	size_t i = 0, o = 0, end = 0;

	/* systemd's mangle_stub_cmdline(): no leading blanks, every byte up to 0x20 a space */
	while (i < n && data[i] && (unsigned char)data[i] <= 0x20)
		i++;
	for (; i < n && data[i]; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c <= 0x20)
			c = ' ';
		if (o + 1 < len)
			out[o] = (char)c;
		o++;
		if (c != ' ')
			end = o;
	}
	if (len)
		out[end < len ? end : len - 1] = '\0';
	return end;
}

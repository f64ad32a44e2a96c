// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "core/kmsgrec.h"

size_t hp_kmsg_rec_len(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		/* " KEY=VALUE" dictionary lines belong to the record above them */
		if (i + 1 < len && buf[i + 1] == ' ')
			continue;
		return i + 1;
	}
	return len;
}

/* decimal field ended by one of the bytes in ends; *p moves past the delimiter */
static int field(const char **p, const char *end, const char *ends, uint64_t *v, char *delim)
{
	const char *s = *p;
	uint64_t n = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (n > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	if (s >= end || !strchr(ends, *s) || !*s)
		return -EINVAL;
	*delim = *s;
	*p = s + 1;
	*v = n;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hp_kmsg_rec_parse(const char *buf, size_t len, struct hp_kmsg_rec *rec)
{
	const char *p = buf, *end = buf + len, *semi;
	uint64_t prio, seq, usec;
	size_t o = 0;
	char d, flag = '-';

	if (field(&p, end, ",", &prio, &d) < 0 || field(&p, end, ",", &seq, &d) < 0 ||
	    field(&p, end, ",;", &usec, &d) < 0)
		return -EINVAL;
	if (prio > 0xffff)
		return -EINVAL;
	/* flags and any fields a newer kernel adds run up to the first ';' */
	semi = memchr(p - 1, ';', (size_t)(end - (p - 1)));
	if (!semi)
		return -EINVAL;
	if (d == ',' && p < semi)
		flag = *p;

	rec->level = (unsigned)(prio & 7);
	rec->facility = (unsigned)(prio >> 3);
	rec->seq = seq;
	rec->usec = usec;
	rec->flag = flag;
	for (p = semi + 1; p < end && *p != '\n' && o + 1 < sizeof(rec->text); p++) {
		/* "\x00" stays escaped: the text is a C string */
		if (*p == '\\' && end - p >= 4 && p[1] == 'x' && hexval(p[2]) >= 0 &&
		    hexval(p[3]) >= 0 && (p[2] != '0' || p[3] != '0')) {
			rec->text[o++] = (char)(hexval(p[2]) << 4 | hexval(p[3]));
			p += 3;
			continue;
		}
		rec->text[o++] = *p;
	}
	rec->text[o] = '\0';
	return 0;
}

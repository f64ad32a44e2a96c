// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "core/kmsgrec.h"

size_t hp_kmsg_rec_len(const char *buf, size_t len)
{
	/* memchr(), not a loop over every byte: the verifier walks 16 KiB of log this way */
	for (const char *p = buf, *end = buf + len; (p = memchr(p, '\n', (size_t)(end - p))); p++) {
		/* " KEY=VALUE" dictionary lines belong to the record above them */
		if (p + 1 < end && p[1] == ' ')
			continue;
		return (size_t)(p - buf) + 1;
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

bool hp_kmsg_rec_text_starts(const char *buf, size_t len, const char *prefix)
{
	/* the header ("PRIO,SEQ,USEC,FLAGS[,...];") holds no ';' before its end */
	const char *semi = memchr(buf, ';', len);
	size_t n = strlen(prefix);

	return semi && (size_t)(buf + len - (semi + 1)) >= n && !memcmp(semi + 1, prefix, n);
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
	const char *p = buf, *end = buf + len, *semi, *tend;
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
	/* the text up to its newline, copied a run at a time between backslashes */
	p = semi + 1;
	tend = memchr(p, '\n', (size_t)(end - p));
	if (!tend)
		tend = end;
	while (p < tend && o + 1 < sizeof(rec->text)) {
		const char *bs = memchr(p, '\\', (size_t)(tend - p));
		size_t run = (size_t)((bs ? bs : tend) - p), room = sizeof(rec->text) - 1 - o;

		if (run > room)
			run = room;
		memcpy(rec->text + o, p, run);
		o += run;
		p += run;
		if (p != bs || o + 1 >= sizeof(rec->text))
			continue;
		/* "\x00" stays escaped: the text is a C string */
		if (tend - p >= 4 && p[1] == 'x' && hexval(p[2]) >= 0 && hexval(p[3]) >= 0 &&
		    (p[2] != '0' || p[3] != '0')) {
			rec->text[o++] = (char)(hexval(p[2]) << 4 | hexval(p[3]));
			p += 4;
		} else {
			rec->text[o++] = *p++;
		}
	}
	rec->text[o] = '\0';
	return 0;
}

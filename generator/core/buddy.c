// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buddy.h"
#include "core/size.h"

int hp_buddy_parse(const char *text, struct hp_buddy *out, unsigned *bad_line)
{
	const char *p = text;
	unsigned line = 0;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *eol = strchr(p, '\n'), *q;
		unsigned long node;
		unsigned o = 0;
		char *e;

		line++;
		if (!eol)
			eol = p + strlen(p);
		if (eol == p) {
			p = *eol ? eol + 1 : eol;
			continue;
		}
		if (strncmp(p, "Node ", 5))
			goto bad;
		node = strtoul(p + 5, &e, 10);
		if (e == p + 5 || *e != ',' || node >= HP_MAX_NODES)
			goto bad;
		q = strstr(e, "zone");
		if (!q || q > eol)
			goto bad;
		q += 4;
		while (q < eol && *q == ' ')
			q++;
		while (q < eol && *q != ' ') /* the zone's name */
			q++;
		while (q < eol) {
			uint64_t v;

			while (q < eol && *q == ' ')
				q++;
			if (q == eol)
				break;
			if (*q < '0' || *q > '9' || o >= HP_BUDDY_ORDERS)
				goto bad;
			v = strtoull(q, &e, 10);
			if (e > eol || (*e != ' ' && e != eol))
				goto bad;
			out->nodes[node].free[o++] += v;
			q = e;
		}
		if (!o)
			goto bad;
		out->nodes[node].present = true;
		if (o > out->orders)
			out->orders = o;
		p = *eol ? eol + 1 : eol;
	}
	return 0;
bad:
	if (bad_line)
		*bad_line = line;
	return -EINVAL;
}

uint64_t hp_buddy_free_bytes(const struct hp_buddy *b, unsigned node, uint64_t page_base)
{
	uint64_t sum = 0;

	if (node >= HP_MAX_NODES)
		return 0;
	for (unsigned o = 0; o < HP_BUDDY_ORDERS; o++)
		sum += b->nodes[node].free[o] * (page_base << o);
	return sum;
}

static unsigned order_of(uint64_t page_base, uint64_t huge)
{
	unsigned o = 0;

	while (o < 63 && (page_base << o) < huge)
		o++;
	return o;
}

uint64_t hp_buddy_ready(const struct hp_buddy *b, unsigned node, uint64_t page_base, uint64_t huge)
{
	unsigned ord = order_of(page_base, huge);
	uint64_t n = 0;

	if (node >= HP_MAX_NODES)
		return 0;
	for (unsigned o = ord; o < HP_BUDDY_ORDERS; o++)
		n += b->nodes[node].free[o] << (o - ord);
	return n;
}

void hp_buddy_describe(const struct hp_buddy *b, unsigned node, uint64_t page_base, uint64_t huge,
		       char *buf, size_t len)
{
	uint64_t free = hp_buddy_free_bytes(b, node, page_base);
	uint64_t ready = hp_buddy_ready(b, node, page_base, huge);
	uint64_t in_big = ready * huge;
	char f[32], t[24];

	hp_size_human(free, f, sizeof(f));
	hp_size_token(huge, t, sizeof(t));
	if (node >= HP_MAX_NODES || !b->nodes[node].present) {
		snprintf(buf, len, "no buddyinfo line for node %u", node);
		return;
	}
	snprintf(buf, len,
		 "%s free, %" PRIu64
		 " free %s block%s; %u%% of free memory is in blocks smaller than %s",
		 f, ready, t, ready == 1 ? "" : "s",
		 free ? (unsigned)((free - (in_big > free ? free : in_big)) * 100 / free) : 0, t);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply's state file (core/state.h), with its per-VM records (core/vmrec.h): whatever bytes
 * /var/lib/hugeplan/applied holds, status, replan, apply and the generator read it.
 *
 * Properties:
 * - hp_state_parse() and hp_state_parse_head() never read past the text; the head is what
 *   hp_state_parse() makes of the text cut before its first record line (vm=, booted_plan=,
 *   booted_vm=), whose result it shares;
 * - a state that parses renders (unless a value holds a line break, which render refuses),
 *   and the rendering parses back to the same fields and records;
 * - hp_state_records() finds a plan's records only under its own id;
 * - the changes between the two record sets (hp_stale_changes()) are at most one per VM of
 *   both, and a record set compared with itself has none.
 */
#include <errno.h>

#include "core/stale.h"
#include "core/state.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_head(const struct hp_state *a, const struct hp_state *b)
{
	FZ_ASSERT(!strcmp(a->bootloader, b->bootloader) && !strcmp(a->file, b->file) &&
			  !strcmp(a->tokens, b->tokens) && !strcmp(a->plan_id, b->plan_id) &&
			  !strcmp(a->summary, b->summary) && !strcmp(a->applied, b->applied) &&
			  a->update == b->update && !strcmp(a->update_note, b->update_note) &&
			  a->created_file == b->created_file,
		  "the head differs");
}

/* the text up to its first record line, malloc'd */
static char *before_records(const char *text)
{
	static const char *const keys[] = { "vm=", "booted_plan=", "booted_vm=" };
	const char *p = text;

	while (*p) {
		for (size_t k = 0; k < 3; k++)
			if (!strncmp(p, keys[k], strlen(keys[k])))
				return strndup(text, (size_t)(p - text));
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return strdup(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_state s, h, cut, back;
	struct hp_changes c;
	char *text, *head, *out;
	int r, rh, rc;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	head = before_records(text);
	if (!head) {
		free(text);
		return 0;
	}
	r = hp_state_parse(text, &s, NULL);
	rh = hp_state_parse_head(text, &h, NULL);
	rc = hp_state_parse(head, &cut, NULL);
	FZ_ASSERT(rh == rc, "the head (%d) is not the text cut before its records (%d)", rh, rc);
	if (rh == 0) {
		same_head(&h, &cut);
		FZ_ASSERT(!h.vms.nr && !h.booted.nr && !h.booted_plan[0], "the head read records");
		hp_state_free(&h);
		hp_state_free(&cut);
	}
	if (r == 0) {
		if (s.plan_id[0])
			FZ_ASSERT(hp_state_records(&s, s.plan_id) == &s.vms,
				  "plan= finds its records");
		FZ_ASSERT(!hp_state_records(&s, ""), "an empty id finds records");
		if (hp_stale_changes(&s.vms, &s.vms, &c) == 0) {
			FZ_ASSERT(c.nr == 0, "%zu changes between a record set and itself", c.nr);
			hp_changes_free(&c);
		}
		if (hp_stale_changes(&s.booted, &s.vms, &c) == 0) {
			FZ_ASSERT(c.nr <= s.booted.nr + s.vms.nr, "more changes than VMs");
			hp_changes_free(&c);
		}
		if (hp_state_render(&s, &out) == 0) {
			FZ_ASSERT(hp_state_parse(out, &back, NULL) == 0,
				  "a rendering does not parse:\n%s", out);
			same_head(&s, &back);
			FZ_ASSERT(hp_recs_equal(&s.vms, &back.vms) &&
					  hp_recs_equal(&s.booted, &back.booted) &&
					  !strcmp(s.booted_plan, back.booted_plan),
				  "the records do not come back:\n%s", out);
			hp_state_free(&back);
			free(out);
		}
		hp_state_free(&s);
	}
	free(head);
	free(text);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/changes.h"
#include "core/size.h"

const struct hp_vm *hp_cli_changes_vm(const struct hp_cli_changes *cc, const struct hp_vm_change *c)
{
	return c->after ? cc->plan->vms[c->after - cc->after->vms].vm : NULL;
}

void hp_cli_changes_summary(const struct hp_cli_changes *cc, char *buf, size_t len)
{
	const struct hp_changes *ch = &cc->changes;
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned bit = 1; bit <= HP_CHG_LAST && o < len; bit <<= 1) {
		bool first = true;

		for (size_t i = 0; i < ch->nr && o < len; i++) {
			const struct hp_vm_change *c = &ch->v[i];
			const char *name = c->after ? c->after->name : c->before->name;

			if (!(c->what & bit))
				continue;
			if (o + strlen(name) + 24 > len) {
				snprintf(buf + o, len - o, ", ...");
				return;
			}
			if (first)
				o += (size_t)snprintf(buf + o, len - o, "%s%s: ", o ? "; " : "",
						      hp_change_name(bit));
			o += (size_t)snprintf(buf + o, len - o, "%s%s", first ? "" : ", ", name);
			first = false;
		}
	}
}

/* what changed about one VM that is in both plans: "grew from 1.00 GiB to 2.00 GiB, ..." */
static void change_words(const struct hp_vm_change *c, char *buf, size_t len)
{
	char x[32], y[32];
	size_t o = 0;

	buf[0] = '\0';
	hp_size_human(c->before_bytes, x, sizeof(x));
	hp_size_human(c->after_bytes, y, sizeof(y));
	if (c->what & (HP_CHG_GREW | HP_CHG_SHRANK))
		o += (size_t)snprintf(buf + o, len - o, "%s from %s to %s",
				      c->what & HP_CHG_GREW ? "grew" : "shrank", x, y);
	if ((c->what & HP_CHG_PAGE_SIZE) && o < len)
		o += (size_t)snprintf(buf + o, len - o, "%spage size changed", o ? ", " : "");
	if ((c->what & HP_CHG_NODES) && o < len)
		o += (size_t)snprintf(buf + o, len - o, "%snodes changed", o ? ", " : "");
	if ((c->what & HP_CHG_SOURCE) && o < len)
		snprintf(buf + o, len - o, "%sdefined elsewhere before (%s, %s)", o ? ", " : "",
			 hp_source_name(c->before->source), c->before->file);
}

void hp_cli_change_line(const struct hp_cli_changes *cc, const struct hp_vm_change *c, char *buf,
			size_t len)
{
	const struct hp_vm *vm = hp_cli_changes_vm(cc, c);
	const struct hp_vm_rec *r = c->after ? c->after : c->before;
	char file[HP_REC_FILE_MAX], what[700], a[300], b[300];

	if (vm)
		hp_escape(file, sizeof(file), vm->loc.file ? vm->loc.file : "");
	else
		snprintf(file, sizeof(file), "%s", r->file);
	if (c->after)
		hp_rec_pages_text(cc->after, c->after, a, sizeof(a));
	if (c->before)
		hp_rec_pages_text(cc->before, c->before, b, sizeof(b));
	if (c->what & HP_CHG_ADDED) {
		snprintf(buf, len, "%s (%s, %s): added: %s", r->name, hp_source_name(r->source),
			 file, a);
		return;
	}
	if (c->what & HP_CHG_REMOVED) {
		snprintf(buf, len, "%s (%s, %s): removed: was %s", r->name,
			 hp_source_name(r->source), file, b);
		return;
	}
	change_words(c, what, sizeof(what));
	if (hp_rec_parts_equal(cc->before, c->before, cc->after, c->after))
		snprintf(buf, len, "%s (%s, %s): %s", r->name, hp_source_name(r->source), file,
			 what);
	else
		snprintf(buf, len, "%s (%s, %s): %s: %s -> %s", r->name, hp_source_name(r->source),
			 file, what, b, a);
}

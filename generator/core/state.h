/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What "hugeplan apply" applied, kept in /var/lib/hugeplan/applied so that remove, and later
 * status and stale-plan detection, know it. Pure: rendering and parsing of the text.
 *
 * The file is "key=value" lines after a generated-file header; values are single lines.
 * Unknown keys are skipped on reading (a newer hugeplan may add some); format=1 is required.
 *
 *   format=1
 *   bootloader=grub | kernel-install | bls
 *   file=/etc/default/grub.d/99-hugeplan.cfg     (on the system, not prefixed by --root)
 *   tokens=default_hugepagesz=1G hugepagesz=1G hugepages=4 hugeplan.plan=...
 *   plan=<hugeplan.plan id>
 *   summary=<pools in words>
 *   applied=2026-11-26T06:40:00Z
 *   update=done | pending | none                 (grub.cfg regenerated after the write?)
 *   update_note=<what ran, or why not>
 *   created_file=yes | no                         (apply created the file, kernel-install)
 *   sizes=2048,1048576                            (every page size the plan's VMs use, kB,
 *                                                  pool at boot or not: the generator's mounts)
 *   boot=/boot                                    (bls: $BOOT, when there are entries)
 *   entry_token=<token>                           (bls: their entry token)
 *   vm=NAME SOURCE PAGES FILE                     (one per VM plan= places: core/vmrec.h)
 *   booted_plan=<id>                              (the plan this boot ran when apply wrote
 *   booted_vm=NAME SOURCE PAGES FILE               another, and its records, kept from the
 *                                                  state before, so that status can name what
 *                                                  changed since this boot's entry)
 *
 * The records come last, so that a reader that needs the rest (the generator) stops before
 * them: hp_state_parse_head(). The BLS entries' own records are beside the state
 * (core/blsapply.h).
 */
#ifndef HP_STATE_H
#define HP_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/render.h"
#include "core/vmrec.h"

enum hp_update_state {
	HP_UPDATE_NONE = 0, /* nothing to regenerate (kernel-install) */
	HP_UPDATE_DONE,	    /* the boot menu was regenerated after the file was written */
	HP_UPDATE_PENDING,  /* written, but the regeneration failed or was skipped */
};

struct hp_state {
	char bootloader[16];
	char file[256];
	char tokens[HP_MAX_TOKENS * HP_TOKEN_MAX];
	char plan_id[17];
	char summary[512];
	char applied[32];
	enum hp_update_state update;
	char update_note[2048];
	bool created_file;
	char sizes[160];       /* "" none, or before sizes= was written */
	char boot[256];	       /* "" unless bls */
	char entry_token[128]; /* "" unless bls */
	/* since issue 14: per-VM records (malloc'd: hp_state_free()) */
	struct hp_recs vms;    /* the VMs plan_id places */
	char booted_plan[17];  /* "" none */
	struct hp_recs booted; /* the VMs booted_plan places */
};

/*
 * hp_state_render - the file's text. -EINVAL when a value holds a newline or is too long for
 * its field on reading back; -ENOMEM. *out is malloc'd.
 */
int hp_state_render(const struct hp_state *s, char **out);

/*
 * hp_state_parse - read the text back. -EINVAL for a line that is not "key=value", a missing
 * or unknown format, a missing bootloader, a record that is not one, or two records of one
 * name; *line (if given) is the offending line, 0 when the problem is the whole file.
 * booted_vm= records without a booted_plan= are dropped. On failure *s is an empty state.
 * Parsed in place: the bytes of tokens past its string are not cleared (never read them).
 */
int hp_state_parse(const char *text, struct hp_state *s, unsigned *line);

/*
 * hp_state_parse_head - the same, reading no further than the first record: s->vms,
 * s->booted and s->booted_plan stay empty. The records come last, each line beginning with
 * one of hp_state_record_starts (NULL-terminated): a text cut before the first such line
 * gives the same head (what the generator reads: sys/path.h hp_read_text_until()).
 */
extern const char *const hp_state_record_starts[];

int hp_state_parse_head(const char *text, struct hp_state *s, unsigned *line);

/*
 * hp_state_records - the records of the plan id names: s->vms when it is plan_id, s->booted
 * when it is booted_plan; NULL when s holds none for it.
 */
const struct hp_recs *hp_state_records(const struct hp_state *s, const char *id);

/* hp_state_free - the records; the rest needs no freeing. s is left empty. */
void hp_state_free(struct hp_state *s);

#endif

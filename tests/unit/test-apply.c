// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The decisions of apply and remove (core/apply.h), as tables: every row is one situation
 * (old state, the file now, the plan, the boot loader, the options, and what the write and
 * the update then did) with what the rules in core/apply.h say must happen. The expected
 * values are the rules written out by hand, row by row, not the code's output. After the
 * tables, two sweeps over every combination check what must hold whatever the row: --root
 * and --no-update never run the update, a recorded state fed back in changes nothing, ...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp-test.h"

#include "core/apply.h"
#include "core/blsapply.h"
#include "core/grub-snippet.h"
#include "core/pathnames.h"

#define ID	"0011223344556677"
#define TOKS	"default_hugepagesz=1G hugepagesz=1G hugepages=4 hugeplan.plan=" ID
#define OTHERS	"default_hugepagesz=2M hugepagesz=2M hugepages=512 hugeplan.plan=8899aabbccddeeff"
#define CMD	"/usr/sbin/update-grub"
#define NOW	"2026-12-01T00:00:00Z"
#define BEFORE	"2026-01-01T00:00:00Z"
#define PROC	"BOOT_IMAGE=/vmlinuz-6.1.0 root=/dev/vda1 ro initrd=/initrd.img quiet hugepages=8"
#define KCMD	"root=/dev/vda1 ro quiet"
#define KCMD_IN "root=/dev/vda1 ro quiet " TOKS "\n"

static const char *const toks[] = {
	"default_hugepagesz=1G",
	"hugepagesz=1G",
	"hugepages=4",
	"hugeplan.plan=" ID,
};

/* --- the old state */
enum old_kind {
	O_NONE = 0,	/* no state file */
	O_GRUB_DONE,	/* grub, these tokens, the menu regenerated */
	O_GRUB_DONE_X,	/* grub, other tokens, regenerated */
	O_GRUB_PEND,	/* grub, these tokens, the update failed or was skipped */
	O_GRUB_PEND_X,	/* grub, other tokens, pending */
	O_GRUB_RM_PEND, /* what a remove whose update failed leaves: no tokens, pending */
	O_KI,		/* kernel-install, these tokens */
	O_KI_CREATED,	/* kernel-install, these tokens, apply created the file */
	O_KI_CREATED_X, /* kernel-install, other tokens, apply created the file */
};

static void add_rec(struct hp_recs *r, const char *line)
{
	assert_int_equal(hp_recs_parse_line(r, line, strlen(line)), 0);
}

static void old_state(enum old_kind k, struct hp_state *s)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->applied, BEFORE);
	strcpy(s->plan_id, ID);
	strcpy(s->summary, "4 x 1G; default 1G");
	switch (k) {
	case O_NONE:
		break;
	case O_GRUB_DONE:
	case O_GRUB_DONE_X:
	case O_GRUB_PEND:
	case O_GRUB_PEND_X:
	case O_GRUB_RM_PEND:
		strcpy(s->bootloader, "grub");
		strcpy(s->file, HP_P_GRUB_SNIPPET);
		strcpy(s->tokens, k == O_GRUB_DONE_X || k == O_GRUB_PEND_X ? OTHERS
				  : k == O_GRUB_RM_PEND			   ? ""
									   : TOKS);
		s->update =
			k == O_GRUB_DONE || k == O_GRUB_DONE_X ? HP_UPDATE_DONE : HP_UPDATE_PENDING;
		strcpy(s->update_note, CMD ": exit status 0");
		break;
	case O_KI:
	case O_KI_CREATED:
	case O_KI_CREATED_X:
		strcpy(s->bootloader, "kernel-install");
		strcpy(s->file, HP_P_KERNEL_CMDLINE);
		strcpy(s->tokens, k == O_KI_CREATED_X ? OTHERS : TOKS);
		s->update = HP_UPDATE_NONE;
		s->created_file = k != O_KI;
		strcpy(s->update_note,
		       "kernel-install reads " HP_P_KERNEL_CMDLINE " when it installs a kernel");
		break;
	}
}

/* --- the file now */
enum cur_kind {
	C_ABSENT = 0,
	C_SAME,	 /* what apply would write */
	C_OTHER, /* something else: an older snippet, or a command line with old words */
};

static char *snippet(void)
{
	char *s;

	assert_int_equal(hp_grub_snippet(toks, ARRAY_SIZE(toks), &s, NULL), 0);
	return s;
}

static const char *current(enum hp_bootloader bl, enum cur_kind c, char **own)
{
	*own = NULL;
	if (c == C_ABSENT)
		return NULL;
	if (bl == HP_BL_GRUB)
		return c == C_SAME ? (*own = snippet()) : "# an older snippet\n";
	return c == C_SAME ? KCMD_IN : "root=/dev/vda1 ro hugepages=16 quiet " OTHERS "\n";
}

struct arow {
	const char *name;
	/* in */
	enum hp_bootloader bl;
	enum old_kind old;
	enum cur_kind cur;
	bool noproc;  /* /proc/cmdline unreadable */
	bool nothing; /* the plan reserves nothing */
	bool root, no_update;
	enum hp_update_outcome outcome; /* what the update does when it runs */
	/* out */
	int ret;
	enum hp_file_action action;
	const char *text; /* the new text, when not the snippet */
	bool differs, created, pending, other;
	bool run;
	enum hp_update_why why;
	enum hp_update_state update; /* recorded */
	bool write;		     /* the state file is written */
	bool keep_time;		     /* ... keeping its time of apply */
	bool created_file;
};

#define GRUB HP_BL_GRUB
#define KI   HP_BL_KERNEL_INSTALL
#define W    HP_FILE_WRITE
#define RM   HP_FILE_REMOVE
#define KEEP HP_FILE_KEEP

// clang-format off
static const struct arow apply_rows[] = {
	/* GRUB: the first apply writes, regenerates, records */
	{ "grub first", GRUB, O_NONE, C_ABSENT, .outcome = HP_OUTCOME_DONE,
	  .action = W, .differs = true, .pending = true, .run = true, .why = HP_WHY_CHANGED,
	  .update = HP_UPDATE_DONE, .write = true },
	{ "grub first, update fails", GRUB, O_NONE, C_ABSENT, .outcome = HP_OUTCOME_FAILED,
	  .action = W, .differs = true, .pending = true, .run = true, .why = HP_WHY_CHANGED,
	  .update = HP_UPDATE_PENDING, .write = true },
	/* the same plan again, the menu known to match: nothing at all */
	{ "grub again, in sync", GRUB, O_GRUB_DONE, C_SAME,
	  .action = W, .why = HP_WHY_SKIP_UNCHANGED, .update = HP_UPDATE_DONE, .keep_time = true },
	/* the same plan, but the last update did not complete: regenerate, keep the time */
	{ "grub again, last update failed", GRUB, O_GRUB_PEND, C_SAME, .outcome = HP_OUTCOME_DONE,
	  .action = W, .pending = true, .run = true, .why = HP_WHY_LAST_FAILED,
	  .update = HP_UPDATE_DONE, .write = true, .keep_time = true },
	{ "grub again, last update failed, fails again", GRUB, O_GRUB_PEND, C_SAME,
	  .outcome = HP_OUTCOME_FAILED, .action = W, .pending = true, .run = true,
	  .why = HP_WHY_LAST_FAILED, .update = HP_UPDATE_PENDING, .keep_time = true },
	/* the snippet holds these tokens but no state says so: an apply stopped before its state */
	{ "grub, snippet written, no state", GRUB, O_NONE, C_SAME, .outcome = HP_OUTCOME_DONE,
	  .action = W, .pending = true, .run = true, .why = HP_WHY_UNRECORDED,
	  .update = HP_UPDATE_DONE, .write = true },
	/* ... or the state is of the old tokens: the new snippet went in, its state did not */
	{ "grub, snippet new, state old", GRUB, O_GRUB_DONE_X, C_SAME, .outcome = HP_OUTCOME_DONE,
	  .action = W, .pending = true, .run = true, .why = HP_WHY_UNRECORDED,
	  .update = HP_UPDATE_DONE, .write = true },
	/* a new plan */
	{ "grub, plan changed", GRUB, O_GRUB_DONE_X, C_OTHER, .outcome = HP_OUTCOME_DONE,
	  .action = W, .differs = true, .pending = true, .run = true, .why = HP_WHY_CHANGED,
	  .update = HP_UPDATE_DONE, .write = true },
	{ "grub, plan changed, last update pending", GRUB, O_GRUB_PEND_X, C_OTHER,
	  .outcome = HP_OUTCOME_DONE, .action = W, .differs = true, .pending = true, .run = true,
	  .why = HP_WHY_CHANGED, .update = HP_UPDATE_DONE, .write = true },
	/* offline image and --no-update: written, not regenerated, pending */
	{ "grub --root", GRUB, O_NONE, C_ABSENT, .root = true,
	  .action = W, .differs = true, .pending = true, .why = HP_WHY_SKIP_ROOT,
	  .update = HP_UPDATE_PENDING, .write = true },
	{ "grub --root again", GRUB, O_GRUB_PEND, C_SAME, .root = true,
	  .action = W, .pending = true, .why = HP_WHY_SKIP_ROOT,
	  .update = HP_UPDATE_PENDING, .keep_time = true },
	{ "grub --no-update", GRUB, O_GRUB_DONE_X, C_OTHER, .no_update = true,
	  .action = W, .differs = true, .pending = true, .why = HP_WHY_SKIP_NO_UPDATE,
	  .update = HP_UPDATE_PENDING, .write = true },
	{ "grub --no-update, in sync", GRUB, O_GRUB_DONE, C_SAME, .no_update = true,
	  .action = W, .why = HP_WHY_SKIP_NO_UPDATE, .update = HP_UPDATE_DONE, .keep_time = true },
	/* nothing planned: the snippet goes, the menu is regenerated */
	{ "grub, nothing planned", GRUB, O_GRUB_DONE_X, C_OTHER, .nothing = true,
	  .outcome = HP_OUTCOME_DONE, .action = RM, .differs = true, .pending = true, .run = true,
	  .why = HP_WHY_CHANGED, .update = HP_UPDATE_DONE, .write = true },
	/* nothing planned, nothing there, never applied: hugeplan leaves this menu alone */
	{ "grub, nothing planned, nothing there", GRUB, O_NONE, C_ABSENT, .nothing = true,
	  .action = RM, .why = HP_WHY_SKIP_UNCHANGED, .update = HP_UPDATE_DONE, .write = true },
	/* switching from kernel-install: the old words stay there, warned */
	{ "grub after kernel-install", GRUB, O_KI, C_ABSENT, .outcome = HP_OUTCOME_DONE,
	  .action = W, .differs = true, .pending = true, .other = true, .run = true,
	  .why = HP_WHY_CHANGED, .update = HP_UPDATE_DONE, .write = true },

	/* a file kernel-install's apply created is not GRUB's to carry over */
	{ "grub after a created kernel cmdline", GRUB, O_KI_CREATED, C_ABSENT,
	  .outcome = HP_OUTCOME_DONE, .action = W, .differs = true, .pending = true, .other = true,
	  .run = true, .why = HP_WHY_CHANGED, .update = HP_UPDATE_DONE, .write = true },

	/* kernel-install: no menu; the words replaced, every other word kept */
	{ "ki, a file with old words", KI, O_NONE, C_OTHER, .action = W,
	  .text = "root=/dev/vda1 ro quiet " TOKS "\n", .differs = true,
	  .update = HP_UPDATE_NONE, .write = true },
	{ "ki again", KI, O_KI, C_SAME, .action = W, .text = KCMD_IN, .update = HP_UPDATE_NONE,
	  .keep_time = true },
	/* no file: made from /proc/cmdline, less BOOT_IMAGE=, initrd= and old words */
	{ "ki, no file", KI, O_NONE, C_ABSENT, .action = W,
	  .text = "root=/dev/vda1 ro quiet " TOKS "\n", .differs = true, .created = true,
	  .update = HP_UPDATE_NONE, .write = true, .created_file = true },
	{ "ki, no file, no /proc/cmdline", KI, O_NONE, C_ABSENT, .noproc = true, .ret = -ENODATA },
	/* created before: the flag is carried over by later applies */
	{ "ki, created, plan changed", KI, O_KI_CREATED_X, C_OTHER, .action = W,
	  .text = "root=/dev/vda1 ro quiet " TOKS "\n", .differs = true,
	  .update = HP_UPDATE_NONE, .write = true, .created_file = true },
	{ "ki, created, again", KI, O_KI_CREATED, C_SAME, .action = W, .text = KCMD_IN,
	  .update = HP_UPDATE_NONE, .keep_time = true, .created_file = true },
	/* nothing planned: the words come out; no file and nothing planned: nothing to do */
	{ "ki, nothing planned", KI, O_KI, C_OTHER, .nothing = true, .action = W,
	  .text = "root=/dev/vda1 ro quiet\n", .differs = true, .update = HP_UPDATE_NONE,
	  .write = true },
	{ "ki, nothing planned, no file", KI, O_NONE, C_ABSENT, .nothing = true, .action = KEEP,
	  .update = HP_UPDATE_NONE, .write = true },
	/* --root and --no-update change nothing for kernel-install */
	{ "ki --root --no-update", KI, O_NONE, C_OTHER, .root = true, .no_update = true,
	  .action = W, .text = "root=/dev/vda1 ro quiet " TOKS "\n", .differs = true,
	  .update = HP_UPDATE_NONE, .write = true },
	/* switching from GRUB: its snippet stays, warned; a GRUB created flag does not carry */
	{ "ki after grub", KI, O_GRUB_DONE, C_OTHER, .action = W,
	  .text = "root=/dev/vda1 ro quiet " TOKS "\n", .differs = true, .other = true,
	  .update = HP_UPDATE_NONE, .write = true },
};
// clang-format on

struct apply_case {
	struct hp_state old;
	struct hp_apply_in in;
	char *own;
};

static void apply_in(const struct arow *t, struct apply_case *c)
{
	memset(c, 0, sizeof(*c));
	old_state(t->old, &c->old);
	c->in.bootloader = t->bl;
	c->in.old = t->old == O_NONE ? NULL : &c->old;
	c->in.current = current(t->bl, t->cur, &c->own);
	c->in.proc_cmdline = t->noproc ? NULL : PROC;
	c->in.toks = toks;
	c->in.nr_toks = t->nothing ? 0 : ARRAY_SIZE(toks);
	c->in.cmdline = t->nothing ? "" : TOKS;
	c->in.plan_id = t->nothing ? "" : ID;
	c->in.summary = "4 x 1G; default 1G";
	c->in.update.cmd = CMD;
	c->in.update.root = t->root ? "/mnt/image" : NULL;
	c->in.update.no_update = t->no_update;
}

static void test_apply_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(apply_rows); i++) {
		const struct arow *t = &apply_rows[i];
		struct apply_case c;
		struct hp_update_plan u;
		struct hp_apply a;
		struct hp_state st;
		enum hp_update_outcome outcome;
		bool write;
		int r;

		print_message("apply: %s\n", t->name);
		apply_in(t, &c);
		r = hp_apply_decide(&c.in, &a);
		assert_int_equal(r, t->ret);
		if (r < 0) {
			hp_apply_free(&a);
			free(c.own);
			continue;
		}
		assert_int_equal(a.change.action, t->action);
		assert_string_equal(a.change.file,
				    t->bl == GRUB ? HP_P_GRUB_SNIPPET : HP_P_KERNEL_CMDLINE);
		if (t->action == W && t->bl == KI) {
			assert_non_null(t->text);
			assert_string_equal(a.change.text, t->text);
		} else if (t->action == W) {
			char *s = snippet();

			assert_string_equal(a.change.text, s);
			free(s);
		} else {
			assert_null(a.change.text);
		}
		assert_int_equal(a.change.differs, t->differs);
		assert_int_equal(a.change.created, t->created);
		assert_int_equal(a.pending, t->pending);
		assert_int_equal(a.other_loader, t->other);

		/* the write finds what the text read said */
		hp_apply_update(&c.in, &a, a.change.differs, &u);
		assert_int_equal(u.run, t->run);
		if (t->bl == GRUB)
			assert_int_equal(u.why, t->why);
		else
			assert_int_equal(u.why, HP_WHY_NONE);
		assert_int_equal(u.note[0] != '\0', !u.run);
		outcome = u.run ? t->outcome : HP_OUTCOME_NOT_RUN;
		write = hp_apply_record(&c.in, &a, a.change.differs, outcome,
					u.run ? CMD ": exit status 0" : u.note, NOW, &st);
		assert_int_equal(write, t->write);
		assert_int_equal(st.update, t->update);
		assert_string_equal(st.applied, t->keep_time ? BEFORE : NOW);
		assert_int_equal(st.created_file, t->created_file);
		assert_string_equal(st.bootloader, t->bl == GRUB ? "grub" : "kernel-install");
		assert_string_equal(st.tokens, t->nothing ? "" : TOKS);
		hp_apply_free(&a);
		free(c.own);
	}
}

/* the notes name the command and, for an offline image, how to run it there */
static void test_apply_notes(void **state)
{
	const struct arow root = { "", GRUB, O_NONE, C_ABSENT, .root = true };
	const struct arow noup = { "", GRUB, O_NONE, C_ABSENT, .no_update = true };
	const struct arow same = { "", GRUB, O_GRUB_DONE, C_SAME, .root = false };
	const struct arow unrec = { "", GRUB, O_NONE, C_SAME, .root = false };
	const struct arow ki = { "", KI, O_KI, C_SAME, .root = false };
	struct apply_case c;
	struct hp_update_plan u;
	struct hp_apply a;

	(void)state;
	apply_in(&root, &c);
	assert_int_equal(hp_apply_decide(&c.in, &a), 0);
	hp_apply_update(&c.in, &a, true, &u);
	assert_string_equal(u.note,
			    "not running " CMD ": --root /mnt/image is an offline image; "
			    "run it inside the image (chroot /mnt/image " CMD ") before it boots");
	hp_apply_free(&a);
	apply_in(&noup, &c);
	assert_int_equal(hp_apply_decide(&c.in, &a), 0);
	hp_apply_update(&c.in, &a, true, &u);
	assert_string_equal(u.note,
			    "not running " CMD ": --no-update; run it before the next boot");
	hp_apply_free(&a);
	apply_in(&same, &c);
	assert_int_equal(hp_apply_decide(&c.in, &a), 0);
	hp_apply_update(&c.in, &a, false, &u);
	assert_string_equal(u.note, "not running " CMD ": nothing changed");
	hp_apply_free(&a);
	free(c.own);
	apply_in(&unrec, &c);
	assert_int_equal(hp_apply_decide(&c.in, &a), 0);
	hp_apply_update(&c.in, &a, false, &u);
	assert_string_equal(u.reason,
			    "no record that the boot menu was regenerated after " HP_P_GRUB_SNIPPET
			    " was written");
	hp_apply_free(&a);
	free(c.own);
	apply_in(&ki, &c);
	assert_int_equal(hp_apply_decide(&c.in, &a), 0);
	hp_apply_update(&c.in, &a, false, &u);
	assert_string_equal(u.note, "kernel-install reads " HP_P_KERNEL_CMDLINE
				    " when it installs a kernel");
	hp_apply_free(&a);
}

/* a command line that ends inside a quote: the tokens would become part of that value */
static void test_apply_open_quote(void **state)
{
	struct hp_apply_in in = {
		.bootloader = KI,
		.current = "root=/dev/vda1 foo=\"bar baz\n",
		.toks = toks,
		.nr_toks = ARRAY_SIZE(toks),
		.cmdline = TOKS,
		.plan_id = ID,
		.summary = "",
		.update = { .cmd = CMD },
	};
	struct hp_apply a;

	(void)state;
	assert_int_equal(hp_apply_decide(&in, &a), -EINVAL);
	hp_apply_free(&a);
}

/*
 * Over every combination of the table's inputs: what must hold whatever the case.
 *  - --root or --no-update: the update never runs;
 *  - the update runs only for GRUB, and then exactly when the file changed or was pending;
 *  - what apply records, fed back in as the old state with the file as it left it and the
 *    update done, changes nothing: no write, no update, no new state (idempotence);
 *  - a failed update is recorded pending; a done one done.
 */
static void test_apply_sweep(void **state)
{
	size_t n = 0;

	(void)state;
	for (int bl = GRUB; bl <= KI; bl++)
		for (int old = O_NONE; old <= O_KI_CREATED_X; old++)
			for (int cur = C_ABSENT; cur <= C_OTHER; cur++)
				for (int f = 0; f < 16; f++) {
					struct arow t = {
						.name = "sweep",
						.bl = (enum hp_bootloader)bl,
						.old = (enum old_kind)old,
						.cur = (enum cur_kind)cur,
						.nothing = f & 1,
						.root = f & 2,
						.no_update = f & 4,
						.outcome =
							f & 8 ? HP_OUTCOME_FAILED : HP_OUTCOME_DONE,
					};
					struct apply_case c, c2;
					struct hp_update_plan u, u2;
					struct hp_apply a, a2;
					struct hp_state st, st2;
					enum hp_update_outcome outcome;
					bool write;

					apply_in(&t, &c);
					assert_int_equal(hp_apply_decide(&c.in, &a), 0);
					hp_apply_update(&c.in, &a, a.change.differs, &u);
					if (t.root || t.no_update || bl == KI)
						assert_false(u.run);
					else
						assert_int_equal(u.run,
								 a.change.differs || a.pending);
					outcome = u.run ? t.outcome : HP_OUTCOME_NOT_RUN;
					write = hp_apply_record(&c.in, &a, a.change.differs,
								outcome, u.note, NOW, &st);
					if (outcome == HP_OUTCOME_FAILED)
						assert_int_equal(st.update, HP_UPDATE_PENDING);
					if (outcome == HP_OUTCOME_DONE)
						assert_int_equal(st.update, HP_UPDATE_DONE);
					if (a.change.differs)
						assert_true(write);

					/* again, from where this left things, the update done */
					if (outcome == HP_OUTCOME_FAILED || t.root || t.no_update)
						goto next;
					memset(&c2, 0, sizeof(c2));
					c2.in = c.in;
					c2.old = st;
					c2.in.old = &c2.old;
					c2.in.current = a.change.action == HP_FILE_WRITE
								? a.change.text
								: NULL;
					assert_int_equal(hp_apply_decide(&c2.in, &a2), 0);
					assert_false(a2.change.differs);
					assert_false(a2.pending);
					assert_false(a2.other_loader);
					hp_apply_update(&c2.in, &a2, false, &u2);
					assert_false(u2.run);
					assert_false(hp_apply_record(&c2.in, &a2, false,
								     HP_OUTCOME_NOT_RUN, u2.note,
								     "later", &st2));
					assert_string_equal(st2.applied, st.applied);
					hp_apply_free(&a2);
				next:
					hp_apply_free(&a);
					free(c.own);
					n++;
				}
	print_message("apply: %zu combinations swept\n", n);
}

/*
 * The per-VM records in the state: the plan's always; this boot's plan's when it is another
 * plan and the old state holds its records (as plan= or as booted_plan=); an apply that
 * changes nothing but the records rewrites the state, keeping its time.
 */
static void test_apply_records(void **state)
{
	static const char *const rec_now = "db1 libvirt 1048576:0:2 /etc/libvirt/qemu/db1.xml";
	static const char *const rec_old = "db1 libvirt 1048576:0:1 /etc/libvirt/qemu/db1.xml";
	static const char *const rec_older = "web files 2048:-:8 /etc/hugeplan/vms.d/web.conf";
	const struct arow t = { .name = "", .bl = GRUB, .old = O_GRUB_DONE, .cur = C_SAME };
	struct hp_recs now = { 0 };
	struct {
		const char *old_plan, *old_booted, *boot_id;
		bool old_has_now;	 /* the old state already holds today's records */
		const char *want_booted; /* booted_plan= recorded */
		const char *want_rec;	 /* its one record */
		bool write;
	} rows[] = {
		/* booted the old plan (other tokens), today's is ID: the old plan's records kept */
		{ "8899aabbccddeeff", "", "8899aabbccddeeff", false, "8899aabbccddeeff", rec_old,
		  true },
		/* applied twice before the reboot: the booted records carried over */
		{ ID, "8899aabbccddeeff", "8899aabbccddeeff", true, "8899aabbccddeeff", rec_older,
		  false },
		/* booted today's plan: nothing else to keep */
		{ ID, "8899aabbccddeeff", ID, true, "", NULL, true },
		/* a boot the old state knows nothing of, or none: nothing kept */
		{ "8899aabbccddeeff", "", "7777777777777777", false, "", NULL, true },
		{ ID, "", "", false, "", NULL, true },
	};

	(void)state;
	add_rec(&now, rec_now);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct apply_case c;
		struct hp_apply a;
		struct hp_state st;
		char *own;

		apply_in(&t, &c);
		strcpy(c.old.plan_id, rows[i].old_plan);
		add_rec(&c.old.vms, rows[i].old_has_now ? rec_now : rec_old);
		if (rows[i].old_booted[0]) {
			strcpy(c.old.booted_plan, rows[i].old_booted);
			add_rec(&c.old.booted, rec_older);
		}
		c.in.recs = &now;
		c.in.boot_id = rows[i].boot_id;
		own = c.own;
		assert_int_equal(hp_apply_decide(&c.in, &a), 0);
		assert_false(a.change.differs);
		assert_int_equal(
			hp_apply_record(&c.in, &a, false, HP_OUTCOME_NOT_RUN, "n", NOW, &st),
			rows[i].write);
		assert_string_equal(st.applied, BEFORE); /* the tokens did not change */
		assert_true(hp_recs_equal(&st.vms, &now));
		assert_string_equal(st.booted_plan, rows[i].want_booted);
		if (rows[i].want_rec) {
			assert_int_equal(st.booted.nr, 1);
			assert_int_equal(st.booted.parts[0].pages,
					 rows[i].want_rec == rec_old ? 1 : 8);
		} else {
			assert_int_equal(st.booted.nr, 0);
		}
		hp_state_free(&st);
		hp_state_free(&c.old);
		hp_apply_free(&a);
		free(own);
	}
	hp_recs_free(&now);
}

/* --- remove */

enum kcmd_kind {
	K_ABSENT = 0,
	K_WORDS,      /* the file with hugeplan's words */
	K_FALLBACK,   /* with hugeplan's words, otherwise what /proc/cmdline gives */
	K_ONLY_WORDS, /* nothing but hugeplan's words */
	K_CLEAN,      /* no hugeplan words in it */
	K_UNREADABLE, /* there, but it cannot be read */
	K_OPEN_QUOTE, /* ends inside a double quote */
};

static const char *kcmd_text(enum kcmd_kind k)
{
	switch (k) {
	case K_WORDS:
		return "root=/dev/vda1 ro quiet splash " TOKS "\n";
	case K_FALLBACK:
		return "root=/dev/vda1 ro quiet " TOKS "\n";
	case K_ONLY_WORDS:
		return TOKS "\n";
	case K_CLEAN:
		return "root=/dev/vda1 ro quiet\n";
	case K_OPEN_QUOTE:
		return "root=/dev/vda1 foo=\"bar " TOKS "\n";
	case K_ABSENT:
	case K_UNREADABLE:
		break;
	}
	return NULL;
}

struct rrow {
	const char *name;
	enum hp_bootloader want;
	enum old_kind old;
	bool snippet; /* the GRUB snippet is there */
	enum kcmd_kind kcmd;
	bool root, no_update;
	int ret;
	size_t nr;
	enum hp_bootloader bls[2];
	enum hp_file_action actions[2];
	bool differs[2];
	const char *text; /* the kernel-install change's new text, when written */
	bool kept, retry;
	/* with the grub change done as the text read says */
	bool run;
	enum hp_update_why why;
};

#define AUTO HP_BL_AUTO

// clang-format off
static const struct rrow remove_rows[] = {
	/* as recorded */
	{ "grub recorded", AUTO, O_GRUB_DONE, true, K_ABSENT, .nr = 1, .bls = { GRUB },
	  .actions = { RM }, .differs = { true }, .retry = true, .run = true, .why = HP_WHY_CHANGED },
	/* the snippet already gone, a GRUB state: grub.cfg may still hold the words */
	{ "grub recorded, snippet gone", AUTO, O_GRUB_DONE, false, K_ABSENT, .nr = 1,
	  .bls = { GRUB }, .actions = { RM }, .retry = true, .run = true, .why = HP_WHY_MAY_HOLD },
	/* what a remove whose update failed left: the next one finishes */
	{ "grub, removal pending", AUTO, O_GRUB_RM_PEND, false, K_ABSENT, .nr = 1,
	  .bls = { GRUB }, .actions = { RM }, .retry = true, .run = true,
	  .why = HP_WHY_LAST_FAILED },
	/* an apply's update failed, then remove: the words may be there */
	{ "grub, apply pending", AUTO, O_GRUB_PEND, true, K_ABSENT, .nr = 1, .bls = { GRUB },
	  .actions = { RM }, .differs = { true }, .retry = true, .run = true, .why = HP_WHY_CHANGED },
	/* ... and the snippet went by hand: the words may be in grub.cfg, not a failed removal */
	{ "grub, apply pending, snippet gone", AUTO, O_GRUB_PEND, false, K_ABSENT, .nr = 1,
	  .bls = { GRUB }, .actions = { RM }, .retry = true, .run = true, .why = HP_WHY_MAY_HOLD },
	{ "grub --root", AUTO, O_GRUB_DONE, true, K_ABSENT, .root = true, .nr = 1,
	  .bls = { GRUB }, .actions = { RM }, .differs = { true }, .retry = true,
	  .why = HP_WHY_SKIP_ROOT },
	{ "grub --no-update", AUTO, O_GRUB_DONE, false, K_ABSENT, .no_update = true, .nr = 1,
	  .bls = { GRUB }, .actions = { RM }, .retry = true, .why = HP_WHY_SKIP_NO_UPDATE },
	/* no state: wherever hugeplan's files are; no GRUB state, no retry */
	{ "no state, snippet there", AUTO, O_NONE, true, K_ABSENT, .nr = 1, .bls = { GRUB },
	  .actions = { RM }, .differs = { true }, .run = true, .why = HP_WHY_CHANGED },
	{ "no state, both there", AUTO, O_NONE, true, K_WORDS, .nr = 2, .bls = { GRUB, KI },
	  .actions = { RM, W }, .differs = { true, true },
	  .text = "root=/dev/vda1 ro quiet splash\n", .run = true, .why = HP_WHY_CHANGED },
	{ "no state, nothing there", AUTO, O_NONE, false, K_ABSENT, .nr = 0 },
	{ "no state, kernel cmdline clean", AUTO, O_NONE, false, K_CLEAN, .nr = 1, .bls = { KI },
	  .actions = { W }, .text = "root=/dev/vda1 ro quiet\n" },
	/* kernel-install recorded: the words out, every other word kept */
	{ "ki recorded", AUTO, O_KI, false, K_WORDS, .nr = 1, .bls = { KI }, .actions = { W },
	  .differs = { true }, .text = "root=/dev/vda1 ro quiet splash\n" },
	{ "ki recorded, file gone", AUTO, O_KI, false, K_ABSENT, .nr = 1, .bls = { KI },
	  .actions = { KEEP } },
	/* a file apply created: goes when what is left is the fallback or nothing */
	{ "ki created, untouched", AUTO, O_KI_CREATED, false, K_FALLBACK, .nr = 1, .bls = { KI },
	  .actions = { RM }, .differs = { true } },
	{ "ki created, only the words", AUTO, O_KI_CREATED, false, K_ONLY_WORDS, .nr = 1,
	  .bls = { KI }, .actions = { RM }, .differs = { true } },
	{ "ki created, edited since", AUTO, O_KI_CREATED, false, K_WORDS, .nr = 1, .bls = { KI },
	  .actions = { W }, .differs = { true }, .text = "root=/dev/vda1 ro quiet splash\n",
	  .kept = true },
	{ "ki not created, like the fallback", AUTO, O_KI, false, K_FALLBACK, .nr = 1,
	  .bls = { KI }, .actions = { W }, .differs = { true }, .text = "root=/dev/vda1 ro quiet\n" },
	/* as asked, whatever was recorded */
	{ "asked grub, ki recorded", GRUB, O_KI, true, K_WORDS, .nr = 1, .bls = { GRUB },
	  .actions = { RM }, .differs = { true }, .run = true, .why = HP_WHY_CHANGED },
	{ "asked ki, grub recorded", KI, O_GRUB_DONE, true, K_WORDS, .nr = 1, .bls = { KI },
	  .actions = { W }, .differs = { true }, .text = "root=/dev/vda1 ro quiet splash\n" },
	{ "asked grub, nothing there, no state", GRUB, O_NONE, false, K_ABSENT, .nr = 1,
	  .bls = { GRUB }, .actions = { RM } },
	/* refusals, only where the file is cleaned */
	{ "ki unreadable", AUTO, O_KI, false, K_UNREADABLE, .ret = -EACCES },
	{ "ki unreadable, grub recorded", AUTO, O_GRUB_DONE, true, K_UNREADABLE, .nr = 1,
	  .bls = { GRUB }, .actions = { RM }, .differs = { true }, .retry = true, .run = true,
	  .why = HP_WHY_CHANGED },
	{ "ki open quote", AUTO, O_KI, false, K_OPEN_QUOTE, .ret = -EINVAL },
};
// clang-format on

static void remove_in(const struct rrow *t, struct hp_state *old, struct hp_remove_in *in,
		      char **own)
{
	old_state(t->old, old);
	*in = (struct hp_remove_in){
		.old = t->old == O_NONE ? NULL : old,
		.want = t->want,
		.snippet_exists = t->snippet,
		.kernel_cmdline_exists = t->kcmd != K_ABSENT,
		.snippet = t->snippet ? (*own = snippet()) : (*own = NULL),
		.kernel_cmdline = kcmd_text(t->kcmd),
		.kernel_cmdline_err = t->kcmd == K_UNREADABLE ? -EACCES : 0,
		.proc_cmdline = PROC,
		.update = { .cmd = CMD,
			    .root = t->root ? "/mnt/image" : NULL,
			    .no_update = t->no_update },
	};
}

static void test_remove_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(remove_rows); i++) {
		const struct rrow *t = &remove_rows[i];
		struct hp_update_plan u;
		struct hp_remove_in in;
		struct hp_state old;
		struct hp_remove rm;
		bool grub_changed = false;
		char *own;
		int r;

		print_message("remove: %s\n", t->name);
		remove_in(t, &old, &in, &own);
		r = hp_remove_decide(&in, &rm);
		assert_int_equal(r, t->ret);
		if (r < 0) {
			assert_int_equal(rm.unreadable, t->kcmd == K_UNREADABLE);
			hp_remove_free(&rm);
			free(own);
			continue;
		}
		assert_int_equal(rm.nr, t->nr);
		assert_int_equal(rm.retry_update, t->retry);
		for (size_t k = 0; k < rm.nr; k++) {
			const struct hp_file_change *c = &rm.changes[k];

			assert_int_equal(c->bootloader, t->bls[k]);
			assert_string_equal(c->file, t->bls[k] == GRUB ? HP_P_GRUB_SNIPPET
								       : HP_P_KERNEL_CMDLINE);
			assert_int_equal(c->action, t->actions[k]);
			assert_int_equal(c->differs, t->differs[k]);
			assert_int_equal(c->kept_edited, t->kept && c->bootloader == KI);
			if (c->action == W)
				assert_string_equal(c->text, t->text);
			else
				assert_null(c->text);
			grub_changed |= c->bootloader == GRUB && c->differs;
		}
		hp_remove_update(&in, &rm, grub_changed, false, &u);
		assert_int_equal(u.run, t->run);
		assert_int_equal(u.why, t->why);
		assert_int_equal(u.note[0] != '\0',
				 t->why == HP_WHY_SKIP_ROOT || t->why == HP_WHY_SKIP_NO_UPDATE);
		hp_remove_free(&rm);
		free(own);
	}
}

/* over every combination: remove never leaves hugeplan's words, and never runs offline */
static void test_remove_sweep(void **state)
{
	size_t n = 0;

	(void)state;
	for (int want = AUTO; want <= KI; want++)
		for (int old = O_NONE; old <= O_KI_CREATED_X; old++)
			for (int k = K_ABSENT; k <= K_CLEAN; k++)
				for (int f = 0; f < 8; f++) {
					struct rrow t = {
						.want = (enum hp_bootloader)want,
						.old = (enum old_kind)old,
						.snippet = f & 1,
						.kcmd = (enum kcmd_kind)k,
						.root = f & 2,
						.no_update = f & 4,
					};
					struct hp_update_plan u;
					struct hp_remove_in in;
					struct hp_state st;
					struct hp_remove rm;
					bool grub = false;
					char *own;

					remove_in(&t, &st, &in, &own);
					assert_int_equal(hp_remove_decide(&in, &rm), 0);
					for (size_t i = 0; i < rm.nr; i++) {
						const struct hp_file_change *c = &rm.changes[i];

						if (c->action == W)
							assert_null(strstr(c->text, "hugep"));
						if (c->bootloader == GRUB)
							assert_int_not_equal(c->action, W);
						grub |= c->bootloader == GRUB;
					}
					hp_remove_update(&in, &rm, grub, false, &u);
					if (t.root || t.no_update)
						assert_false(u.run);
					if (u.run)
						assert_true(grub);
					hp_remove_free(&rm);
					free(own);
					n++;
				}
	print_message("remove: %zu combinations swept\n", n);
}

static void test_remove_record(void **state)
{
	struct hp_state st;

	(void)state;
	hp_remove_record(CMD ": exit status 1", NOW, &st);
	assert_string_equal(st.bootloader, "grub");
	assert_string_equal(st.file, HP_P_GRUB_SNIPPET);
	assert_string_equal(st.tokens, "");
	assert_int_equal(st.update, HP_UPDATE_PENDING);
	assert_string_equal(st.update_note, CMD ": exit status 1");
	assert_string_equal(st.applied, NOW);
}

/*
 * Issue 12 item 3: /etc/kernel/cmdline is made from what kernel-install's
 * 90-loaderentry.install reads without it: /usr/lib/kernel/cmdline first, else /proc/cmdline
 * less BOOT_IMAGE= and initrd=; from /proc/cmdline, its one-boot words are named. remove
 * compares with the same fallback.
 */
static void test_kernel_cmdline_base(void **state)
{
	const char *usr = "root=UUID=1234 ro splash hugepages=3\n";
	const char *proc = "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro single init=/bin/bash rd.break "
			   "systemd.unit=rescue.target quiet";
	struct hp_apply_in in = {
		.bootloader = HP_BL_KERNEL_INSTALL,
		.proc_cmdline = proc,
		.usr_lib_cmdline = usr,
		.toks = toks,
		.nr_toks = 4,
		.cmdline = TOKS,
		.plan_id = ID,
		.summary = "x",
		.update = { .cmd = CMD },
	};
	struct hp_state old;
	struct hp_remove_in rin;
	struct hp_remove rm;
	struct hp_apply a;

	(void)state;
	assert_int_equal(hp_apply_decide(&in, &a), 0);
	assert_true(a.change.created);
	assert_string_equal(a.change.base, HP_P_USRLIB_KERNEL_CMDLINE);
	assert_string_equal(a.change.text, "root=UUID=1234 ro splash " TOKS "\n");
	assert_string_equal(a.change.oneoff, "");
	hp_apply_free(&a);

	in.usr_lib_cmdline = NULL;
	assert_int_equal(hp_apply_decide(&in, &a), 0);
	assert_string_equal(a.change.base, HP_P_CMDLINE);
	assert_string_equal(a.change.text, "root=/dev/vda1 ro single init=/bin/bash rd.break "
					   "systemd.unit=rescue.target quiet " TOKS "\n");
	assert_string_equal(a.change.oneoff,
			    "single init=/bin/bash rd.break systemd.unit=rescue.target");
	hp_apply_free(&a);

	/* remove: the created file goes when it is the fallback kernel-install would use */
	old_state(O_KI_CREATED, &old);
	rin = (struct hp_remove_in){
		.old = &old,
		.want = HP_BL_AUTO,
		.kernel_cmdline_exists = true,
		.kernel_cmdline = "root=UUID=1234 ro splash " TOKS "\n",
		.proc_cmdline = proc,
		.usr_lib_cmdline = usr,
		.update = { .cmd = CMD },
	};
	assert_int_equal(hp_remove_decide(&rin, &rm), 0);
	assert_int_equal(rm.nr, 1);
	assert_int_equal(rm.changes[0].action, HP_FILE_REMOVE);
	hp_remove_free(&rm);
	/* what /proc/cmdline gives is not the fallback while /usr/lib/kernel/cmdline is there */
	rin.kernel_cmdline = "root=/dev/vda1 ro single init=/bin/bash rd.break "
			     "systemd.unit=rescue.target quiet " TOKS "\n";
	assert_int_equal(hp_remove_decide(&rin, &rm), 0);
	assert_int_equal(rm.changes[0].action, HP_FILE_WRITE);
	assert_true(rm.changes[0].kept_edited);
	hp_remove_free(&rm);
	rin.usr_lib_cmdline = NULL;
	assert_int_equal(hp_remove_decide(&rin, &rm), 0);
	assert_int_equal(rm.changes[0].action, HP_FILE_REMOVE);
	hp_remove_free(&rm);
}

/*
 * bls: kernel-install's file as for kernel-install, and every managed entry with its record
 * (core/blsapply.h has the entry rules); no boot menu; the state names $BOOT and the token;
 * coming from kernel-install is no other boot loader (the same file), and its created flag
 * carries over. remove without --bootloader takes the entries too.
 */
static void test_apply_bls(void **state)
{
#define ENTRY_OPTS(o) "title T\nversion 6.1.0\noptions " o "\nlinux /m/6.1.0/linux\n"
	struct hp_bls_found e = { .name = "m-6.1.0.conf",
				  .path = "/boot/loader/entries/m-6.1.0.conf",
				  .text = ENTRY_OPTS("root=/dev/vda1 hugepages=8"),
				  .ours = true,
				  .managed = true };
	struct hp_bls_in bls = {
		.entries = &e, .nr_entries = 1, .toks = toks, .nr_toks = ARRAY_SIZE(toks)
	};
	struct hp_state old, st;
	struct hp_apply_in in = {
		.bootloader = HP_BL_BLS,
		.old = &old,
		.current = KCMD "\n",
		.toks = toks,
		.nr_toks = ARRAY_SIZE(toks),
		.cmdline = TOKS,
		.plan_id = ID,
		.summary = "",
		.update = { .cmd = CMD },
		.bls = &bls,
		.boot = "/boot",
		.entry_token = "m",
	};
	struct hp_remove_in rin = { .old = NULL, .want = HP_BL_AUTO, .bls = &bls };
	struct hp_update_plan u;
	struct hp_remove rm;
	struct hp_apply a;
	size_t entries = 0;

	(void)state;
	old_state(O_KI_CREATED, &old);
	assert_int_equal(hp_apply_decide(&in, &a), 0);
	assert_string_equal(a.change.file, HP_P_KERNEL_CMDLINE);
	assert_string_equal(a.change.text, KCMD_IN);
	assert_false(a.other_loader);
	assert_false(a.pending);
	for (size_t i = 0; i < a.entries.n; i++) {
		if (a.entries.v[i].kind != HP_CHANGE_ENTRY)
			continue;
		entries++;
		assert_string_equal(a.entries.v[i].text, ENTRY_OPTS("root=/dev/vda1 " TOKS));
	}
	assert_int_equal(entries, 1);
	assert_int_equal(hp_file_changes_differ(&a.entries, HP_CHANGE_ENTRY), 1);
	assert_int_equal(hp_file_changes_differ(&a.entries, HP_CHANGE_RECORD), 3);
	hp_apply_update(&in, &a, true, &u);
	assert_false(u.run);
	assert_int_equal(u.why, HP_WHY_NONE);
	assert_true(hp_apply_record(&in, &a, true, HP_OUTCOME_NOT_RUN, u.note, NOW, &st));
	assert_string_equal(st.bootloader, "bls");
	assert_string_equal(st.boot, "/boot");
	assert_string_equal(st.entry_token, "m");
	assert_int_equal(st.update, HP_UPDATE_NONE);
	assert_true(st.created_file);
	hp_apply_free(&a);

	/* from GRUB: the snippet stays, said */
	old_state(O_GRUB_DONE, &old);
	assert_int_equal(hp_apply_decide(&in, &a), 0);
	assert_true(a.other_loader);
	hp_apply_free(&a);

	/* an entry whose options end inside a quote: refused, named */
	e.text = ENTRY_OPTS("root=/dev/vda1 x=\"y");
	assert_int_equal(hp_apply_decide(&in, &a), -EINVAL);
	assert_string_equal(a.bad_entry, "m-6.1.0.conf");
	assert_int_equal(a.bad_line, 3);
	hp_apply_free(&a);

	/* remove, asked nothing: the entry that holds hugeplan's words is cleaned */
	e.text = ENTRY_OPTS("root=/dev/vda1 " TOKS);
	assert_int_equal(hp_remove_decide(&rin, &rm), 0);
	assert_int_equal(rm.nr, 0);
	assert_int_equal(rm.entries.n, 1);
	assert_string_equal(rm.entries.v[0].text, ENTRY_OPTS("root=/dev/vda1"));
	hp_remove_free(&rm);
	/* ... not with --bootloader=grub */
	rin.want = HP_BL_GRUB;
	assert_int_equal(hp_remove_decide(&rin, &rm), 0);
	assert_int_equal(rm.entries.n, 0);
	hp_remove_free(&rm);
#undef ENTRY_OPTS
}

/*
 * Proxmox VE (/etc/kernel/proxmox-boot-uuids): proxmox-boot-tool refresh copies the kernels
 * and /etc/kernel/cmdline to its ESPs. For kernel-install it runs by the GRUB update's rules
 * and its outcome is recorded as GRUB's is; with GRUB it runs after update-grub.
 */
#define REFRESH "/usr/sbin/proxmox-boot-tool refresh"
static void test_apply_refresh(void **state)
{
	struct hp_state old, st;
	struct hp_apply_in in = {
		.bootloader = KI,
		.current = "root=/dev/vda1 ro quiet\n",
		.toks = toks,
		.nr_toks = ARRAY_SIZE(toks),
		.cmdline = TOKS,
		.plan_id = ID,
		.summary = "",
		.update = { .cmd = CMD, .refresh = REFRESH },
	};
	struct hp_remove_in rin = { .want = KI,
				    .kernel_cmdline_exists = true,
				    .kernel_cmdline = KCMD_IN,
				    .update = in.update };
	struct hp_update_plan u;
	struct hp_remove rm;
	struct hp_apply a;

	(void)state;
	/* the first apply: the file changes, the refresh runs; its outcome is the state's */
	assert_int_equal(hp_apply_decide(&in, &a), 0);
	assert_true(a.change.differs);
	assert_true(a.pending);
	hp_apply_update(&in, &a, true, &u);
	assert_true(u.run);
	assert_false(u.menu);
	assert_true(u.refresh);
	assert_int_equal(u.why, HP_WHY_CHANGED);
	assert_true(hp_apply_record(&in, &a, true, HP_OUTCOME_DONE, REFRESH ": exit status 0", NOW,
				    &st));
	assert_int_equal(st.update, HP_UPDATE_DONE);
	assert_true(hp_apply_record(&in, &a, true, HP_OUTCOME_FAILED, REFRESH ": exit status 1",
				    NOW, &st));
	assert_int_equal(st.update, HP_UPDATE_PENDING);
	hp_apply_free(&a);

	/* again, done: nothing runs; again after a failed refresh: it runs */
	old_state(O_KI, &old);
	old.update = HP_UPDATE_DONE;
	in.old = &old;
	in.current = KCMD_IN;
	assert_int_equal(hp_apply_decide(&in, &a), 0);
	assert_false(a.change.differs);
	assert_false(a.pending);
	hp_apply_update(&in, &a, false, &u);
	assert_false(u.run);
	assert_int_equal(u.why, HP_WHY_SKIP_UNCHANGED);
	assert_string_equal(u.note, "not running " REFRESH ": nothing changed");
	hp_apply_free(&a);
	old.update = HP_UPDATE_PENDING;
	assert_int_equal(hp_apply_decide(&in, &a), 0);
	assert_true(a.pending);
	hp_apply_update(&in, &a, false, &u);
	assert_true(u.refresh);
	assert_int_equal(u.why, HP_WHY_LAST_FAILED);
	hp_apply_free(&a);

	/* an offline image: not run, pending */
	in.update.root = "/mnt/image";
	assert_int_equal(hp_apply_decide(&in, &a), 0);
	hp_apply_update(&in, &a, true, &u);
	assert_false(u.run);
	assert_int_equal(u.why, HP_WHY_SKIP_ROOT);
	assert_non_null(strstr(u.note, "chroot /mnt/image " REFRESH));
	assert_true(hp_apply_record(&in, &a, true, HP_OUTCOME_NOT_RUN, u.note, NOW, &st));
	assert_int_equal(st.update, HP_UPDATE_PENDING);
	hp_apply_free(&a);
	in.update.root = NULL;

	/* GRUB on Proxmox: update-grub, then the refresh */
	in.bootloader = GRUB;
	in.old = NULL;
	in.current = NULL;
	assert_int_equal(hp_apply_decide(&in, &a), 0);
	hp_apply_update(&in, &a, true, &u);
	assert_true(u.menu);
	assert_true(u.refresh);
	hp_apply_free(&a);
	in.update.no_update = true;
	assert_int_equal(hp_apply_decide(&in, &a), 0);
	hp_apply_update(&in, &a, true, &u);
	assert_string_equal(u.note, "not running " CMD " and " REFRESH
				    ": --no-update; run it before the next boot");
	hp_apply_free(&a);

	/* remove: the words out of /etc/kernel/cmdline, then the refresh */
	assert_int_equal(hp_remove_decide(&rin, &rm), 0);
	assert_int_equal(rm.nr, 1);
	hp_remove_update(&rin, &rm, false, true, &u);
	assert_true(u.run);
	assert_false(u.menu);
	assert_true(u.refresh);
	hp_remove_update(&rin, &rm, false, false, &u);
	assert_false(u.run);
	hp_remove_free(&rm);
	/* without Proxmox nothing runs for kernel-install */
	rin.update.refresh = NULL;
	assert_int_equal(hp_remove_decide(&rin, &rm), 0);
	hp_remove_update(&rin, &rm, false, true, &u);
	assert_false(u.run);
	hp_remove_free(&rm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_table),	 cmocka_unit_test(test_apply_notes),
		cmocka_unit_test(test_apply_open_quote), cmocka_unit_test(test_apply_sweep),
		cmocka_unit_test(test_remove_table),	 cmocka_unit_test(test_remove_sweep),
		cmocka_unit_test(test_remove_record),	 cmocka_unit_test(test_kernel_cmdline_base),
		cmocka_unit_test(test_apply_records),	 cmocka_unit_test(test_apply_bls),
		cmocka_unit_test(test_apply_refresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

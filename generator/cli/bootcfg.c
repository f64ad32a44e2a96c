// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/bootcfg.h"
#include "core/bls.h"
#include "core/blsapply.h"
#include "core/cmdline-edit.h"
#include "core/kcmdline.h"
#include "core/macro.h"
#include "sys/atomic-file.h"
#include "sys/bootloader.h"
#include "sys/lock.h"
#include "sys/path.h"
#include "sys/root.h"

#define TEXT_MAX (1U << 20)
#define CMD_MAX	 512

enum {
	OPT_BOOTLOADER = OPT_CLI_LAST,
	OPT_NO_UPDATE,
	OPT_WAIT,
};

void bootcfg_error(const struct bootcfg_opts *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", program_invocation_short_name, o->cli.cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(bool apply)
{
	const char *cmd = apply ? "apply" : "remove";

	printf("Usage:\n %s %s [options]\n\n", program_invocation_short_name, cmd);
	if (apply)
		printf("Write the plan's kernel arguments to the boot loader configuration, then\n"
		       "regenerate the boot menu. With an unchanged plan nothing is rewritten.\n");
	else
		printf("Take hugeplan's kernel arguments out of the boot loader configuration\n"
		       "again, then regenerate the boot menu.\n");
	printf("\nOptions:\n"
	       "     --bootloader B  grub, bls, kernel-install or auto (default: auto, or\n"
	       "                     for remove what apply recorded)\n"
	       "     --no-update     do not run update-grub / grub-mkconfig (nor\n"
	       "                     proxmox-boot-tool refresh)\n"
	       "  -n, --dry-run      print the files, the command and why, write nothing\n"
	       "     --wait SECONDS  wait that long for another apply or remove to finish\n"
	       "                     (default 120; 0: do not wait)\n"
	       "     --root DIR      an offline image: files and state under DIR, no update\n");
	if (apply)
		printf("     --config DIR    read the configuration from DIR only\n"
		       "     --kver VER      plan for kernel version VER (default: the one that\n"
		       "                     boots next)\n"
		       "     --balanced      accept the balanced form on kernels before 5.16\n");
	printf("  -h, --help         display this help\n"
	       "\nFiles: %s (GRUB), %s (kernel-install, bls),\n"
	       "$BOOT/loader/entries/*.conf (bls), %s (what was applied).\n"
	       "\nExit status: 0 done or unchanged, %s2 invalid configuration or usage, or\n"
	       "a step that failed (the message names it).\n\nSee hugeplan(8).\n",
	       HP_P_GRUB_SNIPPET, HP_P_KERNEL_CMDLINE, HP_P_STATE_FILE,
	       apply ? "1 the plan does not fit or 'hugeplan check' finds\nerrors (nothing written), "
		     : "");
}

int bootcfg_parse(int argc, char **argv, struct bootcfg_opts *o, bool apply)
{
	static const struct option longopts[] = {
		HP_CLI_COMMON_OPTIONS,
		{ "bootloader", required_argument, NULL, OPT_BOOTLOADER },
		{ "no-update", no_argument, NULL, OPT_NO_UPDATE },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = apply ? "apply" : "remove";
	int c;

	memset(o, 0, sizeof(*o));
	o->cli.cmd = cmd;
	o->wait_s = BOOTCFG_WAIT;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+hn", longopts, NULL)) != -1) {
		if (c == OPT_ROOT || (apply && hp_cli_common_opt(&o->cli, c, optarg))) {
			o->cli.root = c == OPT_ROOT ? optarg : o->cli.root;
			continue;
		}
		switch (c) {
		case OPT_BOOTLOADER:
			if (hp_bootloader_parse(optarg, &o->want) < 0)
				return hp_cli_usage_error(
					cmd,
					"--bootloader=%s: expected grub, bls, kernel-install or auto",
					optarg);
			o->want_set = o->want != HP_BL_AUTO;
			break;
		case OPT_NO_UPDATE:
			o->no_update = true;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case OPT_WAIT: {
			unsigned long v;
			char *end;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || optarg[0] == '-' || errno || v > BOOTCFG_WAIT_MAX)
				return hp_cli_usage_error(cmd,
							  "--wait=%s: expected seconds, 0 to %d",
							  optarg, BOOTCFG_WAIT_MAX);
			o->wait_s = (unsigned)v;
			break;
		}
		case 'h':
			usage(apply);
			return -1;
		case '?':
			return EXIT_USAGE;
		default:
			return hp_cli_usage_error(cmd, "unrecognized option '%s'",
						  argv[optind - 1]);
		}
	}
	if (optind < argc)
		return hp_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	o->cli.want = o->want;
	if (o->cli.root && (!*o->cli.root || streq(o->cli.root, "/")))
		o->cli.root = NULL;
	return 0;
}

struct lock_wait {
	const struct bootcfg_opts *o;
	const char *path;
};

/* "PID 123 (/usr/sbin/hugeplan apply --root /mnt), started 2026-11-26T06:40:00Z", escaped */
static void holder_text(const struct hp_lock_holder *h, char *buf, size_t len)
{
	char cmd[300];

	if (!h->pid) {
		snprintf(buf, len, "a process not visible here (another PID namespace)");
		return;
	}
	hp_escape(cmd, sizeof(cmd), h->command);
	snprintf(buf, len, "PID %ld (%s), started %s", h->pid, cmd[0] ? cmd : "?",
		 h->since[0] ? h->since : "?");
}

static void waiting(const struct hp_lock_holder *h, void *ctx)
{
	const struct lock_wait *w = ctx;
	char who[400];

	holder_text(h, who, sizeof(who));
	bootcfg_error(w->o, "waiting for %s, held by %s", w->path, who);
}

int bootcfg_lock(const struct bootcfg_opts *o, struct hp_lock *l)
{
	char path[BOOTCFG_PATH_MAX], who[400];
	struct lock_wait w = { o, path };
	struct hp_lock_holder h;
	int r;

	*l = (struct hp_lock)HP_LOCK_INIT;
	if (o->dry_run)
		return 0;
	bootcfg_path(o, HP_P_LOCK_FILE, path, sizeof(path));
	r = hp_lock_take(l, o->cli.root, o->wait_s * 1000U, waiting, &w, &h);
	if (r == 0)
		return 0;
	if (r == -EWOULDBLOCK) {
		holder_text(&h, who, sizeof(who));
		bootcfg_error(
			o,
			"%s is held by %s; gave up after %u s: nothing written (run again later, or wait longer with --wait=SECONDS)",
			path, who, o->wait_s);
	} else if (r == -ENOTUNIQ) {
		bootcfg_error(
			o,
			"%s is not hugeplan's lock (a regular file of root's with one link): nothing written; move it away",
			path);
	} else {
		bootcfg_error(o, "%s: cannot take the lock: %s; nothing written", path,
			      hp_strerror(r));
	}
	return EXIT_ERROR;
}

const char *bootcfg_path(const struct bootcfg_opts *o, const char *file, char *buf, size_t len)
{
	hp_path(buf, len, o->cli.root, "%s", file);
	return buf;
}

int bootcfg_read(const struct bootcfg_opts *o, const char *file, char **text)
{
	char p[BOOTCFG_PATH_MAX];
	int r;

	*text = NULL;
	r = hp_read_text(o->cli.root, text, NULL, TEXT_MAX, "%s", file);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		bootcfg_error(o, "%s: cannot read: %s", bootcfg_path(o, file, p, sizeof(p)),
			      hp_strerror(r));
		return EXIT_ERROR;
	}
	return 0;
}

int bootcfg_read_state(const struct bootcfg_opts *o, struct hp_state *s)
{
	_cleanup_free_ char *text = NULL;
	char path[BOOTCFG_PATH_MAX];
	unsigned line = 0;
	int r;

	r = bootcfg_read(o, HP_P_STATE_FILE, &text);
	if (r)
		return r;
	if (!text)
		return 0;
	if (hp_state_parse(text, s, &line) < 0) {
		bootcfg_error(o, "%s:%u: not a hugeplan state file; move it away",
			      bootcfg_path(o, HP_P_STATE_FILE, path, sizeof(path)), line);
		return EXIT_ERROR;
	}
	return 1;
}

static void print_cmd(const char *const *argv, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "", argv[i]);
}

void bootcfg_update_opts(const struct bootcfg_opts *o, const struct hp_boot_facts *f,
			 struct hp_update_opts *u, char *cmd, size_t len)
{
	const char *argv[4];

	snprintf(cmd, len, "update-grub");
	if (hp_grub_update_argv(f, HP_P_GRUB_CFG, argv) == 0)
		print_cmd(argv, cmd, len);
	u->cmd = cmd;
	u->root = o->cli.root;
	u->no_update = o->no_update;
	u->refresh = NULL;
	if (f->proxmox_uuids) {
		size_t n = strlen(cmd) + 1;

		snprintf(cmd + n, len - n, "%s refresh",
			 f->proxmox_boot_tool[0] ? f->proxmox_boot_tool : HP_P_PROXMOX_BOOT);
		u->refresh = cmd + n;
	}
}

/* write (text) or remove file (as on the system) beneath root; 0 or -errno with *step */
static int carry_out(const char *root, const char *file, const struct hp_file_change *c,
		     enum hp_af_step *step)
{
	char dir[BOOTCFG_PATH_MAX], *slash;
	int r;

	if (c->action == HP_FILE_REMOVE)
		return hp_atomic_remove(root, file, step);
	if (c->action == HP_FILE_RMDIR)
		return hp_atomic_rmdir(root, file, step);
	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	r = hp_root_mkdirs(root, dir);
	if (r < 0) {
		*step = HP_AF_MKDIR;
		return r;
	}
	return hp_atomic_write(root, file, c->text, c->len, 0644, step);
}

int bootcfg_commit(const struct bootcfg_opts *o, const struct hp_file_change *c, bool *changed)
{
	enum hp_af_step step = HP_AF_NONE;
	char path[BOOTCFG_PATH_MAX];
	int r;

	bootcfg_path(o, c->file, path, sizeof(path));
	r = carry_out(o->cli.root, c->file, c, &step);
	if (r >= 0) {
		*changed = r == HP_AF_WRITTEN;
		return 0;
	}
	/* past the rename (or unlink), the change is in place */
	*changed = step == HP_AF_DIR_SYNC;
	if (step == HP_AF_DIR_SYNC)
		bootcfg_error(
			o, "%s: %s: %s: the change is made but may not survive a crash; run sync",
			path, hp_af_step_name(step), hp_strerror(r));
	else
		bootcfg_error(o, "%s: %s: %s; the file is as it was", path, hp_af_step_name(step),
			      hp_strerror(r));
	return EXIT_ERROR;
}

/* the options of an entry's text, joined as systemd joins them ("" when none) */
static char *entry_options(const char *text)
{
	struct hp_bls_entry e;
	char *opts = NULL;

	if (text && hp_bls_parse(text, &e) == 0)
		opts = strdup(e.options);
	hp_bls_entry_free(&e);
	return opts;
}

/* the owned words of an entry's options (as the kernel splits them), blank-separated */
static void owned_in(const char *text, char *out, size_t len)
{
	struct hp_bls_entry e;
	const char *p;
	size_t k, o = 0;

	out[0] = '\0';
	if (hp_bls_parse(text, &e) == 0)
		for (p = e.options; (p = hp_kword(p, &k)); p += k)
			if (hp_word_owned(p, k) && o + k + 2 < len)
				o += (size_t)snprintf(out + o, len - o, "%s%.*s", o ? " " : "",
						      (int)k, p);
	hp_bls_entry_free(&e);
}

/*
 * grubby (Fedora, RHEL) edits the entry: --update-kernel names it by its kernel as grubby
 * shows it ($BOOT and the entry's linux path), the owned words it has go, the tokens come.
 * Then the entry is read back: it must hold exactly the tokens. 0 and *text (malloc'd),
 * or EXIT_ERROR after the message.
 */
static int grubby_edit(const struct bootcfg_opts *o, const struct bootcfg_grubby *g,
		       const struct hp_file_change *c, char **text)
{
	_cleanup_free_ char *old = NULL, *check = NULL;
	char kernel[BOOTCFG_PATH_MAX], rm[2048], add[2048], karg[BOOTCFG_PATH_MAX + 32], rarg[2100],
		aarg[2100], path[BOOTCFG_PATH_MAX];
	const char *argv[6];
	struct hp_bls_entry e;
	size_t n = 0;
	int r;

	bootcfg_path(o, c->file, path, sizeof(path));
	if (bootcfg_read(o, c->file, &old) || !old)
		return EXIT_ERROR;
	if (hp_bls_parse(old, &e) < 0 || !e.linux_path[0]) {
		hp_bls_entry_free(&e);
		bootcfg_error(o, "%s: no linux line for grubby to name the entry by", path);
		return EXIT_ERROR;
	}
	snprintf(kernel, sizeof(kernel), "%s%s", startswith(e.linux_path, g->boot) ? "" : g->boot,
		 e.linux_path);
	hp_bls_entry_free(&e);
	owned_in(old, rm, sizeof(rm));
	add[0] = '\0';
	for (size_t i = 0; i < g->nr_toks; i++)
		n += (size_t)snprintf(add + n, sizeof(add) - n, "%s%s", i ? " " : "", g->toks[i]);
	snprintf(karg, sizeof(karg), "--update-kernel=%s", kernel);
	snprintf(aarg, sizeof(aarg), "--args=%s", add);
	snprintf(rarg, sizeof(rarg), "--remove-args=%s", rm);
	argv[0] = g->path;
	argv[1] = karg;
	argv[2] = rm[0] ? rarg : aarg;
	argv[3] = rm[0] ? aarg : NULL;
	argv[4] = NULL;
	r = bootcfg_run_step(
		o, argv,
		"the entry is not known to hold hugeplan's arguments: run 'hugeplan apply' again",
		NULL, 0);
	if (r)
		return r;
	if (bootcfg_read(o, c->file, text) || !*text)
		return EXIT_ERROR;
	/* exactly the tokens now: hugeplan's own edit would leave it as it is */
	r = hp_bls_edit(*text, g->toks, g->nr_toks, &check, NULL);
	if (r < 0 || !streq(check, *text)) {
		bootcfg_error(
			o,
			"%s: after %s the options do not hold exactly hugeplan's arguments; see 'grubby --info=%s'",
			path, g->path, kernel);
		free(*text);
		*text = NULL;
		return EXIT_ERROR;
	}
	return 0;
}

/* a record's "after" followed by its entry's change (core/blsapply.h writes it so) */
static bool after_then_entry(const struct hp_file_changes *cs, size_t i)
{
	const struct hp_file_change *c = &cs->v[i];
	const char *base = strrchr(c->file, '/');

	return c->kind == HP_CHANGE_RECORD && c->action == HP_FILE_WRITE && base &&
	       streq(base + 1, HP_BLS_REC_AFTER) && i + 1 < cs->n &&
	       cs->v[i + 1].kind == HP_CHANGE_ENTRY && cs->v[i + 1].differs;
}

int bootcfg_commit_entries(const struct bootcfg_opts *o, const struct hp_file_changes *cs,
			   const struct bootcfg_grubby *grubby, size_t *changed)
{
	char path[BOOTCFG_PATH_MAX];

	*changed = 0;
	for (size_t i = 0; i < cs->n; i++) {
		const struct hp_file_change *c = &cs->v[i];
		_cleanup_free_ char *opts = NULL, *got = NULL;
		bool done;
		int r;

		if (c->action == HP_FILE_KEEP)
			continue;
		if (grubby && after_then_entry(cs, i)) {
			/* grubby edits the entry; the record's "after" is what it wrote */
			struct hp_file_change after = *c;

			c = &cs->v[++i];
			r = grubby_edit(o, grubby, c, &got);
			if (r)
				return r;
			after.text = got;
			after.len = strlen(got);
			r = bootcfg_commit(o, &after, &done);
			done = true;
		} else {
			r = bootcfg_commit(o, c, &done);
		}
		if (r)
			return r;
		if (c->kind != HP_CHANGE_ENTRY)
			continue;
		bootcfg_path(o, c->file, path, sizeof(path));
		opts = entry_options(got ? got : c->text);
		*changed += done;
		if (!done)
			printf("unchanged: %s: options %s\n", path, opts ? opts : "");
		else if (c->restored)
			printf("restored %s as it was before hugeplan apply: options %s\n", path,
			       opts ? opts : "");
		else if (streq(o->cli.cmd, "remove"))
			printf("took hugeplan's arguments out of %s: options %s\n", path,
			       opts ? opts : "");
		else
			printf("wrote %s%s: options %s\n", path, got ? " with grubby" : "",
			       opts ? opts : "");
	}
	return 0;
}

void bootcfg_print_entries(const struct bootcfg_opts *o, const struct hp_file_changes *cs)
{
	char path[BOOTCFG_PATH_MAX];
	size_t recs = 0;

	for (size_t i = 0; i < cs->n; i++) {
		const struct hp_file_change *c = &cs->v[i];
		_cleanup_free_ char *opts = NULL;

		recs += c->kind == HP_CHANGE_RECORD && c->differs;
		if (c->kind != HP_CHANGE_ENTRY)
			continue;
		bootcfg_path(o, c->file, path, sizeof(path));
		opts = entry_options(c->text);
		printf("%s %s: options %s\n", c->differs ? "would write" : "unchanged:", path,
		       opts ? opts : "");
	}
	if (recs)
		printf("would update the entries' records in %s\n",
		       bootcfg_path(o, HP_P_ENTRY_RECORDS, path, sizeof(path)));
}

int bootcfg_run_step(const struct bootcfg_opts *o, const char *const *argv, const char *what,
		     char *note, size_t nlen)
{
	char scratch[HP_APPLY_NOTE_MAX];

	if (!note) {
		note = scratch;
		nlen = sizeof(scratch);
	}
	const char *step = "";
	char cmd[CMD_MAX];
	int r, status = 0;

	print_cmd(argv, cmd, sizeof(cmd));
	printf("running %s\n", cmd);
	fflush(stdout);
	r = hp_run(argv, &status, &step);
	if (r < 0) {
		snprintf(note, nlen, "%s: cannot run: %s: %s", cmd, step, hp_strerror(r));
		bootcfg_error(o, "%s; %s", note, what);
		return EXIT_ERROR;
	}
	if (status != 0) {
		snprintf(note, nlen, "%s: exit status %d", cmd, status);
		bootcfg_error(o,
			      "%s; %s: fix the error above and run '%s' (or 'hugeplan %s' again)",
			      note, what, cmd, o->cli.cmd);
		return EXIT_ERROR;
	}
	snprintf(note, nlen, "%s: exit status 0", cmd);
	printf("%s: done\n", cmd);
	return 0;
}

int bootcfg_run_update(const struct bootcfg_opts *o, const struct hp_boot_facts *f, char *note,
		       size_t nlen)
{
	const char *argv[4];

	if (hp_grub_update_argv(f, HP_P_GRUB_CFG, argv) < 0) {
		snprintf(note, nlen, "no update-grub or grub-mkconfig to run");
		bootcfg_error(o, "%s", note);
		return EXIT_ERROR;
	}
	return bootcfg_run_step(o, argv, "the boot menu is not updated", note, nlen);
}

/* proxmox-boot-tool refresh: the kernels and their command line onto Proxmox's ESPs */
static int run_refresh(const struct bootcfg_opts *o, const struct hp_boot_facts *f, char *note,
		       size_t nlen)
{
	const char *argv[] = { f->proxmox_boot_tool[0] ? f->proxmox_boot_tool : HP_P_PROXMOX_BOOT,
			       "refresh", NULL };

	return bootcfg_run_step(o, argv, "the ESPs that Proxmox VE boots from are not updated",
				note, nlen);
}

enum hp_update_outcome bootcfg_update(const struct bootcfg_opts *o, const struct hp_boot_facts *f,
				      const struct hp_update_plan *u, char *note, size_t nlen)
{
	char refresh[HP_APPLY_NOTE_MAX / 2];
	int r = 0;

	snprintf(note, nlen, "%s", u->note);
	if (!u->run) {
		if (u->why != HP_WHY_NONE)
			printf("%s\n", u->note);
		return HP_OUTCOME_NOT_RUN;
	}
	if (u->reason[0])
		printf("%s\n", u->reason);
	if (u->menu)
		r = bootcfg_run_update(o, f, note, nlen);
	/* the refresh copies grub.cfg too: not over a failed update */
	if (u->refresh && !r) {
		r = run_refresh(o, f, refresh, sizeof(refresh));
		if (u->menu) {
			size_t n = strlen(note);

			snprintf(note + n, nlen - n, "; %s", refresh);
		} else {
			snprintf(note, nlen, "%s", refresh);
		}
	}
	return r ? HP_OUTCOME_FAILED : HP_OUTCOME_DONE;
}

int bootcfg_write_state(const struct bootcfg_opts *o, const struct hp_state *s, bool *made)
{
	struct hp_file_change c = { .file = HP_P_STATE_FILE, .action = HP_FILE_WRITE };
	char path[BOOTCFG_PATH_MAX];
	bool changed = false;
	int r;

	r = hp_state_render(s, &c.text);
	if (r < 0) {
		bootcfg_error(o, "cannot render the state: %s", hp_strerror(r));
		return EXIT_ERROR;
	}
	c.len = strlen(c.text);
	r = bootcfg_commit(o, &c, &changed);
	free(c.text);
	if (made)
		*made = r == 0 || changed;
	if (r == 0)
		printf("recorded %s\n", bootcfg_path(o, HP_P_STATE_FILE, path, sizeof(path)));
	return r;
}

int bootcfg_remove_state(const struct bootcfg_opts *o)
{
	struct hp_file_change c = { .file = HP_P_STATE_FILE, .action = HP_FILE_REMOVE };
	char path[BOOTCFG_PATH_MAX];
	bool changed;
	int r = bootcfg_commit(o, &c, &changed);

	if (r == 0)
		printf("removed %s\n", bootcfg_path(o, HP_P_STATE_FILE, path, sizeof(path)));
	return r;
}

void bootcfg_print_dry(const struct bootcfg_opts *o, const struct hp_file_change *c)
{
	char path[BOOTCFG_PATH_MAX];

	bootcfg_path(o, c->file, path, sizeof(path));
	if (c->action != HP_FILE_WRITE) {
		printf("would remove %s\n", path);
		return;
	}
	printf("would write %s (%zu bytes):\n", path, c->len);
	fwrite(c->text, 1, c->len, stdout);
	if (c->len && c->text[c->len - 1] != '\n')
		printf("\n");
}

void bootcfg_print_update(const struct hp_update_plan *u, const struct hp_update_opts *o)
{
	if (!u->run) {
		printf("%s\n", u->note);
		return;
	}
	if (u->reason[0])
		printf("%s\n", u->reason);
	if (u->menu)
		printf("would run: %s\n", o->cmd);
	if (u->refresh)
		printf("would run: %s\n", o->refresh);
}

void bootcfg_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "unknown");
}

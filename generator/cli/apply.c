// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan apply, hugeplan remove: put the plan's kernel arguments into the boot loader's
 * configuration and take them out again. Everything is computed and checked first; files are
 * then replaced atomically (sys/atomic-file.h), the boot menu regenerated, and what was done
 * recorded in the state file. apply runs the checks of "hugeplan check" first and refuses on
 * errors. Exit: 0 done (or unchanged), 1 the plan does not fit or the checks found errors
 * (nothing written), 2 bad configuration or usage, or a step that failed (named).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/check.h"
#include "cli/cli.h"
#include "core/bootloader.h"
#include "core/cmdline-edit.h"
#include "core/grub-snippet.h"
#include "core/size.h"
#include "core/state.h"
#include "sys/atomic-file.h"
#include "sys/bootloader.h"
#include "sys/path.h"

#define TEXT_MAX   (1U << 20)
#define MAX_WORDS  32
#define CMD_MAX	   512
#define NOTE_MAX   (3 * CMD_MAX + 256)
#define PATH_BUF   4096
#define EXIT_ERROR EXIT_USAGE

enum {
	OPT_BOOTLOADER = OPT_CLI_LAST,
	OPT_NO_UPDATE,
	OPT_DRY_RUN,
};

struct opts {
	struct hp_cli cli;
	enum hp_bootloader want;
	bool want_set;
	bool no_update;
	bool dry_run;
};

/* One file change: the target, its new text (NULL: remove it) and the outcome. */
struct change {
	const char *sys_path; /* as on the system, for the state file */
	char path[PATH_BUF];  /* under --root */
	char *text;
	size_t len;
	int result; /* HP_AF_WRITTEN/HP_AF_UNCHANGED (HP_AF_ABSENT on removal) */
};

static const char *cmd_name;

static void usage(bool apply)
{
	printf("Usage:\n %s %s [options]\n\n", program_invocation_short_name, cmd_name);
	if (apply)
		printf("Write the plan's kernel arguments to the boot loader configuration, then\n"
		       "regenerate the boot menu. With an unchanged plan nothing is rewritten.\n");
	else
		printf("Take hugeplan's kernel arguments out of the boot loader configuration\n"
		       "again, then regenerate the boot menu.\n");
	printf("\nOptions:\n"
	       "     --bootloader B  grub, kernel-install or auto (default: auto, or for\n"
	       "                     remove what apply recorded)\n"
	       "     --no-update     do not run update-grub / grub-mkconfig\n"
	       "  -n, --dry-run      print the files and the command, write nothing\n"
	       "     --root DIR      an offline image: files and state under DIR, no update\n");
	if (apply)
		printf("     --config DIR    read the configuration from DIR only\n"
		       "     --kver VER      plan for kernel version VER (default: the running "
		       "one)\n"
		       "     --balanced      accept the balanced form on kernels before 5.16\n");
	printf("  -h, --help         display this help\n"
	       "\nFiles: %s (GRUB), %s (kernel-install),\n"
	       "%s (what was applied).\n"
	       "\nExit status: 0 done or unchanged, %s2 invalid configuration or usage, or\n"
	       "a step that failed (the message names it).\n\nSee hugeplan(8).\n",
	       HP_P_GRUB_SNIPPET, HP_P_KERNEL_CMDLINE, HP_P_STATE_FILE,
	       apply ? "1 the plan does not fit or 'hugeplan check' finds\nerrors (nothing "
		       "written), "
		     : "");
}

static int parse(int argc, char **argv, struct opts *o, bool apply)
{
	static const struct option longopts[] = {
		HP_CLI_COMMON_OPTIONS,
		{ "bootloader", required_argument, NULL, OPT_BOOTLOADER },
		{ "no-update", no_argument, NULL, OPT_NO_UPDATE },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "+hn", longopts, NULL)) != -1) {
		if (c == OPT_ROOT || (apply && hp_cli_common_opt(&o->cli, c, optarg))) {
			o->cli.root = c == OPT_ROOT ? optarg : o->cli.root;
			continue;
		}
		switch (c) {
		case OPT_BOOTLOADER:
			if (hp_bootloader_parse(optarg, &o->want) < 0)
				return hp_cli_usage_error(cmd_name,
							  "--bootloader=%s: expected grub, "
							  "kernel-install or auto",
							  optarg);
			o->want_set = o->want != HP_BL_AUTO;
			break;
		case OPT_NO_UPDATE:
			o->no_update = true;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'h':
			usage(apply);
			return -1;
		case '?':
			return EXIT_USAGE;
		default:
			return hp_cli_usage_error(cmd_name, "unrecognized option '%s'",
						  argv[optind - 1]);
		}
	}
	if (optind < argc)
		return hp_cli_usage_error(cmd_name, "unexpected argument '%s'", argv[optind]);
	if (o->cli.root && (!*o->cli.root || !strcmp(o->cli.root, "/")))
		o->cli.root = NULL;
	return 0;
}

/* The state file's path under root, for messages. */
static const char *state_path(const char *root)
{
	static char p[PATH_BUF];

	hp_path(p, sizeof(p), root, "%s", HP_P_STATE_FILE);
	return p;
}

static const char *step_error(enum hp_af_step step, int r, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %s", hp_af_step_name(step), strerror(-r));
	return buf;
}

static void print_cmd(const char *const *argv, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv[i] && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", argv[i]);
}

/* Read the state file; 1 found, 0 none, -errno (message printed) when it is unreadable. */
static int read_state(const char *root, struct hp_state *s)
{
	char path[PATH_BUF], *text;
	unsigned line = 0;
	int r;

	hp_path(path, sizeof(path), root, "%s", HP_P_STATE_FILE);
	r = hp_read_text(root, &text, NULL, TEXT_MAX, "%s", HP_P_STATE_FILE);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		fprintf(stderr, "%s %s: %s: cannot read: %s\n", program_invocation_short_name,
			cmd_name, path, strerror(-r));
		return r;
	}
	r = hp_state_parse(text, s, &line);
	free(text);
	if (r < 0) {
		fprintf(stderr, "%s %s: %s:%u: not a hugeplan state file; move it away\n",
			program_invocation_short_name, cmd_name, path, line);
		return r;
	}
	return 1;
}

/* Write (text) or remove (text NULL) c->path; 0 or EXIT_ERROR after the message. */
static int commit(struct change *c)
{
	enum hp_af_step step = HP_AF_NONE;
	char dir[PATH_BUF], why[256];
	char *slash;
	int r;

	if (!c->text) {
		r = hp_atomic_remove(c->path, &step);
	} else {
		snprintf(dir, sizeof(dir), "%s", c->path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir)
			*slash = '\0';
		r = hp_mkdirs(dir);
		if (r < 0) {
			step = HP_AF_MKDIR;
			goto fail;
		}
		r = hp_atomic_write(c->path, c->text, c->len, 0644, &step);
	}
	if (r >= 0) {
		c->result = r;
		return 0;
	}
fail:
	step_error(step, r, why, sizeof(why));
	if (step == HP_AF_DIR_SYNC)
		fprintf(stderr,
			"%s %s: %s: %s: the change is made but may not survive a crash; "
			"run sync\n",
			program_invocation_short_name, cmd_name, c->path, why);
	else
		fprintf(stderr, "%s %s: %s: %s; the file is as it was\n",
			program_invocation_short_name, cmd_name, c->path, why);
	return EXIT_ERROR;
}

static void now_utc(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "unknown");
}

static void plan_summary(const struct hp_plan *p, char *buf, size_t len)
{
	char sz[24];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->nr_pools && o < len; i++) {
		hp_size_token(p->pools[i].size, sz, sizeof(sz));
		o += (size_t)snprintf(buf + o, len - o, "%s%" PRIu64 " x %s", i ? ", " : "",
				      p->pools[i].pages, sz);
	}
	if (p->default_size && o < len) {
		hp_size_token(p->default_size, sz, sizeof(sz));
		snprintf(buf + o, len - o, "; default %s", sz);
	}
	if (!p->nr_pools)
		snprintf(buf, len, "nothing reserved");
}

/* Regenerate grub.cfg; 0 ran and succeeded, EXIT_ERROR otherwise (message printed). */
static int run_update(const struct hp_boot_facts *f, char *note, size_t nlen)
{
	const char *argv[4], *step = "";
	char cmd[CMD_MAX];
	int r, status = 0;

	if (hp_grub_update_argv(f, HP_P_GRUB_CFG, argv) < 0) {
		snprintf(note, nlen, "no update-grub or grub-mkconfig to run");
		fprintf(stderr, "%s %s: %s\n", program_invocation_short_name, cmd_name, note);
		return EXIT_ERROR;
	}
	print_cmd(argv, cmd, sizeof(cmd));
	printf("running %s\n", cmd);
	fflush(stdout);
	r = hp_run(argv, &status, &step);
	if (r < 0) {
		snprintf(note, nlen, "%s: cannot run: %s: %s", cmd, step, strerror(-r));
		fprintf(stderr, "%s %s: %s; the boot menu is not updated\n",
			program_invocation_short_name, cmd_name, note);
		return EXIT_ERROR;
	}
	if (status != 0) {
		snprintf(note, nlen, "%s: exit status %d", cmd, status);
		fprintf(stderr,
			"%s %s: %s; the boot menu is not updated: fix the error above and run "
			"'%s' (or 'hugeplan %s' again)\n",
			program_invocation_short_name, cmd_name, note, cmd, cmd_name);
		return EXIT_ERROR;
	}
	snprintf(note, nlen, "%s: exit status 0", cmd);
	printf("%s: done\n", cmd);
	return 0;
}

/*
 * Whether and how to regenerate the boot menu: 1 run it, 0 not (note says why). Also used
 * for dry runs, where cmd tells what would run.
 */
static int want_update(const struct opts *o, const struct hp_boot_facts *f, bool changed,
		       bool pending, char *note, size_t nlen, char *cmd, size_t clen)
{
	const char *argv[4];

	char c[CMD_MAX];

	snprintf(c, sizeof(c), "update-grub");
	if (hp_grub_update_argv(f, HP_P_GRUB_CFG, argv) == 0)
		print_cmd(argv, c, sizeof(c));
	snprintf(cmd, clen, "%s", c);
	if (o->cli.root) {
		snprintf(note, nlen,
			 "not running %s: --root %s is an offline image; run it inside the image "
			 "(chroot %s %s) before it boots",
			 c, o->cli.root, o->cli.root, c);
		return 0;
	}
	if (o->no_update) {
		snprintf(note, nlen, "not running %s: --no-update; run it before the next boot", c);
		return 0;
	}
	if (!changed && !pending) {
		snprintf(note, nlen, "not running %s: nothing changed", c);
		return 0;
	}
	return 1;
}

static int write_state(const struct opts *o, struct hp_state *s)
{
	struct change c = { .sys_path = HP_P_STATE_FILE };
	int r;

	hp_path(c.path, sizeof(c.path), o->cli.root, "%s", HP_P_STATE_FILE);
	r = hp_state_render(s, &c.text);
	if (r < 0) {
		fprintf(stderr, "%s %s: cannot render the state: %s\n",
			program_invocation_short_name, cmd_name, strerror(-r));
		return EXIT_ERROR;
	}
	c.len = strlen(c.text);
	r = commit(&c);
	free(c.text);
	if (r == 0)
		printf("recorded %s\n", c.path);
	return r;
}

static void warn_grub_words(const char *root)
{
	struct hp_grub_word w[MAX_WORDS];
	int n = hp_grub_find_words(root, w, MAX_WORDS);

	if (n < 0) {
		fprintf(stderr, "warning: cannot read the GRUB settings to check them: %s\n",
			strerror(-n));
		return;
	}
	for (int i = 0; i < n && i < MAX_WORDS; i++) {
		char path[PATH_BUF];

		hp_path(path, sizeof(path), root, "%s", w[i].file);
		if (w[i].after_snippet)
			fprintf(stderr,
				"warning: %s:%u: %s: this file is read after %s and its huge page "
				"words reach the kernel after hugeplan's (the kernel ignores a "
				"second "
				"hugepagesz= for a size); remove them\n",
				path, w[i].line, w[i].word, HP_GRUB_SNIPPET_NAME);
		else
			fprintf(stderr,
				"warning: %s:%u: %s: huge page words here are dropped by %s; "
				"remove "
				"them to avoid confusion\n",
				path, w[i].line, w[i].word, HP_GRUB_SNIPPET_NAME);
	}
	if (n > MAX_WORDS)
		fprintf(stderr, "warning: %d more huge page words in the GRUB settings\n",
			n - MAX_WORDS);
}

/* The new /etc/kernel/cmdline for toks (n 0: removal); *created when made from /proc. */
static int kernel_cmdline_text(const struct opts *o, const char *const *toks, size_t n,
			       struct change *c, bool *created)
{
	unsigned flags = 0;
	char *text;
	int r;

	*created = false;
	r = hp_read_text(o->cli.root, &text, NULL, TEXT_MAX, "%s", HP_P_KERNEL_CMDLINE);
	if (r == -ENOENT && n) {
		/* kernel-install's own fallback: the running command line minus its loader's words
		 */
		r = hp_read_text(o->cli.root, &text, NULL, TEXT_MAX, "%s", HP_P_CMDLINE);
		if (r < 0) {
			char p[PATH_BUF];

			hp_path(p, sizeof(p), o->cli.root, "%s", HP_P_CMDLINE);
			fprintf(stderr,
				"%s %s: %s is missing and %s cannot be read to create it: %s\n",
				program_invocation_short_name, cmd_name, c->path, p, strerror(-r));
			return EXIT_ERROR;
		}
		flags = HP_CMDLINE_FROM_PROC;
		*created = true;
	} else if (r == -ENOENT) {
		c->text = NULL;
		c->result = HP_AF_ABSENT;
		return 1;
	}
	if (r < 0) {
		fprintf(stderr, "%s %s: %s: cannot read: %s\n", program_invocation_short_name,
			cmd_name, c->path, strerror(-r));
		return EXIT_ERROR;
	}
	r = hp_cmdline_edit(text, toks, n, flags, &c->text);
	free(text);
	if (r < 0) {
		fprintf(stderr, "%s %s: %s: %s\n", program_invocation_short_name, cmd_name, c->path,
			r == -EINVAL ? "a double quote is not closed: the kernel would read "
				       "hugeplan's words as part of that value; fix the file first"
				     : strerror(-r));
		return EXIT_ERROR;
	}
	c->len = strlen(c->text);
	return 0;
}

/*
 * Whether text is exactly what kernel-install falls back to without /etc/kernel/cmdline: the
 * running command line minus initrd=, BOOT_IMAGE= and hugeplan's words.
 */
static bool same_as_fallback(const struct opts *o, const char *text)
{
	char *proc, *derived;
	bool same;

	if (hp_read_text(o->cli.root, &proc, NULL, TEXT_MAX, "%s", HP_P_CMDLINE) < 0)
		return false;
	if (hp_cmdline_edit(proc, NULL, 0, HP_CMDLINE_FROM_PROC, &derived) < 0) {
		free(proc);
		return false;
	}
	same = !strcmp(derived, text);
	free(derived);
	free(proc);
	return same;
}

static void print_dry_change(const struct change *c)
{
	if (!c->text) {
		printf("would remove %s\n", c->path);
		return;
	}
	printf("would write %s (%zu bytes):\n", c->path, c->len);
	fwrite(c->text, 1, c->len, stdout);
	if (c->len && c->text[c->len - 1] != '\n')
		printf("\n");
}

/* Whether path already holds text exactly (for dry runs). */
static bool same_as_now(const char *root, const char *sys_path, const char *text, size_t len)
{
	char *cur;
	size_t clen;
	bool same;

	if (hp_read_text(root, &cur, &clen, TEXT_MAX, "%s", sys_path) < 0)
		return !text;
	same = text && clen == len && !memcmp(cur, text, len);
	free(cur);
	return same;
}

/* Print the plan's problems; the caller exits EXIT_NOFIT. */
static void print_nofit(const struct hp_loaded *l)
{
	for (size_t i = 0; i < l->plan.nr_problems; i++)
		fprintf(stderr, "%s: plan does not fit: %s\n", program_invocation_short_name,
			l->plan.problems[i]);
	fprintf(stderr, "%s apply: nothing written\n", program_invocation_short_name);
}

/* The checks of "hugeplan check" (issue 6): errors refuse the plan, warnings are shown. */
static int preflight(const struct opts *o, const struct hp_loaded *l)
{
	struct hp_findings *fs = calloc(1, sizeof(*fs));
	int ret = 0;

	if (!fs) {
		fprintf(stderr, "%s apply: out of memory\n", program_invocation_short_name);
		return EXIT_ERROR;
	}
	if (hp_cli_preflight(&o->cli, l, fs) < 0) {
		free(fs);
		return EXIT_ERROR;
	}
	hp_cli_print_findings(fs, stderr, true);
	if (fs->nr_errors) {
		fprintf(stderr,
			"%s apply: the kernel that will boot cannot serve this plan (%zu error%s "
			"above, see 'hugeplan check'): nothing written\n",
			program_invocation_short_name, fs->nr_errors,
			fs->nr_errors == 1 ? "" : "s");
		ret = EXIT_NOFIT;
	}
	free(fs);
	return ret;
}

/* The new text for the chosen boot loader; 0, or EXIT_ERROR after the message. */
static int apply_text(const struct opts *o, enum hp_bootloader bl, const char *const *toks,
		      size_t n, struct change *c, bool *created)
{
	int r;

	*created = false;
	if (bl == HP_BL_KERNEL_INSTALL) {
		c->sys_path = HP_P_KERNEL_CMDLINE;
		hp_path(c->path, sizeof(c->path), o->cli.root, "%s", c->sys_path);
		r = kernel_cmdline_text(o, toks, n, c, created);
		return r == EXIT_ERROR ? r : 0;
	}
	c->sys_path = HP_P_GRUB_SNIPPET;
	hp_path(c->path, sizeof(c->path), o->cli.root, "%s", c->sys_path);
	if (!n)
		return 0; /* nothing planned: the snippet goes */
	r = hp_grub_snippet(toks, n, &c->text, NULL);
	if (r < 0) {
		fprintf(stderr, "%s apply: cannot render %s: %s\n", program_invocation_short_name,
			c->path, strerror(-r));
		return EXIT_ERROR;
	}
	c->len = strlen(c->text);
	return 0;
}

static void apply_dry_run(const struct opts *o, const struct hp_boot_facts *f,
			  enum hp_bootloader bl, const struct change *c, bool pending)
{
	bool same = same_as_now(o->cli.root, c->sys_path, c->text, c->len);
	char note[NOTE_MAX], cmd[CMD_MAX];

	printf("dry run: nothing is written\n");
	if (same)
		printf("unchanged: %s %s\n", c->path,
		       c->text ? "already holds this content" : "absent");
	else
		print_dry_change(c);
	if (bl == HP_BL_GRUB) {
		if (want_update(o, f, !same, pending, note, sizeof(note), cmd, sizeof(cmd)))
			printf("would run: %s\n", cmd);
		else
			printf("%s\n", note);
	}
	printf("would record %s\n", state_path(o->cli.root));
}

int cmd_apply(int argc, char **argv)
{
	struct hp_boot_facts facts;
	struct hp_state old = { 0 }, st = { 0 };
	struct change c = { 0 };
	enum hp_bootloader bl;
	struct hp_loaded l;
	struct opts o;
	const char *toks[HP_MAX_TOKENS];
	char why[1024], note[NOTE_MAX], cmd[CMD_MAX];
	bool created, have_old, changed, pending, in_sync;
	int r, ret = 0;

	cmd_name = "apply";
	optind = 0;
	r = parse(argc, argv, &o, true);
	if (r)
		return r < 0 ? 0 : r;
	r = hp_cli_load(&o.cli, &l);
	if (r)
		return r;
	hp_cli_warnings(&l, stderr);
	if (!l.plan.feasible) {
		print_nofit(&l);
		hp_cli_unload(&l);
		return EXIT_NOFIT;
	}
	for (size_t i = 0; i < l.args.n; i++)
		toks[i] = l.args.tok[i];

	/* everything computed and checked before the first write */
	ret = preflight(&o, &l);
	if (ret)
		goto out;
	r = hp_boot_probe(o.cli.root, &facts);
	if (r < 0) {
		fprintf(stderr, "%s apply: cannot read %s: %s\n", program_invocation_short_name,
			facts.mkconfig, strerror(-r));
		ret = EXIT_ERROR;
		goto out;
	}
	r = hp_bootloader_choose(&facts, o.want, &bl, why, sizeof(why));
	if (r < 0) {
		fprintf(stderr, "%s apply: %s\n", program_invocation_short_name, why);
		ret = EXIT_ERROR;
		goto out;
	}
	r = read_state(o.cli.root, &old);
	if (r < 0) {
		ret = EXIT_ERROR;
		goto out;
	}
	have_old = r == 1;
	ret = apply_text(&o, bl, toks, l.args.n, &c, &created);
	if (ret)
		goto out;
	if (bl == HP_BL_GRUB)
		warn_grub_words(o.cli.root);
	if (have_old && strcmp(old.bootloader, hp_bootloader_name(bl)))
		fprintf(stderr,
			"warning: hugeplan's arguments were applied with %s before (%s); they "
			"stay there until 'hugeplan remove --bootloader=%s'\n",
			old.bootloader, old.file, old.bootloader);
	if (!l.args.n)
		printf("the plan reserves nothing: hugeplan's arguments are taken out\n");
	/*
	 * grub.cfg is known to match the snippet only when the state says it was regenerated
	 * after these tokens were written. Otherwise it is regenerated even if the snippet is
	 * unchanged: the last update failed or was skipped, or an apply stopped between its write
	 * and its state (killed, or the state could not be written). No state and nothing to
	 * write: hugeplan never touched this boot menu.
	 */
	in_sync = have_old && old.update == HP_UPDATE_DONE && !strcmp(old.bootloader, "grub") &&
		  !strcmp(old.tokens, l.cmdline);
	pending = bl == HP_BL_GRUB && !in_sync && (have_old || c.text);

	if (o.dry_run) {
		apply_dry_run(&o, &facts, bl, &c, pending);
		goto out;
	}

	if (c.text || c.result != HP_AF_ABSENT) {
		ret = commit(&c);
		if (ret)
			goto out;
	}
	changed = c.result == HP_AF_WRITTEN;
	if (!c.text)
		printf("%s %s\n", changed ? "removed" : "unchanged: no", c.path);
	else if (changed)
		printf("wrote %s: %s\n", c.path, l.cmdline);
	else
		printf("unchanged: %s already has plan %s\n", c.path, l.args.plan_id);

	snprintf(st.bootloader, sizeof(st.bootloader), "%s", hp_bootloader_name(bl));
	snprintf(st.file, sizeof(st.file), "%s", c.sys_path);
	snprintf(st.tokens, sizeof(st.tokens), "%s", l.cmdline);
	snprintf(st.plan_id, sizeof(st.plan_id), "%s", l.args.plan_id);
	plan_summary(&l.plan, st.summary, sizeof(st.summary));
	st.created_file =
		created || (have_old && old.created_file && !strcmp(old.bootloader, st.bootloader));
	st.update = HP_UPDATE_NONE;
	note[0] = '\0';
	if (bl == HP_BL_GRUB) {
		if (want_update(&o, &facts, changed, pending, note, sizeof(note), cmd,
				sizeof(cmd))) {
			if (pending && !changed && have_old && old.update == HP_UPDATE_PENDING)
				printf("the last update of the boot menu did not complete\n");
			else if (pending && !changed)
				printf("no record that the boot menu was regenerated after %s was "
				       "written\n",
				       c.path);
			ret = run_update(&facts, note, sizeof(note));
			st.update = ret ? HP_UPDATE_PENDING : HP_UPDATE_DONE;
		} else {
			printf("%s\n", note);
			if (changed || pending)
				st.update = HP_UPDATE_PENDING;
			else
				st.update = have_old ? old.update : HP_UPDATE_DONE;
		}
	} else {
		snprintf(note, sizeof(note), "kernel-install reads %s when it installs a kernel",
			 HP_P_KERNEL_CMDLINE);
		printf("note: kernel-install reads %s when a kernel is installed; existing boot "
		       "entries keep their command line until then (kernel-install add <version> "
		       "<image> renews one)\n",
		       HP_P_KERNEL_CMDLINE);
	}
	snprintf(st.update_note, sizeof(st.update_note), "%s", note);

	/* the state keeps the time of the last real change */
	if (have_old && !changed && !strcmp(old.tokens, st.tokens) &&
	    !strcmp(old.bootloader, st.bootloader) && !strcmp(old.file, st.file) &&
	    old.update == st.update && old.created_file == st.created_file) {
		printf("unchanged: %s\n", state_path(o.cli.root));
	} else {
		if (!changed && have_old && !strcmp(old.tokens, st.tokens))
			snprintf(st.applied, sizeof(st.applied), "%s", old.applied);
		else
			now_utc(st.applied, sizeof(st.applied));
		r = write_state(&o, &st);
		if (r && !ret)
			ret = r;
	}
	if (!ret && l.args.n) {
		const char *when = "at the next boot";

		if (bl == HP_BL_KERNEL_INSTALL)
			when = "at the next boot of a kernel installed with kernel-install";
		else if (st.update == HP_UPDATE_PENDING)
			when = "at the first boot after the boot menu is regenerated";
		printf("The reservation (plan %s) takes effect %s.\n", l.args.plan_id, when);
	}
out:
	free(c.text);
	hp_cli_unload(&l);
	return ret;
}

int cmd_remove(int argc, char **argv)
{
	struct hp_boot_facts facts;
	struct hp_state old = { 0 };
	struct change cs[2] = { 0 };
	enum hp_bootloader bls[2];
	size_t nr = 0;
	struct opts o;
	char note[NOTE_MAX], cmd[CMD_MAX];
	bool have_old, retry_update, grub_changed = false;
	int r, ret = 0;

	cmd_name = "remove";
	optind = 0;
	r = parse(argc, argv, &o, false);
	if (r)
		return r < 0 ? 0 : r;
	r = read_state(o.cli.root, &old);
	if (r < 0)
		return EXIT_ERROR;
	have_old = r == 1;
	r = hp_boot_probe(o.cli.root, &facts);
	if (r < 0) {
		fprintf(stderr, "%s remove: cannot read %s: %s\n", program_invocation_short_name,
			facts.mkconfig, strerror(-r));
		return EXIT_ERROR;
	}

	/* what to clean: as asked, else as recorded, else wherever hugeplan's files are */
	if (o.want_set) {
		bls[nr++] = o.want;
	} else if (have_old && !hp_bootloader_parse(old.bootloader, &bls[0])) {
		nr = 1;
	} else {
		if (hp_path_exists(o.cli.root, "%s", HP_P_GRUB_SNIPPET))
			bls[nr++] = HP_BL_GRUB;
		if (hp_path_exists(o.cli.root, "%s", HP_P_KERNEL_CMDLINE))
			bls[nr++] = HP_BL_KERNEL_INSTALL;
	}
	/*
	 * A state for GRUB means grub.cfg may hold hugeplan's words: an apply's, or those of a
	 * removal whose update failed or that stopped before its state went (killed, or the state
	 * could not be removed). With the snippet already gone, it is regenerated all the same.
	 */
	retry_update = false;
	for (size_t i = 0; i < nr; i++)
		retry_update |= bls[i] == HP_BL_GRUB && have_old && !strcmp(old.bootloader, "grub");
	for (size_t i = 0; i < nr; i++) {
		struct change *c = &cs[i];
		bool created;

		if (bls[i] == HP_BL_GRUB) {
			c->sys_path = HP_P_GRUB_SNIPPET;
			hp_path(c->path, sizeof(c->path), o.cli.root, "%s", c->sys_path);
			c->text = NULL;
		} else {
			c->sys_path = HP_P_KERNEL_CMDLINE;
			hp_path(c->path, sizeof(c->path), o.cli.root, "%s", c->sys_path);
			r = kernel_cmdline_text(&o, NULL, 0, c, &created);
			if (r == EXIT_ERROR)
				return r;
			/*
			 * A file hugeplan created goes again when what is left is what
			 * kernel-install would use without it: nothing, or the running command
			 * line without its loader's and hugeplan's words. Anything else is an
			 * edit of the admin's since, and stays.
			 */
			if (r == 0 && have_old && old.created_file) {
				if (c->len == 0 || same_as_fallback(&o, c->text)) {
					free(c->text);
					c->text = NULL;
				} else {
					printf("note: %s, created by hugeplan apply, no longer "
					       "matches the running command line: kept, without "
					       "hugeplan's words\n",
					       c->path);
				}
			}
		}
	}

	if (o.dry_run) {
		printf("dry run: nothing is written\n");
		for (size_t i = 0; i < nr; i++) {
			if (same_as_now(o.cli.root, cs[i].sys_path, cs[i].text, cs[i].len)) {
				printf("unchanged: %s %s\n", cs[i].path,
				       cs[i].text ? "has no hugeplan arguments" : "absent");
				continue;
			}
			print_dry_change(&cs[i]);
			grub_changed |= bls[i] == HP_BL_GRUB;
		}
		if (grub_changed || retry_update) {
			if (want_update(&o, &facts, true, false, note, sizeof(note), cmd,
					sizeof(cmd)))
				printf("would run: %s\n", cmd);
			else
				printf("%s\n", note);
		}
		if (have_old)
			printf("would remove %s\n", state_path(o.cli.root));
		goto out;
	}

	if (!nr)
		printf("nothing to remove: no %s, no %s\n", HP_P_GRUB_SNIPPET, HP_P_KERNEL_CMDLINE);
	for (size_t i = 0; i < nr && !ret; i++) {
		struct change *c = &cs[i];

		if (!c->text && c->result == HP_AF_ABSENT && bls[i] != HP_BL_GRUB)
			continue;
		ret = commit(c);
		if (ret)
			break;
		if (c->result == HP_AF_WRITTEN) {
			printf("%s %s\n", c->text ? "took hugeplan's arguments out of" : "removed",
			       c->path);
			grub_changed |= bls[i] == HP_BL_GRUB;
		} else {
			printf("unchanged: %s %s\n", c->path,
			       c->text ? "has no hugeplan arguments" : "absent");
		}
	}
	/* a removal whose boot menu update failed is finished by the next remove */
	if (!ret && (grub_changed || retry_update)) {
		if (want_update(&o, &facts, true, false, note, sizeof(note), cmd, sizeof(cmd))) {
			if (retry_update && !grub_changed)
				printf("%s\n", old.update == HP_UPDATE_PENDING && !old.tokens[0]
						       ? "the last update of the boot menu did not "
							 "complete"
						       : "the boot menu may still hold hugeplan's "
							 "arguments");
			ret = run_update(&facts, note, sizeof(note));
		} else {
			printf("%s\n", note);
		}
		if (ret) {
			/* keep what remove must finish: no tokens, boot menu pending */
			struct hp_state st = { .update = HP_UPDATE_PENDING };

			snprintf(st.bootloader, sizeof(st.bootloader), "grub");
			snprintf(st.file, sizeof(st.file), "%s", HP_P_GRUB_SNIPPET);
			snprintf(st.summary, sizeof(st.summary), "removed");
			snprintf(st.update_note, sizeof(st.update_note), "%s", note);
			now_utc(st.applied, sizeof(st.applied));
			write_state(&o, &st);
			goto out;
		}
	}
	if (!ret && have_old) {
		struct change s = { .sys_path = HP_P_STATE_FILE };

		hp_path(s.path, sizeof(s.path), o.cli.root, "%s", s.sys_path);
		ret = commit(&s);
		if (!ret)
			printf("removed %s\n", s.path);
	}
out:
	for (size_t i = 0; i < nr; i++)
		free(cs[i].text);
	return ret;
}

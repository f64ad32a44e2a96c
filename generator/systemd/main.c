// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan-generator: a systemd generator (man systemd.generator). At every boot, and on
 * daemon-reload, it turns this boot's kernel command line and the [Host] settings into:
 * hugetlbfs mount units for the page sizes of the pool and of the plan other than this boot's
 * default, the enablement of
 * hugeplan-verify.service, and under Strict=yes the drop-ins that make the VM managers require
 * it. What to write is decided in core/units.c; this file reads, writes and logs.
 *
 * Contract: called with one or three output directories (one: the same three), writes only
 * under the first (the "normal" one: an administrator's units in /etc override it), talks to
 * no other process, and exits 0 whatever it finds: a generator must never fail a boot, so
 * every problem is logged and the rest carries on. hugeplan=0 on the kernel command line turns
 * it off; in the initrd it does nothing (hugeplan-verify covers early boot).
 * $HUGEPLAN_ROOT reads the system (/proc, /sys, /etc, /dev/kmsg) under a directory: tests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "core/kcmdline.h"
#include "core/macro.h"
#include "core/parse-util.h"
#include "core/state.h"
#include "core/units.h"
#include "sys/host.h"
#include "sys/path.h"
#include "sys/root.h"
#include "systemd/fstab.h"
#include "systemd/log.h"
#include "systemd/output.h"

#define DROPIN_NAME "50-hugeplan-generator.conf"
/* apply's state: its head is a few hundred bytes (its per-VM records are not read) */
#define HP_STATE_HEAD_MAX (16U << 20)

struct gen {
	const char *root, *dest;
	struct hp_host host;
	struct hp_karch arch;
	struct hp_kreq req;
	struct hp_units units;
	uint64_t planned[HP_MAX_SIZES]; /* the sizes apply's plan uses (its sizes= and tokens) */
	size_t nr_planned;
	bool strict, plan_exists;
};

/* hugeplan=0 (or no, off, false, in any case): the last one on the line counts, as systemd
 * reads them */
static bool disabled(const char *cmdline)
{
	char param[64], val[64];
	const char *p = cmdline;
	bool has_val, on = true;

	while ((p = hp_kcmdline_next(p, param, sizeof(param), val, sizeof(val), &has_val))) {
		int b;

		if (!hp_param_eq(param, "hugeplan"))
			continue;
		if (!has_val)
			on = true;
		else if ((b = hp_parse_boolean(val)) >= 0)
			on = b;
		else
			gen_log(GEN_LOG_WARNING,
				"hugeplan=%s on the kernel command line: expected 0 or 1, ignored",
				val);
	}
	return !on;
}

static void log_diag(int level, const struct hp_diag *d, const char *then)
{
	if (d->file[0] && d->line)
		gen_log(level, "%s:%u: %s; %s", d->file, d->line, d->msg, then);
	else if (d->file[0])
		gen_log(level, "%s: %s; %s", d->file, d->msg, then);
	else
		gen_log(level, "configuration: %s; %s", d->msg, then);
}

static void add_planned(struct gen *g, uint64_t size)
{
	for (size_t i = 0; i < g->nr_planned; i++)
		if (g->planned[i] == size)
			return;
	if (size && g->nr_planned < HP_MAX_SIZES)
		g->planned[g->nr_planned++] = size;
}

/*
 * Whether apply recorded a plan that reserves something (its tokens), and the page sizes its
 * VMs use, pool at boot or not (its sizes=, and the sizes its tokens reserve): each gets its
 * mount. The decision is the command line's and apply's state's, never the inventory's
 * (vms.d, libvirt's or Proxmox's definitions are not read at boot: a thousand VM files would
 * cost more than everything else here, and XML has no place in a generator). A plan written
 * but never applied is none: nothing is in the boot loader to verify, and `hugeplan apply`
 * records the sizes to mount. Only the state's head is read, not its per-VM records. An
 * unreadable state enables the service: status says why.
 */
static bool applied_plan(struct gen *g)
{
	struct hp_state st;
	char *text;
	unsigned line = 0;
	int r;

	/* the head only: a host of a thousand VMs has a thousand records after it */
	r = hp_read_text_until(g->root, &text, NULL, HP_STATE_HEAD_MAX, hp_state_record_starts,
			       HP_P_STATE_FILE);
	if (r == -ENOENT)
		return false;
	if (r == 0) {
		r = hp_state_parse_head(text, &st, &line);
		free(text);
		if (r == 0) {
			struct hp_kreq *req = calloc(1, sizeof(*req));

			if (req) {
				hp_kcmdline_simulate(st.tokens, &g->arch, req);
				for (size_t i = 0; i < req->nr_pools; i++)
					if (req->pools[i].pages)
						add_planned(g, req->pools[i].size);
				free(req);
			}
			for (const char *q = st.sizes; *q;) {
				char *end;
				unsigned long long kb = strtoull(q, &end, 10);

				if (end == q)
					break;
				if (kb <= UINT64_MAX >> 10)
					add_planned(g, (uint64_t)kb << 10);
				q = *end == ',' ? end + 1 : end;
			}
			return st.tokens[0] != '\0' || st.sizes[0] != '\0';
		}
	}
	if (r == -EINVAL)
		gen_log(GEN_LOG_WARNING,
			"%s%s:%u: not a hugeplan state file; " HP_VERIFY_UNIT
			" enabled to report it",
			g->root ? g->root : "", HP_P_STATE_FILE, line);
	else
		gen_log(GEN_LOG_WARNING,
			"cannot read %s%s: %s; " HP_VERIFY_UNIT " enabled to report it",
			g->root ? g->root : "", HP_P_STATE_FILE, strerror(-r));
	return true;
}

/*
 * Strict= from the [Host] settings; whether a plan exists and the sizes to mount from apply's
 * state. Only [Host] is read: a broken vms.d file is plan's and status's to report, not the
 * boot's. A configuration that cannot be read enables the service: hugeplan status then says
 * why.
 */
static void read_config(struct gen *g)
{
	/* as root, what another user could change is refused as in hugeplan itself */
	struct hp_config_opts o = {
		.check_perms = geteuid() == 0,
		.host_only = true,
		.overrides = true,
	};
	struct hp_config cfg;
	struct hp_diag d = { 0 };
	int r;

	r = hp_config_load_opts(g->root, NULL, &o, &cfg, &d);
	if (r < 0) {
		log_diag(GEN_LOG_WARNING, &d,
			 "Strict= taken as no; " HP_VERIFY_UNIT " enabled to report it");
		g->plan_exists = true;
		return;
	}
	g->strict = cfg.host.strict;
	hp_config_free(&cfg);
	g->plan_exists = applied_plan(g);
}

static void write_text(const struct gen *g, const char *rel, int (*render)(char **), char *ready)
{
	char *text = ready;
	int r = 0;

	if (!text)
		r = render(&text);
	if (r == 0)
		r = gen_write_file(g->dest, rel, text);
	free(text);
	if (r == -EEXIST)
		gen_log(GEN_LOG_WARNING,
			"%s/%s exists already (written by another generator?), left as it is",
			g->dest, rel);
	else if (r < 0)
		gen_log(GEN_LOG_ERR, "cannot write %s/%s: %s", g->dest, rel, hp_strerror(r));
}

static void link_unit(const struct gen *g, const char *rel, const char *target)
{
	int r = gen_symlink(g->dest, rel, target);

	if (r < 0)
		gen_log(r == -EEXIST ? GEN_LOG_WARNING : GEN_LOG_ERR, "cannot link %s/%s: %s",
			g->dest, rel, hp_strerror(r));
}

static void write_mounts(struct gen *g)
{
	for (size_t i = 0; i < g->units.nr_mounts; i++) {
		const struct hp_unit_mount *m = &g->units.mounts[i];
		char rel[HP_UNIT_NAME_MAX + 64], target[HP_UNIT_NAME_MAX + 8];
		char *text;
		int r;

		r = gen_fstab_has(g->root, m->where);
		if (r < 0)
			gen_log(GEN_LOG_WARNING, "cannot read " HP_P_FSTAB ": %s", hp_strerror(r));
		if (r > 0) {
			gen_log(GEN_LOG_NOTICE, HP_P_FSTAB " mounts %s: no %s generated", m->where,
				m->unit);
			continue;
		}
		if (hp_unit_mount_text(m, &text) < 0) {
			gen_log(GEN_LOG_ERR, "out of memory writing %s", m->unit);
			continue;
		}
		write_text(g, m->unit, NULL, text);
		/* pulled in as systemd's dev-hugepages.mount is */
		snprintf(rel, sizeof(rel), "sysinit.target.wants/%s", m->unit);
		snprintf(target, sizeof(target), "../%s", m->unit);
		link_unit(g, rel, target);
	}
}

static void write_verify(struct gen *g)
{
	char *text;

	link_unit(g, "multi-user.target.wants/" HP_VERIFY_UNIT, HP_UNITDIR "/" HP_VERIFY_UNIT);
	if (hp_unit_verify_dropin_text(&g->units, &text) < 0)
		gen_log(GEN_LOG_ERR, "out of memory writing the " HP_VERIFY_UNIT " drop-in");
	else if (text)
		write_text(g, HP_VERIFY_UNIT ".d/" DROPIN_NAME, NULL, text);
	if (!g->units.strict)
		return;
	for (const char *const *m = hp_vm_managers; *m; m++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "%s.d/" DROPIN_NAME, *m);
		write_text(g, rel, hp_unit_strict_dropin_text, NULL);
	}
}

static void usage(void)
{
	printf("Usage: %s NORMAL-DIR [EARLY-DIR LATE-DIR]\n\n"
	       "A systemd generator: hugetlbfs mounts for this boot's huge page sizes, and\n"
	       "hugeplan-verify.service when there is a pool or a plan. Run by systemd at boot;\n"
	       "hugeplan=0 on the kernel command line turns it off. See hugeplan-generator(8).\n",
	       program_invocation_short_name);
}

int main(int argc, char **argv)
{
	/* static: no allocation to fail or to free; its pages are written only where used */
	static struct gen the_gen;
	struct gen *g = &the_gen;
	int r;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage();
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("%s %s\n", HP_GENERATOR, HP_VERSION);
		return 0;
	}
	g->root = getenv("HUGEPLAN_ROOT");
	gen_log_open(g->root);
	if (argc != 2 && argc != 4) {
		gen_log(GEN_LOG_ERR, "expected one or three output directories, not %d arguments",
			argc - 1);
		goto out;
	}
	g->dest = argv[1];
	/* one open of the root for every read beneath it (no child is forked here) */
	(void)hp_root_hold(g->root);
	if (hp_parse_boolean(getenv("SYSTEMD_IN_INITRD")) > 0) {
		gen_log(GEN_LOG_DEBUG, "in the initrd: nothing to do (hugeplan-verify covers it)");
		goto out;
	}
	r = hp_host_read_kernel(g->root, &g->host);
	if (r < 0) {
		gen_log(GEN_LOG_ERR, "cannot read the kernel's facts: %s%s; nothing generated",
			g->root ? g->root : "", g->host.err);
		goto out;
	}
	gen_log_cmdline(g->host.cmdline);
	if (disabled(g->host.cmdline)) {
		gen_log(GEN_LOG_INFO, "disabled by hugeplan=0 on the kernel command line");
		goto out;
	}
	hp_host_karch(&g->host, &g->arch);
	hp_kcmdline_simulate(g->host.cmdline, &g->arch, &g->req);
	if (g->req.unmodelled_node)
		gen_log(GEN_LOG_ERR,
			"the kernel command line asks for pages on node %u: hugeplan models nodes 0-%u only; units generated as if the kernel ignored that request",
			g->req.unmodelled_node - 1, HP_MAX_NODES - 1);
	for (size_t i = 0; i < g->req.nr_msgs; i++)
		gen_log(GEN_LOG_DEBUG, "the command line made the kernel say: %s", g->req.msgs[i]);
	read_config(g);
	r = hp_units_decide(&g->req, g->planned, g->nr_planned, g->plan_exists, g->strict,
			    &g->units);
	if (r < 0) {
		gen_log(GEN_LOG_ERR, "cannot name the mount units: %s", hp_strerror(r));
		goto out;
	}
	write_mounts(g);
	if (g->units.verify)
		write_verify(g);
	gen_log(GEN_LOG_DEBUG, "%zu mount unit%s; " HP_VERIFY_UNIT " %s%s", g->units.nr_mounts,
		g->units.nr_mounts == 1 ? "" : "s",
		g->units.verify ? "enabled" : "not enabled (no pool, no VM planned)",
		g->units.strict ? ", required by the VM managers (Strict=yes)" : "");
out:
	hp_root_release();
	gen_output_close();
	gen_fstab_free();
	gen_log_close();
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdline-edit.h"
#include "core/kdump.h"
#include "core/macro.h"
#include "core/owners.h"
#include "core/pathnames.h"
#include "core/size.h"

/* the owned words of text, as the kernel splits it (before a "--"), joined by spaces */
static size_t owned_words(const char *text, char *out, size_t len)
{
	const char *p = text;
	size_t n = 0, o = 0, k;

	out[0] = '\0';
	while ((p = hp_kword(p, &k))) {
		if (k == 2 && !strncmp(p, "--", 2))
			break;
		if (hp_word_owned(p, k)) {
			if (o < len)
				o += (size_t)snprintf(out + o, len - o, "%s%.*s", n ? " " : "",
						      (int)k, p);
			n++;
		}
		p += k;
	}
	return n;
}

/* the pools a command line asks of the kernel: "2 x 1G, 64 x 2M", "" none */
static uint64_t pools(const char *cmdline, const struct hp_karch *arch, char *out, size_t len)
{
	struct hp_kreq *req = calloc(1, sizeof(*req));
	uint64_t total;

	out[0] = '\0';
	if (!req)
		return 0;
	hp_kcmdline_simulate(cmdline, arch, req);
	total = hp_kreq_summary(req, out, len);
	free(req);
	return total;
}

static void grub_init(const struct hp_owner_facts *f, struct hp_findings *out)
{
	struct hp_finding *x;

	if (!f->init_file[0])
		return;
	x = hp_findings_add(
		out, "grub-init", HP_CHECK_ERROR,
		"%s:%u: GRUB_CMDLINE_LINUX holds a \"--\": grub.cfg's linux lines put GRUB_CMDLINE_LINUX_DEFAULT after it, so the kernel hands every later word, hugeplan's included, to init and reserves no pool",
		f->init_file, f->init_line);
	hp_finding_fix(
		x,
		"move the \"--\" and the words after it (init's) to the end of GRUB_CMDLINE_LINUX_DEFAULT in %s, where hugeplan puts its words before them, or remove it",
		f->init_file);
}

static void tuned(const struct hp_owner_facts *f, struct hp_findings *out)
{
	const char *profile = f->tuned_profile[0] ? f->tuned_profile : "(none active)";
	char words[512], from[HP_OWNER_PATH_MAX + 64] = "";
	struct hp_finding *x;

	if (!owned_words(f->tuned_cmdline, words, sizeof(words)))
		return;
	if (f->tuned_conf[0] && f->tuned_conf_line)
		snprintf(from, sizeof(from), ", from %s:%u", f->tuned_conf, f->tuned_conf_line);
	x = hp_findings_add(
		out, "tuned", HP_CHECK_ERROR,
		"tuned profile %s puts %s on the kernel command line (TUNED_BOOT_CMDLINE in %s%s): %s, so the kernel takes tuned's pool, not hugeplan's",
		profile, words, f->tuned_file, from,
		f->tuned_grub ? HP_P_TUNED_GRUB
			" makes it $tuned_params, which stands before hugeplan's words"
			      : "tuned adds it to the boot entries before hugeplan's words");
	hp_finding_fix(
		x,
		"take the huge page words out of the [bootloader] cmdline= of profile %s (copy it to " HP_P_TUNED_ETC
		"/%s/ to change it) and run 'tuned-adm profile %s', or pick a profile without them",
		profile, f->tuned_profile[0] ? f->tuned_profile : "PROFILE",
		f->tuned_profile[0] ? f->tuned_profile : "PROFILE");
}

static int kdump(const struct hp_owner_facts *f, const struct hp_owner_needs *n,
		 struct hp_findings *out)
{
	const bool deb = f->kdump == HP_KDUMP_DEBIAN;
	const char *tool = deb ? "kdump-config" : "kdumpctl";
	const char *cmdline_var = deb ? "KDUMP_CMDLINE" : "KDUMP_COMMANDLINE";
	const char *append_var = deb ? "KDUMP_CMDLINE_APPEND" : "KDUMP_COMMANDLINE_APPEND";
	char *crash = NULL, got[256], words[512];
	struct hp_finding *x;
	int r;

	if (f->kdump == HP_KDUMP_NONE)
		return 0;
	if (deb)
		r = hp_kdump_debian(n->next ? n->next : "",
				    f->kdump_cmdline_line ? f->kdump_cmdline : NULL,
				    f->kdump_append_line ? f->kdump_append : NULL, &crash);
	else
		r = hp_kdump_redhat(n->next ? n->next : "",
				    f->kdump_cmdline_line ? f->kdump_cmdline : NULL,
				    f->kdump_remove, f->kdump_append, &crash);
	if (r < 0)
		return r;
	if (!pools(crash, n->arch, got, sizeof(got))) {
		hp_findings_add(
			out, "kdump", HP_CHECK_OK,
			"the crash kernel's command line (as %s builds it from %s) has no huge page pool",
			tool, f->kdump_file);
		free(crash);
		return 0;
	}
	free(crash);
	/* which setting brings the pool in */
	if (f->kdump_cmdline_line && pools(f->kdump_cmdline, n->arch, words, sizeof(words))) {
		owned_words(f->kdump_cmdline, words, sizeof(words));
		x = hp_findings_add(
			out, "kdump", HP_CHECK_ERROR,
			"the crash kernel would reserve %s: %s in %s:%u holds %s, and the crash kernel has only the memory crashkernel= sets aside",
			got, cmdline_var, f->kdump_file, f->kdump_cmdline_line, words);
		hp_finding_fix(x, "take the huge page words out of %s in %s", cmdline_var,
			       f->kdump_file);
	} else if (owned_words(f->kdump_append, words, sizeof(words))) {
		x = hp_findings_add(
			out, "kdump", HP_CHECK_ERROR,
			"the crash kernel would reserve %s: %s in %s:%u holds %s, and the crash kernel has only the memory crashkernel= sets aside",
			got, append_var, f->kdump_file, f->kdump_append_line, words);
		hp_finding_fix(x, "take the huge page words out of %s in %s", append_var,
			       f->kdump_file);
	} else {
		x = hp_findings_add(
			out, "kdump", HP_CHECK_ERROR,
			"the crash kernel would reserve %s: %s takes the next boot's command line with hugeplan's words, and KDUMP_COMMANDLINE_REMOVE in %s does not take them out",
			got, tool, f->kdump_file);
		hp_finding_fix(
			x,
			"add hugepages hugepagesz default_hugepagesz to KDUMP_COMMANDLINE_REMOVE in %s",
			f->kdump_file);
	}
	return 0;
}

int hp_owners_evaluate(const struct hp_owner_facts *f, const struct hp_owner_needs *n,
		       struct hp_findings *out)
{
	int r;

	if (n->grub)
		grub_init(f, out);
	tuned(f, out);
	r = kdump(f, n, out);
	if (r < 0)
		return r;
	return out->nr >= HP_CHECK_MAX_FINDINGS ? -ENOSPC : 0;
}

/* the index among s's words (next_arg()'s splitting) of the first that starts with w, or -1 */
static long find_word(const char *s, const char *w)
{
	const char *p = s;
	size_t wl = strlen(w), k;
	long i = 0;

	while ((p = hp_kword(p, &k))) {
		if (k >= wl && !strncmp(p, w, wl))
			return i;
		p += k;
		i++;
	}
	return -1;
}

int hp_owners_stale_cause(const struct hp_owner_facts *f, const char *boot, size_t nr_tokens,
			  char *msg, size_t len)
{
	long dash = find_word(boot, "--"), ours = find_word(boot, "hugeplan.plan=");
	/* hugeplan's words stand together, hugeplan.plan= last */
	long start = ours - (long)(nr_tokens ? nr_tokens - 1 : 0);
	char words[512], first[128];

	if (ours >= 0 && dash >= 0 && dash < ours) {
		char where[HP_OWNER_PATH_MAX + 48] = "";

		if (f->init_file[0])
			snprintf(where, sizeof(where), " (GRUB_CMDLINE_LINUX, %s:%u)", f->init_file,
				 f->init_line);
		snprintf(
			msg, len,
			"hugeplan's words come after a \"--\" on this boot's command line%s, so the kernel handed them to init: move the \"--\" and init's words to the end of GRUB_CMDLINE_LINUX_DEFAULT, run `hugeplan apply` and reboot",
			where);
		return 1;
	}
	if (owned_words(f->tuned_cmdline, words, sizeof(words))) {
		long t;

		snprintf(first, sizeof(first), "%.*s", (int)strcspn(words, " "), words);
		t = find_word(boot, first);
		if (t >= 0 && (ours < 0 || t < start)) {
			snprintf(
				msg, len,
				"tuned profile %s's huge page words (%s) come before hugeplan's on this boot's command line and the kernel took them: take them out of the profile's [bootloader] cmdline=, run 'tuned-adm profile %s' and reboot",
				f->tuned_profile[0] ? f->tuned_profile : "(none active)", words,
				f->tuned_profile[0] ? f->tuned_profile : "PROFILE");
			return 1;
		}
	}
	return 0;
}

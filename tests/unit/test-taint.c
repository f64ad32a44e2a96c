// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * No byte of a configuration reaches the kernel arguments but validated numbers and sizes.
 *
 * What can flow from a configuration into a rendering (core/render.c): the page sizes (from
 * PageSize=, DefaultPageSize= or the host), the page counts (computed from Memory=,
 * Instances=, Node= and the host) and hugetlb_free_vmemmap (from FreeVmemmap=). Names, file
 * names, comments and every other byte never do. So:
 *
 * 1. every hostile string in every place of a valid configuration (each key's value, a VM's
 *    Name=, its file name, a comment, an unknown key) is either refused with a message, or
 *    accepted, and then the rendering is byte for byte the one of the same configuration
 *    without it (names, file names and comments change nothing) and follows the strict
 *    grammar of tests/fuzz/fuzz.h;
 * 2. the hostile strings are refused in every value, the names never reach a token, and
 *    a plan that the kernel would read differently is never rendered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp-test.h"
#include "../fuzz/fuzz.h"
#include "config/config.h"
#include "core/host.h"
#include "core/plan.h"
#include "core/render.h"
#include "core/size.h"

static const char *const hostile[] = {
	"$(reboot)",
	"`reboot`",
	"; reboot",
	"&& reboot",
	"| sh",
	"\"quoted\"",
	"'quoted'",
	"a\\",
	"\\\" ; reboot ; \\\"",
	"${IFS}reboot",
	"$((1+1))",
	"> /etc/passwd",
	"\" GRUB_CMDLINE_LINUX=\"init=/bin/sh",
	"init=/bin/sh",
	"hugepages=99999",
	"-- rd.break",
	"\x1b[2J\x1b]0;x\x07",
	"\xff\xfe\x80",
	"caf\xc3\xa9",
	"\t",
	"\r",
	" ",
	"*",
	"../../../etc/shadow",
	"4G;reboot",
	"4G $(reboot)",
	"1G`id`",
	"0:1,1:1",
	"xqjw-evil.name_1", /* a valid name: accepted, and must not show */
};

/* the placements: %s is the hostile string */
enum where { W_VALUE, W_NAME, W_FILE, W_COMMENT, W_KEY };

static const char *const vm_keys[] = { "Memory",    "PageSize", "Node",
				       "Instances", "Enabled",	"Passthrough" };
static const char *const host_keys[] = { "ReserveMemory", "ReserveMemoryPerNode", "DefaultPageSize",
					 "FreeVmemmap", "Strict" };

#define MAIN "[Host]\nReserveMemory=6G\nFreeVmemmap=yes\n"
#define DB   "[VM]\nMemory=8G\nPageSize=1G\nNode=1\n"
#define WEB  "[VM]\nMemory=2G\nPageSize=2M\nInstances=3\n"

struct conf {
	char main[512], db[512], web[512], webfile[256];
};

static void base(struct conf *c)
{
	snprintf(c->main, sizeof(c->main), "%s", MAIN);
	snprintf(c->db, sizeof(c->db), "%s", DB);
	snprintf(c->web, sizeof(c->web), "%s", WEB);
	snprintf(c->webfile, sizeof(c->webfile), "/etc/hugeplan/vms.d/web.conf");
}

static struct hp_host host(void)
{
	struct hp_host h;

	memset(&h, 0, sizeof(h));
	h.nr_nodes = 2;
	h.nodes[0] = (struct hp_node){ 0, 16 * HP_GIB };
	h.nodes[1] = (struct hp_node){ 1, 32 * HP_GIB };
	h.mem_total = 48 * HP_GIB;
	h.online_mask = 3;
	h.numa_sysfs = true;
	h.sizes[0] = 2 * HP_MIB;
	h.sizes[1] = HP_GIB;
	h.nr_sizes = 2;
	h.x86 = h.pdpe1gb = true;
	h.kver = HP_KVER(6, 1, 0);
	return h;
}

/*
 * config -> plan -> render -> the kernel's reading: 0 and the joined tokens in line, or -1
 * when refused (a message is then set).
 */
static int pipeline(const struct conf *c, char *line, size_t len)
{
	struct hp_conf_text t[] = {
		{ "/etc/hugeplan/hugeplan.conf", HP_CONF_MAIN, c->main, strlen(c->main) },
		{ "/etc/hugeplan/vms.d/db.conf", HP_CONF_VM, c->db, strlen(c->db) },
		{ c->webfile, HP_CONF_VM, c->web, strlen(c->web) },
	};
	struct hp_host h = host();
	struct hp_config cfg;
	struct hp_plan plan;
	struct hp_kargs *args = malloc(sizeof(*args));
	struct hp_karch a;
	struct hp_diag d = { 0 };
	const char *toks[HP_MAX_TOKENS], *bad;
	char why[256];
	int r;

	assert_non_null(args);
	r = hp_config_load_texts(t, 3, &cfg, &d);
	if (r < 0) {
		assert_true(d.msg[0]);
		free(args);
		return -1;
	}
	r = hp_plan_compute(&h, &cfg.host, cfg.vms, cfg.nr_vms, NULL, &plan, &d);
	if (r < 0) {
		assert_true(d.msg[0]);
		hp_config_free(&cfg);
		free(args);
		return -1;
	}
	assert_int_equal(hp_render(&plan, args), 0);
	hp_host_karch(&h, &a);
	assert_int_equal(hp_render_check(&plan, args, &a, why, sizeof(why)), 0);
	for (size_t i = 0; i < args->n; i++)
		toks[i] = args->tok[i];
	bad = fz_kargs_check(toks, args->n, NULL);
	if (bad)
		fail_msg("rendering outside the grammar: %s", bad);
	hp_kargs_join(args, line, len);
	for (size_t i = 0; i < cfg.nr_vms; i++)
		assert_null(strstr(line, cfg.vms[i].name[0] == 'x' ? cfg.vms[i].name : "\x01"));
	hp_plan_free(&plan);
	hp_config_free(&cfg);
	free(args);
	return 0;
}

static void place(struct conf *c, enum where w, const char *key, bool host_key, const char *h)
{
	char *body = host_key ? c->main : c->web;
	size_t blen = host_key ? sizeof(c->main) : sizeof(c->web);
	size_t o = strlen(body);

	switch (w) {
	case W_VALUE:
		snprintf(body + o, blen - o, "%s=%s\n", key, h);
		break;
	case W_NAME:
		snprintf(body + o, blen - o, "Name=%s\n", h);
		break;
	case W_FILE:
		snprintf(c->webfile, sizeof(c->webfile), "/etc/hugeplan/vms.d/%s.conf", h);
		break;
	case W_COMMENT:
		snprintf(body + o, blen - o, "# %s\n; %s\n", h, h);
		break;
	case W_KEY:
		snprintf(body + o, blen - o, "%s=1\n", h);
		break;
	}
}

static void test_hostile_everywhere(void **state)
{
	char want[HP_MAX_TOKENS * HP_TOKEN_MAX], got[HP_MAX_TOKENS * HP_TOKEN_MAX];
	struct conf c;
	size_t accepted = 0, refused = 0;

	(void)state;
	base(&c);
	assert_int_equal(pipeline(&c, want, sizeof(want)), 0);
	/* the numbers, worked out as in tests/cli/README.md's numa case: db 8 x 1G pinned */
	assert_non_null(strstr(want, "hugepagesz=1G hugepages=1:8 "));
	assert_non_null(strstr(want, "hugetlb_free_vmemmap=on hugeplan.plan="));

	for (size_t i = 0; i < ARRAY_SIZE(hostile); i++) {
		const char *h = hostile[i];
		bool valid_name = hp_vm_name_valid(h);

		for (int w = W_VALUE; w <= W_KEY; w++) {
			size_t nk = w == W_VALUE ? ARRAY_SIZE(vm_keys) + ARRAY_SIZE(host_keys) : 2;

			for (size_t k = 0; k < nk; k++) {
				bool hk = w == W_VALUE ? k >= ARRAY_SIZE(vm_keys) : k == 1;
				const char *key = w != W_VALUE ? NULL
						  : k < ARRAY_SIZE(vm_keys)
							  ? vm_keys[k]
							  : host_keys[k - ARRAY_SIZE(vm_keys)];
				int r;

				if (w == W_NAME || w == W_FILE)
					hk = false;
				base(&c);
				place(&c, (enum where)w, key, hk, h);
				r = pipeline(&c, got, sizeof(got));
				print_message("%s in %d/%s: %s\n", h, w, key ? key : "-",
					      r ? "refused" : "accepted");
				if (r) {
					refused++;
					/* a name that is valid is taken */
					assert_false((w == W_NAME || w == W_FILE) && valid_name);
					/* a comment never matters, unless it breaks the line */
					assert_false(w == W_COMMENT && !strpbrk(h, "\r"));
					continue;
				}
				accepted++;
				/*
				 * No hostile value is a valid value. Blanks alone make an empty
				 * value, which resets the key to its default: the rendering may
				 * change then, but only to another one of the grammar (checked).
				 */
				if (w == W_VALUE) {
					assert_true(h[strspn(h, " \t\r")] == '\0');
					continue;
				}
				/* as a key, only a comment */
				assert_true(w != W_KEY || h[strspn(h, " \t")] == ';' ||
					    h[strspn(h, " \t")] == '#');
				/* names, file names, comments: the same rendering */
				assert_string_equal(got, want);
			}
		}
	}
	print_message("%zu placements accepted, %zu refused\n", accepted, refused);
	assert_true(accepted > 0 && refused > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan - plan, apply and verify boot-time huge page reservations.
 * A table of commands, as kmod's tools/kmod.c: each parses its own options.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/macro.h"

static const struct hp_command commands[] = {
	{ "plan", cmd_plan, "compute the reservation and check that it fits this host" },
	{ "cmdline", cmd_cmdline, "print the kernel arguments of the plan" },
	{ "check", cmd_check, "check that the kernel that will boot can serve the plan" },
	{ "apply", cmd_apply, "write the kernel arguments to the boot loader configuration" },
	{ "remove", cmd_remove, "take hugeplan's kernel arguments out again" },
	{ "status", cmd_status, "whether this boot's pool serves today's plan and its VMs" },
	{ "metrics", cmd_metrics, "the status as Prometheus metrics (node_exporter textfile)" },
	{ "replan", cmd_replan, "after a VM definition changed: say what changed, or apply" },
	{ "vm", cmd_vm, "start/stop: a dynamic VM's huge pages (libvirt's hook)" },
};

static void usage(void)
{
	printf("Usage:\n %s [options] <command> [command options]\n\n",
	       program_invocation_short_name);
	printf("Plan, apply and verify boot-time huge page reservations for VM hosts.\n\n");
	printf("Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].help);
	printf("\nOptions:\n"
	       "  -h, --help     display this help\n"
	       "  -V, --version  display version\n"
	       "\nRun '%s <command> --help' for a command's options. See hugeplan(8).\n",
	       program_invocation_short_name);
}

int main(int argc, char **argv)
{
	const char *cmd;

	setlocale(LC_ALL, "");
	if (argc < 2) {
		usage();
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage();
		return 0;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("%s %s\n", program_invocation_short_name, HP_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, cmd))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\nTry '%s --help' for more information.\n",
		program_invocation_short_name, cmd, program_invocation_short_name);
	return EXIT_USAGE;
}

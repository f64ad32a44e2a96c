/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the early-boot report (/run/hugeplan/boot-report.json, schema 1, written by
 * hugeplan-verify: core/bootreport.h documents it) back into a verdict, so that hugeplan status
 * shows it with the verifier's own summary (hp_report_summary()). Uses json-c: only the CLI
 * reads JSON; the verifier, which writes it, stays libc only.
 */
#ifndef HP_CLI_REPORT_H
#define HP_CLI_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/verdict.h"

struct hp_report_info {
	char generator[64];
	char kernel[128];
	char cmdline[4096];
	char plan[65];
	char kmsg[256]; /* "read", or why the verifier could not read the kernel log */
	uint64_t default_size;
	uint64_t elapsed_us;
};

/*
 * hp_report_parse - text into *v and *info. Fields the verdict does not hold are skipped;
 * unknown ones too (a newer verifier may add some). -EINVAL when it is not JSON, not schema 1,
 * or a field is missing or of the wrong type: err says which. -ENOMEM.
 */
int hp_report_parse(const char *text, struct hp_verdict *v, struct hp_report_info *info, char *err,
		    size_t errlen);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging for hugeplan-generator, as systemd's own generators log: generators may talk to no
 * other process, so not to syslog or the journal. To /dev/kmsg when systemd started us (it
 * sets $SYSTEMD_SCOPE for generators since v251; before that, our parent is PID 1), to stderr
 * otherwise; $SYSTEMD_LOG_TARGET=kmsg or console forces one. The level is info unless
 * $SYSTEMD_LOG_LEVEL or, failing that, systemd.log_level= on the kernel command line says
 * otherwise (a name such as "debug" or a number 0-7). If /dev/kmsg cannot be opened, stderr.
 * /dev/kmsg is opened at the first message, not at start: most boots log nothing.
 */
#ifndef HP_GEN_LOG_H
#define HP_GEN_LOG_H

#include <stdbool.h>

enum {
	GEN_LOG_ERR = 3,
	GEN_LOG_WARNING = 4,
	GEN_LOG_NOTICE = 5,
	GEN_LOG_INFO = 6,
	GEN_LOG_DEBUG = 7,
};

/* gen_log_open - choose the target; root prefixes /dev/kmsg (tests). Call first. */
void gen_log_open(const char *root);

/* gen_log_cmdline - take systemd.log_level= from the kernel command line, unless the
 * environment set a level. */
void gen_log_cmdline(const char *cmdline);

/* gen_log_level_parse - "err", "warning", ..., "debug" or "0".."7"; -EINVAL otherwise. */
int gen_log_level_parse(const char *s);

/* gen_log_enabled - messages of that level would be written */
bool gen_log_enabled(int level);

void gen_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void gen_log_close(void);

#endif

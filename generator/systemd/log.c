// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kcmdline.h"
#include "sys/path.h"
#include "sys/root.h"
#include "systemd/log.h"

#define LOG_FAC_DAEMON (3 << 3) /* syslog's LOG_DAEMON, as systemd's generators use */

static int max_level = GEN_LOG_INFO;
static bool level_from_env;
static int kmsg_fd = -1;
/* the kernel log is opened at the first message that goes there, not at start: on most
 * boots there is none, and an open is microseconds at every boot */
static bool kmsg_wanted;
static const char *kmsg_root;

int gen_log_level_parse(const char *s)
{
	static const char *const names[] = { "emerg",	"alert",  "crit", "err",
					     "warning", "notice", "info", "debug" };

	if (s[0] >= '0' && s[0] <= '7' && !s[1])
		return s[0] - '0';
	for (int i = 0; i < 8; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -EINVAL;
}

void gen_log_open(const char *root)
{
	const char *lvl = getenv("SYSTEMD_LOG_LEVEL");
	const char *target = getenv("SYSTEMD_LOG_TARGET");
	bool kmsg;

	if (lvl && gen_log_level_parse(lvl) >= 0) {
		max_level = gen_log_level_parse(lvl);
		level_from_env = true;
	}
	if (target && !strcmp(target, "console"))
		kmsg = false;
	else if (target && !strcmp(target, "kmsg"))
		kmsg = true;
	else
		kmsg = getenv("SYSTEMD_SCOPE") || getppid() == 1;
	kmsg_wanted = kmsg;
	kmsg_root = root;
	if (lvl && !level_from_env)
		gen_log(GEN_LOG_WARNING, "SYSTEMD_LOG_LEVEL=%s: not a log level, ignored", lvl);
}

void gen_log_cmdline(const char *cmdline)
{
	char param[64], val[64];
	const char *p = cmdline;
	bool has_val;

	if (level_from_env)
		return;
	while ((p = hp_kcmdline_next(p, param, sizeof(param), val, sizeof(val), &has_val))) {
		if (!has_val || !hp_param_eq(param, "systemd.log_level"))
			continue;
		if (gen_log_level_parse(val) >= 0)
			max_level = gen_log_level_parse(val);
	}
}

bool gen_log_enabled(int level)
{
	return level <= max_level;
}

void gen_log(int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!gen_log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (kmsg_wanted) {
		struct stat st;

		kmsg_wanted = false;
		/* never blocking on a FIFO planted at dev/kmsg under a root; a device or a file */
		kmsg_fd = hp_root_open(kmsg_root, HP_P_KMSG, O_WRONLY | O_APPEND | O_NONBLOCK, 0);
		if (kmsg_fd >= 0 &&
		    (fstat(kmsg_fd, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISREG(st.st_mode)))) {
			close(kmsg_fd);
			kmsg_fd = -1;
		}
	}
	if (kmsg_fd >= 0) {
		char rec[1100];
		int n = snprintf(rec, sizeof(rec), "<%d>hugeplan-generator[%d]: %s\n",
				 LOG_FAC_DAEMON | level, (int)getpid(), msg);

		/* one write() is one record; a failed one is not worth more than stderr */
		if (n > 0 && write(kmsg_fd, rec, (size_t)n) == n)
			return;
	}
	fprintf(stderr, "hugeplan-generator: %s\n", msg);
}

void gen_log_close(void)
{
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	kmsg_fd = -1;
	kmsg_wanted = false;
}

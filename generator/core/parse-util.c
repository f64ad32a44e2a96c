// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <strings.h>

#include "core/macro.h"
#include "core/parse-util.h"

int hp_parse_boolean(const char *v)
{
	static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
	static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

	if (!v)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -EINVAL;
}

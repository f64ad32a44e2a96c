/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small value parsers every front end shares. Pure. */
#ifndef HP_PARSE_UTIL_H
#define HP_PARSE_UTIL_H

/*
 * hp_parse_boolean - systemd's parse_boolean(): "1", "yes", "y", "true", "t", "on" are 1,
 * "0", "no", "n", "false", "f", "off" are 0, letters in any case ("OFF", "Yes"); anything
 * else, NULL included, is -EINVAL. hugeplan.conf's Enabled=, Strict=, ... and the
 * generator's hugeplan= read their values with it, as systemd reads its own.
 */
int hp_parse_boolean(const char *v);

#endif

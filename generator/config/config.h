/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loads hugeplan's configuration the way systemd and the UAPI config-file conventions do:
 *
 *   hugeplan.conf              [Host] settings; the first found in the search path is used
 *   hugeplan.conf.d/NAME.conf  drop-ins, applied in lexical order of NAME over hugeplan.conf
 *   vms.d/NAME.conf            one [VM] each; the VM is named NAME unless Name= says otherwise
 *
 * Search path, highest priority first: /etc/hugeplan, /run/hugeplan, /usr/lib/hugeplan (under
 * a root). A file replaces a same-named file of a lower directory; a symlink to /dev/null or
 * an empty file masks it. An explicit directory replaces the whole search path.
 *
 * Files are parsed with libinih after a pass of our own that rejects what inih would silently
 * misread (NUL bytes, lines longer than inih's buffer, unknown sections) and strips leading
 * blanks (inih would take an indented line as a continuation). Unknown keys and sections,
 * malformed values and duplicate VM names are errors reported as FILE:LINE.
 */
#ifndef HP_CONFIG_H
#define HP_CONFIG_H

#include <stddef.h>

#include "core/vm.h"

#define HP_CONF_FILE_MAX (1U << 20) /* bytes */
#define HP_CONF_LINE_MAX 200	    /* characters; inih's line buffer */

struct hp_config {
	struct hp_settings host;
	struct hp_vm *vms; /* in lexical order of their file names */
	size_t nr_vms;
	char **files; /* every file read, in the order read (the string pool of hp_loc) */
	size_t nr_files;
	char **dirs; /* the search path used */
	size_t nr_dirs;
};

/*
 * hp_config_load - read the configuration. confdir non-NULL replaces the search path by that
 * one directory (not prefixed by root); otherwise the search path is taken under root (NULL
 * or "/" for the running system). On failure returns -errno (-EINVAL for bad content) with
 * err set and c left empty. hp_config_free() releases a loaded configuration.
 */
int hp_config_load(const char *root, const char *confdir, struct hp_config *c, struct hp_diag *err);
void hp_config_free(struct hp_config *c);

/*
 * hp_config_load_host - as hp_config_load(), but only the [Host] settings (hugeplan.conf and
 * its drop-ins): c->vms stays empty. For the generator, which runs at every boot and needs
 * Strict= but not a whole vms.d.
 */
int hp_config_load_host(const char *root, const char *confdir, struct hp_config *c,
			struct hp_diag *err);

/*
 * hp_config_any_vm - whether the search path of c (as loaded by either function) holds an
 * enabled VM: reads vms.d in order and stops at the first one. 1 yes, 0 no, -errno with err
 * set when a file on the way cannot be read or is malformed.
 */
int hp_config_any_vm(struct hp_config *c, struct hp_diag *err);

/* hp_config_defaults - the settings of an empty configuration. */
void hp_config_defaults(struct hp_settings *s);

#endif

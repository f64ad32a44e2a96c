/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the source parsers share. Pure. */
#ifndef HP_SOURCES_SOURCE_H
#define HP_SOURCES_SOURCE_H

#include "core/vm.h"

/* hp_source_vm_init - an empty imported VM of that source defined in file (line 0). */
void hp_source_vm_init(struct hp_vm *vm, enum hp_source src, const char *file);

#endif

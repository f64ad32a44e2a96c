// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "sources/source.h"

void hp_source_vm_init(struct hp_vm *vm, enum hp_source src, const char *file)
{
	memset(vm, 0, sizeof(*vm));
	vm->source = src;
	vm->loc.file = file;
	vm->instances = 1;
	vm->enabled = true;
}

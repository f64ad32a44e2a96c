# hugeplan: plan, apply and verify boot-time huge page reservations.
#
#   make            build build/hugeplan, build/hugeplan-verify, build/hugeplan-generator
#   make check      every test tier; ends with "N passed, N failed"
#   make demo       plan the bundled example host from vms.d files, libvirt domains, a Proxmox node
#   make asan       everything again with ASan and UBSan, into $(B)/asan
#   make fuzz       the libFuzzer harnesses tests/fuzz/fuzz-*.c, into $(B)/fuzz
#   make fuzz-long  run each harness for FUZZ_RUNS executions (default 10 million), one at a time
#   make deps       install the Debian packages the build and the tests need
#   make install    install under DESTDIR (PREFIX=/usr/local); make uninstall takes it out again
#
# Folders tell the architecture (generator/README.md has the data flow):
#   generator/core      pure: sizes, kernel command line simulation, placement, rendering, the
#                       preflight judge, the boot verdict, the decisions of apply and remove;
#                       no I/O (libhugeplan-core.a)
#   generator/sys       the edges that read and write the system, all through one sysroot path
#                       layer (libc only; libhugeplan-sys.a)
#   generator/config    hugeplan.conf / vms.d loader (libinih)
#   generator/sources   VMs from where they are defined: libvirt domain XML (libxml2), Proxmox
#                       VM configurations; CLI only (the generator never parses XML at boot)
#   generator/preflight the facts about the kernel that will boot that core/preflight.c judges
#                       (libkmod); CLI only
#   generator/cli       the hugeplan command (libsmartcols)
#   generator/verify    the lean early-boot verifier (libc only: it goes into every initramfs)
#   generator/systemd   the systemd generator

VERSION := 0.1.0
B ?= build
# One spelling of the build folder: targets and the dependency files written with -MMD name
# objects as B spells them, and a relative and an absolute B (the test tiers pass an absolute
# one) would otherwise be two sets of targets, the headers of one never rebuilding the other.
B_ASKED := $(B)
override B := $(abspath $(B))
CC ?= cc
PKG_CONFIG ?= pkg-config

# Installation directories (make install; the unit runs $(BINDIR)/hugeplan and the generator
# links to the unit in $(SYSTEMDUNITDIR)). PREFIX moves what only people and PATH look for:
# the command, man pages, docs. What other programs look for at fixed places comes from the
# pkg-config files they publish (systemd's generator and unit directories, dracut's module
# and conf.d directories, bash-completion's directory), with a fallback when a .pc file is
# missing. hugeplan's vendor configuration directory is compiled in (core/pathnames.h), so it
# does not move with PREFIX either. Every directory can be set on the command line.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/hugeplan
VENDORCONFDIR ?= /usr/lib/hugeplan
SYSCONFDIR ?= /etc
# pcdir VAR,PACKAGE,VARIABLE,FALLBACK: VAR from pkg-config unless set; asked once, not at
# every use (SYSTEMDUNITDIR is in CPPFLAGS).
pcdir = $(if $(filter undefined,$(origin $(1))),$(eval $(1) := $(or \
	$(shell $(PKG_CONFIG) --variable=$(3) $(2) 2>/dev/null),$(4))))
$(call pcdir,SYSTEMDGENERATORDIR,systemd,systemdsystemgeneratordir,$(PREFIX)/lib/systemd/system-generators)
$(call pcdir,SYSTEMDUNITDIR,systemd,systemdsystemunitdir,$(PREFIX)/lib/systemd/system)
$(call pcdir,DRACUTMODULESDIR,dracut,dracutmodulesdir,/usr/lib/dracut/modules.d)
$(call pcdir,DRACUTCONFDIR,dracut,dracutconfdir,/usr/lib/dracut/dracut.conf.d)
$(call pcdir,BASHCOMPLETIONDIR,bash-completion,completionsdir,$(DATADIR)/bash-completion/completions)

CFLAGS ?= -O2 -g
WARNFLAGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral -Wvla -Wpointer-arith -Wundef -Werror=implicit-function-declaration
override CPPFLAGS += -D_GNU_SOURCE -DHP_VERSION='"$(VERSION)"' -Igenerator \
	-DHP_UNITDIR='"$(SYSTEMDUNITDIR)"'
override CFLAGS += -std=gnu11 $(WARNFLAGS) -MMD -MP -ffunction-sections -fdata-sections

CLI_PKGS := smartcols inih json-c libxml-2.0
KMOD_PKGS := libkmod
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(CLI_PKGS) $(KMOD_PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(CLI_PKGS))
KMOD_LIBS = $(shell $(PKG_CONFIG) --libs $(KMOD_PKGS))
GEN_LIBS = $(shell $(PKG_CONFIG) $(if $(GEN_LDFLAGS),--static) --libs inih)

CORE_SRCS := $(sort $(wildcard generator/core/*.c))
SYS_SRCS := $(sort $(wildcard generator/sys/*.c))
CONF_SRCS := $(sort $(wildcard generator/config/*.c))
SRC_SRCS := $(sort $(wildcard generator/sources/*.c))
PREFLIGHT_SRCS := $(sort $(wildcard generator/preflight/*.c))
CLI_SRCS := $(sort $(wildcard generator/cli/*.c))
VERIFY_SRCS := $(sort $(wildcard generator/verify/*.c))
GEN_SRCS := $(sort $(wildcard generator/systemd/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz-*.c))

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
CORE_OBJS := $(call obj,$(CORE_SRCS))
SYS_OBJS := $(call obj,$(SYS_SRCS))
CONF_OBJS := $(call obj,$(CONF_SRCS))
SRC_OBJS := $(call obj,$(SRC_SRCS))
PREFLIGHT_OBJS := $(call obj,$(PREFLIGHT_SRCS))
CLI_OBJS := $(call obj,$(CLI_SRCS))
VERIFY_OBJS = $(call vobj,$(VERIFY_SRCS))
GEN_OBJS := $(call obj,$(GEN_SRCS))
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(B)/%,$(FUZZ_SRCS))

DIRS_STAMP := $(B)/dirs.stamp
PROGRAMS := $(if $(CLI_SRCS),$(B)/hugeplan) $(if $(VERIFY_SRCS),$(B)/hugeplan-verify) $(if $(GEN_SRCS),$(B)/hugeplan-generator)
UNITS := $(patsubst units/%.in,$(B)/units/%,$(wildcard units/*.in))
MAN_SRCS := $(sort $(wildcard man/*.scd))
MANPAGES := $(patsubst man/%.scd,$(B)/man/%,$(MAN_SRCS))
# for fleets (contrib/): the libvirt hook that refreshes the metrics, the Prometheus alert
# rules with their promtool tests, the Ansible role
HOOKS := $(patsubst contrib/libvirt/%.in,$(B)/contrib/%,$(wildcard contrib/libvirt/*.in))
RULE_FILES := $(sort $(wildcard contrib/prometheus/*.yml))
ROLE_FILES := $(sort $(shell find contrib/ansible/roles/hugeplan -type f 2>/dev/null))

all: $(PROGRAMS) $(UNITS) $(MANPAGES) $(HOOKS)

# "make build/hugeplan" still works: a target named with B as it was given is the absolute one
ifneq ($(B_ASKED),$(B))
$(B_ASKED)/%: $(B)/% ;
endif

$(B)/units/%: units/%.in $(DIRS_STAMP)
	@mkdir -p $(@D)
	sed -e 's|@BINDIR@|$(BINDIR)|g' $< >$@

$(B)/contrib/%: contrib/libvirt/%.in $(DIRS_STAMP)
	@mkdir -p $(@D)
	sed -e 's|@BINDIR@|$(BINDIR)|g' $< >$@ && chmod 755 $@

$(B)/man/%: man/%.scd
	@mkdir -p $(@D)
	scdoc <$< >$@.tmp && mv $@.tmp $@

# The installation directories compiled into the generator (HP_UNITDIR) and the unit
# (@BINDIR@): a build for other directories rebuilds what names them.
$(DIRS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo 'BINDIR=$(BINDIR) SYSTEMDUNITDIR=$(SYSTEMDUNITDIR)' | cmp -s - $@ || \
		echo 'BINDIR=$(BINDIR) SYSTEMDUNITDIR=$(SYSTEMDUNITDIR)' >$@
$(GEN_OBJS): $(DIRS_STAMP)
FORCE:

# Objects also depend on the compiler and its flags: make compares times only, so a build
# folder once filled with other flags (the package build's hardening, an -O0 debug build)
# kept its objects, and the next build linked them as they were. The stamp is rewritten
# while the Makefile is read, and only when the text differs; make -n writes nothing and
# shows the objects it would rebuild. The verifier's own objects' extra flags (below, issue
# 20) are part of that compile line, so they are set here. -Os: the verifier's own code is
# about 2% of its run (the rest is the kernel's: exec, faults, system calls), and -Os takes
# its stripped size from 60,016 to 47,744 bytes at the same speed (1.00x in bench-spawn's
# pairs, boot mode, short and met captures): room under the boot tier's 64 KiB, which -O2
# had used up (the data segment's file offset must be congruent with its RELRO-aligned
# address, so a few hundred bytes more code can cost a page of padding in the file).
VERIFY_CFLAGS ?= -fno-asynchronous-unwind-tables -fno-unwind-tables -Os
FLAGS_STAMP := $(B)/flags.stamp
COMPILE_TEXT := $(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(VERIFY_CFLAGS)
ifneq ($(file <$(FLAGS_STAMP)),$(COMPILE_TEXT))
ifeq ($(findstring n,$(firstword -$(MAKEFLAGS))),)
$(shell mkdir -p $(B))
$(file >$(FLAGS_STAMP),$(COMPILE_TEXT))
else
$(FLAGS_STAMP): FORCE
	@:
endif
endif

$(B)/obj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -I$(B)/gen $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

# The GRUB snippet is a real sh file, grub/99-hugeplan.cfg.in; the parameters hugeplan owns
# are one list, grub/owned-params.list. grub/generate.sh makes C headers of both.
GEN_SNIPPET := $(B)/gen/grub-snippet-text.h
GEN_OWNED := $(B)/gen/owned-params.h
$(GEN_SNIPPET): grub/99-hugeplan.cfg.in grub/owned-params.list grub/generate.sh
	@mkdir -p $(@D)
	sh grub/generate.sh snippet grub/99-hugeplan.cfg.in grub/owned-params.list >$@.tmp && mv $@.tmp $@
$(GEN_OWNED): grub/owned-params.list grub/generate.sh
	@mkdir -p $(@D)
	sh grub/generate.sh params grub/owned-params.list >$@.tmp && mv $@.tmp $@
$(B)/obj/generator/core/grub-snippet.o: $(GEN_SNIPPET)
$(B)/obj/generator/core/cmdline-edit.o: $(GEN_OWNED)

# The pure core: computes, touches nothing (tests/lint/run-purity.sh checks its objects).
# (They depend on the Makefile too: what goes in each is decided here.)
$(B)/libhugeplan-core.a: $(CORE_OBJS) Makefile
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)

# The edges that read and write the system, under a root; libc only, like the core: the
# verifier and the generator link nothing else. Links before the core, which it calls.
$(B)/libhugeplan-sys.a: $(SYS_OBJS) Makefile
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)
LIBS_A := $(B)/libhugeplan-sys.a $(B)/libhugeplan-core.a

$(B)/libhugeplan-config.a: $(CONF_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

# The libvirt and Proxmox parsers (pure, libxml2 on a buffer) and their reader sources.c, the
# one member that opens files (tests/lint/run-purity.sh checks both). CLI only.
$(B)/libhugeplan-sources.a: $(SRC_OBJS) Makefile
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)

# libkmod: only the CLI reads module trees; the verifier and the generator stay lean.
$(B)/libhugeplan-preflight.a: $(PREFLIGHT_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/hugeplan: $(CLI_OBJS) $(B)/libhugeplan-preflight.a $(B)/libhugeplan-sources.a $(B)/libhugeplan-config.a $(LIBS_A)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(KMOD_LIBS)

# It goes into every initramfs: unused functions dropped, no page-sized padding between code
# and data in the file (about 9 KiB of the 64 KiB budget; issue 4), and no unwind tables
# (.eh_frame, 6 KiB: nothing unwinds a C program that neither cancels threads nor throws; -g
# still gives debuggers .debug_frame), so it is built from its own objects of the sys and core
# sources (issue 20).
VERIFY_LDFLAGS := -Wl,--gc-sections -Wl,-z,noseparate-code
# dracut strips debug information only (strip -g): the local symbols stay, 2 KiB of names of
# static functions that nothing at boot looks up (the build's -g has them for debuggers)
VERIFY_LDFLAGS += -Wl,--discard-all
# Its libc symbols bound at start (full RELRO, as the package's hardening=+all links it):
# lazily, each first call went through the loader's resolver, which saves the vector
# registers on the stack (2.5 KiB with AVX-512) below the deepest caller, pages of their
# own: 0.98-0.99x the time (bench-spawn, 201 paired runs, boot mode, three times; issue 20).
VERIFY_LDFLAGS += -Wl,-z,now
vobj = $(patsubst %.c,$(B)/obj-verify/%.o,$(1))
VERIFY_LIB_OBJS := $(call vobj,$(SYS_SRCS) $(CORE_SRCS))
$(B)/obj-verify/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -I$(B)/gen $(CFLAGS) $(VERIFY_CFLAGS) -c -o $@ $<
$(B)/obj-verify/generator/core/grub-snippet.o: $(GEN_SNIPPET)
$(B)/obj-verify/generator/core/cmdline-edit.o: $(GEN_OWNED)
$(B)/libhugeplan-verify.a: $(VERIFY_LIB_OBJS) Makefile
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)
$(B)/hugeplan-verify: $(VERIFY_OBJS) $(B)/libhugeplan-verify.a
	$(CC) $(CFLAGS) $(LDFLAGS) $(VERIFY_LDFLAGS) -o $@ $^

# Runs at every boot: libinih and libc only, linked statically (a position-independent
# executable all the same: -static-pie keeps ASLR). A dynamic start is most of what it costs:
# the loader mapping libc and libinih, their relocations and symbol lookups were a fifth of
# its time (0.80x static against dynamic, bench-spawn in boot mode; issue 20). The price is a
# rebuild for a glibc or libinih fix (debian/control's Built-Using says which) and 0.9 MiB.
# GEN_LDFLAGS= links it dynamically (the sanitizer builds do: ASan cannot link statically).
GEN_LDFLAGS ?= -static-pie
$(B)/hugeplan-generator: $(GEN_OBJS) $(B)/libhugeplan-config.a $(LIBS_A)
	$(CC) $(CFLAGS) $(LDFLAGS) $(GEN_LDFLAGS) -o $@ $^ $(GEN_LIBS)

# the same objects linked dynamically, for valgrind (tests/generator): memcheck finds a
# static program's malloc() nowhere to replace, and static glibc's start looks uninitialised
$(B)/tests/hugeplan-generator-dynamic: $(GEN_OBJS) $(B)/libhugeplan-config.a $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs inih)

$(B)/tests/%: tests/unit/%.c $(B)/libhugeplan-preflight.a $(B)/libhugeplan-sources.a $(B)/libhugeplan-config.a $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(KMOD_LIBS) -lcmocka

# the grammar of the kernel arguments hugeplan may write (tests/fuzz/fuzz.h), for shell tests
$(B)/tests/kargs-check: tests/fuzz/kargs-check.c tests/fuzz/fuzz.h
	@mkdir -p $(@D)
	$(CC) -Itests/fuzz $(CFLAGS) $(LDFLAGS) -o $@ $<

# the core's renderings and the atomic file layer from the command line, for the grub tier
$(B)/tests/grub-tool: tests/grub/tool.c $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS_A)

# the core's BLS, PE, GRUB-lexer and kdump models from the command line, for the bootpath tier
$(B)/tests/bootpath-tool: tests/bootpath/tool.c $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS_A)

unit-tests: $(UNIT_BINS) $(B)/tests/kargs-check $(B)/tests/grub-tool $(B)/tests/bootpath-tool \
	$(B)/tests/hugeplan-generator-dynamic

# Reports, never fails a build: not part of check (tests/bench/run.sh says what it measures).
BENCH_BINS := $(B)/bench/bench-spawn $(B)/bench/bench-plan $(B)/bench/hpf-fragment
$(B)/bench/bench-spawn: tests/bench/spawn.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<
# the fragmenting helper of tests/bench/frag.sh, for the guest only
$(B)/bench/hpf-fragment: tests/bench/fragment.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<
$(B)/bench/bench-plan: tests/bench/plan.c $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^

bench:
	tests/install-deps.sh
	$(MAKE) all $(BENCH_BINS)
	B=$(B) tests/bench/run.sh

# One file per harness: whatever tests/fuzz/fuzz-*.c holds is built, and run by tests/fuzz/run.sh.
$(B)/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(B)/libhugeplan-sources.a $(B)/libhugeplan-config.a $(LIBS_A)
	$(CC) $(CPPFLAGS) -Itests/fuzz $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ \
		$(filter %.c %.a,$^) $(PKG_LIBS)

fuzz-bins: $(FUZZ_BINS)

# Sanitized builds go to their own folders, so they never mix objects with the plain one.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CC ?= clang
FUZZ_FLAGS := $(SAN_FLAGS) -fsanitize=fuzzer-no-link
FUZZ_RUNS ?= 10000000

asan:
	$(MAKE) B=$(B)/asan CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" VERIFY_CFLAGS= GEN_LDFLAGS= all unit-tests

fuzz:
	$(MAKE) B=$(B)/fuzz CC=$(FUZZ_CC) CFLAGS="$(FUZZ_FLAGS)" LDFLAGS= fuzz-bins

fuzz-long: fuzz
	B=$(B) FUZZ_RUNS=$(FUZZ_RUNS) tests/fuzz/long.sh

deps:
	tests/install-deps.sh

# Both install what is missing first, so they work on a machine that never saw the project.
check:
	tests/install-deps.sh
	$(MAKE) all unit-tests
	$(MAKE) asan
	$(MAKE) fuzz
	B=$(B) HP_UNITDIR=$(SYSTEMDUNITDIR) HP_BINDIR=$(BINDIR) tests/run-tests.sh

# The example host planned three ways: from vms.d files, from the domains the real libvirt
# wrote (examples/libvirt), from a Proxmox VE node's VMs (examples/proxmox); each of the last
# two is examples/host's facts with that tree laid over them, under $(B)/demo.
demo:
	tests/install-deps.sh build
	$(MAKE) all
	@echo '== a host described in vms.d files: hugeplan plan --config examples/config --root examples/host'
	$(B)/hugeplan plan --config examples/config --root examples/host
	@for src in libvirt proxmox; do \
		rm -rf $(B)/demo/$$src && mkdir -p $(B)/demo && cp -a examples/host $(B)/demo/$$src && \
		cp -a examples/$$src/etc $(B)/demo/$$src/ || exit 1; \
		echo; echo "== a $$src host, no vms.d file (examples/$$src): hugeplan plan --root $(B)/demo/$$src"; \
		$(B)/hugeplan plan --root $(B)/demo/$$src || exit 1; \
	done

clean:
	rm -rf $(B)

# The early-boot verifier is not for people to run: it lives in libexec, where the dracut
# module looks for it (its module-setup.sh names the default path; an install elsewhere
# rewrites that one path).
DRACUT_FILES := $(sort $(wildcard dracut-module/50hugeplan/*))

# SOURCE:DESTINATION:MODE, one per installed file; uninstall removes exactly these.
INSTALL_MAP = \
	$(B)/hugeplan:$(BINDIR)/hugeplan:755 \
	$(B)/hugeplan-verify:$(LIBEXECDIR)/hugeplan/hugeplan-verify:755 \
	$(B)/hugeplan-generator:$(SYSTEMDGENERATORDIR)/hugeplan-generator:755 \
	$(foreach u,$(UNITS),$(u):$(SYSTEMDUNITDIR)/$(notdir $(u)):644) \
	$(foreach f,$(DRACUT_FILES),$(f):$(DRACUTMODULESDIR)/50hugeplan/$(notdir $(f)):755) \
	conf/dracut-hugeplan.conf:$(DRACUTCONFDIR)/50-hugeplan.conf:644 \
	conf/hugeplan.conf:$(VENDORCONFDIR)/hugeplan.conf:644 \
	conf/example-vm.conf:$(DOCDIR)/examples/vms.d/example.conf:644 \
	$(foreach f,$(wildcard examples/config/hugeplan.conf examples/config/vms.d/*.conf),$(f):$(DOCDIR)/examples/two-socket/$(patsubst examples/config/%,%,$(f)):644) \
	README.md:$(DOCDIR)/README.md:644 \
	$(foreach m,$(MANPAGES),$(m):$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)):644) \
	completion/hugeplan:$(BASHCOMPLETIONDIR)/hugeplan:644 \
	$(foreach h,$(HOOKS),$(h):$(SYSCONFDIR)/libvirt/hooks/qemu.d/$(notdir $(h)):755) \
	$(foreach f,$(RULE_FILES),$(f):$(DATADIR)/hugeplan/prometheus/$(notdir $(f)):644) \
	$(foreach f,$(ROLE_FILES),$(f):$(DATADIR)/ansible/roles/$(patsubst contrib/ansible/roles/%,%,$(f)):644)

# Directories that are hugeplan's alone, removed by uninstall once empty (deepest first).
OWN_DIRS = $(DRACUTMODULESDIR)/50hugeplan $(LIBEXECDIR)/hugeplan $(VENDORCONFDIR) \
	$(DOCDIR)/examples/vms.d $(DOCDIR)/examples/two-socket/vms.d $(DOCDIR)/examples/two-socket \
	$(DOCDIR)/examples $(DOCDIR) $(DATADIR)/hugeplan/prometheus $(DATADIR)/hugeplan \
	$(sort $(dir $(patsubst contrib/ansible/roles/%,$(DATADIR)/ansible/roles/%,$(ROLE_FILES)))) \
	$(DATADIR)/ansible/roles/hugeplan

install: all
	@set -e; for m in $(INSTALL_MAP); do \
		src=$${m%%:*}; rest=$${m#*:}; dst=$${rest%:*}; mode=$${rest##*:}; \
		echo "  INSTALL $(DESTDIR)$$dst"; \
		install -D -m "$$mode" "$$src" "$(DESTDIR)$$dst"; \
	done
	@if [ -f "$(DESTDIR)$(DRACUTMODULESDIR)/50hugeplan/module-setup.sh" ]; then \
		sed -i 's|/usr/libexec/hugeplan/|$(LIBEXECDIR)/hugeplan/|g' \
			"$(DESTDIR)$(DRACUTMODULESDIR)/50hugeplan/module-setup.sh"; \
	fi

uninstall:
	@for m in $(INSTALL_MAP); do \
		rest=$${m#*:}; dst=$${rest%:*}; \
		[ -e "$(DESTDIR)$$dst" ] || continue; \
		echo "  RM      $(DESTDIR)$$dst"; rm -f "$(DESTDIR)$$dst"; \
	done
	@for d in $(OWN_DIRS); do rmdir "$(DESTDIR)$$d" 2>/dev/null || true; done

# The directories an install would use, for tests and packagers.
print-dirs:
	@$(foreach v,PREFIX BINDIR LIBEXECDIR DATADIR MANDIR DOCDIR SYSCONFDIR VENDORCONFDIR SYSTEMDGENERATORDIR \
		SYSTEMDUNITDIR DRACUTMODULESDIR DRACUTCONFDIR BASHCOMPLETIONDIR,echo '$(v)=$($(v))';)

.PHONY: all bench check demo deps clean unit-tests install uninstall asan fuzz fuzz-bins fuzz-long print-dirs FORCE
-include $(shell find $(B)/obj $(B)/obj-verify $(B)/tests -name '*.d' 2>/dev/null)

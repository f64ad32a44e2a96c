/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A libvirt domain's QEMU, recognised as libvirt recognises the processes it started.
 *
 * libvirtd records a running domain's QEMU in /run/libvirt/qemu: NAME.pid (written when QEMU
 * starts; libvirt 9 daemonises QEMU itself and passes it no -pidfile) and the status file
 * NAME.xml (<domstatus pid=...>, the live definition with its <emulator>). After a crash, a
 * reboot of libvirtd or a lost stop, the pid may be another process's. libvirt's own test for
 * the processes it starts, virPidFileReadPathIfAlive() (src/util/virpidfile.c), takes the pid
 * when the process is alive and /proc/PID/exe is the binary it started: the same file (device
 * and inode), or, when the binary was replaced since (a package upgrade: the link then reads
 * "PATH (deleted)"), the same path once " (deleted)" is taken off and links are resolved.
 * Every QEMU of a host is the same binary, so a pid reused by another domain's QEMU passes
 * that test; its command line tells them apart: libvirt starts each domain's QEMU with
 * "-name guest=NAME,debug-threads=on" (qemuBuildNameCommandLine(), NAME with each comma
 * doubled as QEMU's option syntax wants), names being unique on a host. Pure: bytes in.
 */
#ifndef HP_LIBVIRTQEMU_H
#define HP_LIBVIRTQEMU_H

#include <stdbool.h>
#include <stddef.h>

/*
 * hp_libvirt_qemu - whether cmdline (len bytes, the arguments NUL-separated as
 * /proc/PID/cmdline holds them, any bytes) is the QEMU of libvirt's domain name: the value of
 * its -name (or --name; the last one wins, as QEMU merges them) has the key "guest" (or starts
 * with a value without "=", QEMU's implied key for -name) whose value, ",," read as one comma,
 * is name. An empty cmdline (a zombie's) is no QEMU.
 */
bool hp_libvirt_qemu(const char *cmdline, size_t len, const char *name);

/*
 * hp_libvirt_pid_name - the name of domain name's pid file (without ".pid") into buf (len
 * bytes): libvirt's virPidFileBuildPath() escapes the name for XML (virBufferEscapeString():
 * & < > " ' as &amp; &lt; &gt; &quot; &apos;, other control characters than tab, newline and
 * carriage return dropped), while its status file is NAME.xml as it is. 0, or -ENAMETOOLONG.
 */
int hp_libvirt_pid_name(const char *name, char *buf, size_t len);

/*
 * hp_exe_undeleted - the length of link (the text of /proc/PID/exe) without the " (deleted)"
 * the kernel appends when the file was unlinked since the process ran it.
 */
size_t hp_exe_undeleted(const char *link);

#endif

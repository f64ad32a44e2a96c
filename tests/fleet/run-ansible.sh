#!/bin/sh
# The Ansible role (contrib/ansible/roles/hugeplan) with the real ansible-playbook (Debian's
# ansible) over a local connection, against --root images of different shapes:
#   a  one node, 32 GiB, GRUB; settings as a drop-in; a hand-written (disabled) VM file the
#      role must leave alone and a file the role wrote for a VM no longer listed, which goes
#   b  two nodes, 16 + 32 GiB, kernel-install (/etc/kernel/cmdline), VMs pinned to nodes
# First run: changed; second: changed=0; check mode (a VM changed): reports the change and
# writes nothing; the change for real, then changed=0 again. Then a rolling play (serial: 1)
# with hugeplan_reboot over three images whose "reboot" (tests/fleet/fake-boot.py, the
# kernel's rules) leaves the second one a 1G page short: the first passes its verification,
# the second fails it, the third is never touched. ansible-lint finds nothing in the role.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan
ROLE=$TOP/contrib/ansible/roles/hugeplan

for tool in ansible-playbook ansible-lint; do
	command -v "$tool" >/dev/null || {
		t_fail "$tool is installed (tests/install-deps.sh installs it)"
		t_done
		exit
	}
done

# Ansible's own files (temporary directories, caches) stay in the test's directory
export HOME="$T_TMP/home" XDG_CACHE_HOME="$T_TMP/home/.cache" ANSIBLE_CONFIG="$T_TMP/ansible.cfg"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0
mkdir -p "$HOME"
cat >"$ANSIBLE_CONFIG" <<EOF
[defaults]
roles_path = $TOP/contrib/ansible/roles
local_tmp = $T_TMP/ansible-local
remote_tmp = $T_TMP/ansible-remote
retry_files_enabled = False
interpreter_python = /usr/bin/python3
nocows = 1
EOF

# --- lint ---------------------------------------------------------------------------------------
(cd "$TOP" && ansible-lint --offline "$ROLE") >"$T_TMP/lint" 2>&1
t_eq "ansible-lint on the role: exit 0" 0 $?
t_grep "ansible-lint on the role: no violations, production profile" \
	'Passed with production profile: 0 failure\(s\), 0 warning\(s\)' "$T_TMP/lint"

# --- the images -------------------------------------------------------------------------------
A=$T_TMP/a
t_image "$A" one-node-32g 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"'
mkdir -p "$A/etc/hugeplan/vms.d"
printf '[VM]\nMemory=1G\nPageSize=2M\nEnabled=no\n' >"$A/etc/hugeplan/vms.d/manual.conf"
printf '# Managed by Ansible (role hugeplan): edits here are overwritten.\n[VM]\nMemory=8G\n' \
	>"$A/etc/hugeplan/vms.d/old.conf"
Bi=$T_TMP/b
t_host "$Bi" two-node-16g-32g
mkdir -p "$Bi/etc/kernel"
echo "root=/dev/sda1 ro quiet" >"$Bi/etc/kernel/cmdline"

inventory() { # FILE WEB_MEMORY_ON_A
	cat >"$1" <<EOF
all:
  vars:
    ansible_connection: local
    hugeplan_install: false
    hugeplan_command: $HP
  hosts:
    a:
      hugeplan_root: $A
      hugeplan_settings: {ReserveMemory: 4G, FreeVmemmap: false}
      hugeplan_vms:
        - {name: db, memory: 2G, page_size: 1G}
        - {name: web, memory: $2, page_size: 2M}
    b:
      hugeplan_root: $Bi
      hugeplan_apply_options: [--bootloader=kernel-install]
      hugeplan_vms:
        - {name: db, memory: 4G, page_size: 1G, node: "1"}
        - {name: web, memory: 1G, page_size: 2M, node: "0", instances: 1, enabled: true}
EOF
}
cat >"$T_TMP/site.yml" <<'EOF'
- name: Huge pages on every host
  hosts: all
  gather_facts: false
  roles:
    - hugeplan
EOF
inventory "$T_TMP/inv.yml" 512M

# play NAME ARGS...: ansible-playbook; NAME.out, RC; changed HOST: the recap's changed= count
play() {
	n=$1
	shift
	ansible-playbook "$@" >"$T_TMP/$n.out" 2>&1
	RC=$?
	LAST=$T_TMP/$n.out
}
changed() {
	sed -n "s/^$1 *: .*changed=\([0-9]*\).*/\1/p" "$LAST"
}
failed() {
	sed -n "s/^$1 *: .*failed=\([0-9]*\).*/\1/p" "$LAST"
}
# snapshot DIR: every file's path, mode, size, mtime and content hash, and every directory
snapshot() {
	(cd "$1" && find . -printf '%y %p %m %s %T@\n' | sort &&
		find . -type f -exec sha256sum {} + | sort -k 2)
}
# kreq TEXT: what a kernel asks for from a command line (fake-boot.py's reading): "KB:NODE=N ..."
kreq() {
	python3 - "$1" <<'EOF'
import sys
units = {'K': 1, 'M': 1024, 'G': 1024 * 1024}
out, size = [], None
for w in sys.argv[1].split():
    if w.startswith('hugepagesz='):
        v = w.split('=', 1)[1]
        size = int(v[:-1]) * units[v[-1]]
    elif w.startswith('hugepages=') and size:
        v = w.split('=', 1)[1]
        parts = [p.split(':') for p in v.split(',')] if ':' in v else [['any', v]]
        out += ['%d:%s=%s' % (size, n, c) for n, c in parts if c != '0']
print(' '.join(out))
EOF
}

snapshot "$Bi" >"$T_TMP/b.before"
sum_manual=$(sha256sum <"$A/etc/hugeplan/vms.d/manual.conf")

# --- first run --------------------------------------------------------------------------------
play first -i "$T_TMP/inv.yml" "$T_TMP/site.yml"
t_eq "first run: exit 0" 0 "$RC"
[ "$RC" = 0 ] || sed 's/^/#   /' "$LAST" | tail -n 40
t_eq "first run: a changed" yes "$([ "$(changed a)" -gt 0 ] 2>/dev/null && echo yes)"
t_eq "first run: b changed" yes "$([ "$(changed b)" -gt 0 ] 2>/dev/null && echo yes)"
t_grep "first run: the apply task changed on a" '^changed: \[a\]' "$LAST"
printf '%s\n' '# Managed by Ansible (role hugeplan): edits here are overwritten.' \
	'# From hugeplan_settings; see hugeplan.conf(5).' '[Host]' 'FreeVmemmap=no' 'ReserveMemory=4G' \
	>"$T_TMP/want"
t_diff "a: the drop-in holds hugeplan_settings, sorted, booleans as yes/no" "$T_TMP/want" \
	"$A/etc/hugeplan/hugeplan.conf.d/50-ansible.conf"
printf '%s\n' '# Managed by Ansible (role hugeplan): edits here are overwritten.' \
	'# From hugeplan_vms; see hugeplan.conf(5).' '[VM]' 'Memory=1G' 'PageSize=2M' 'Node=0' \
	'Instances=1' 'Enabled=yes' >"$T_TMP/want"
t_diff "b: web's vms.d file" "$T_TMP/want" "$Bi/etc/hugeplan/vms.d/web.conf"
t_eq "a: the VM file the role wrote for a VM no longer listed is gone" no \
	"$([ -e "$A/etc/hugeplan/vms.d/old.conf" ] && echo yes || echo no)"
t_eq "a: the hand-written VM file is left alone" "$sum_manual" \
	"$(sha256sum <"$A/etc/hugeplan/vms.d/manual.conf")"
t_eq "a: the config files are root's, 0644 (hugeplan's StrictModes)" "644 root root" \
	"$(stat -c '%a %U %G' "$A/etc/hugeplan/vms.d/db.conf")"
# a: db 2G on 1G and web 512M on 2M on one node: 2 1G and 256 2M pages, default the
# largest size (the same plan as tests/status)
RES1="hugepagesz=2M hugepages=256 hugepagesz=1G hugepages=2"
t_eq "a: apply recorded the plan's tokens" "tokens=$RES1 hugeplan.plan=$(fnv "$RES1")" \
	"$(grep '^tokens=' "$A/var/lib/hugeplan/applied")"
t_grep "a: the GRUB snippet carries them" "$RES1 hugeplan.plan=" "$A/etc/default/grub.d/99-hugeplan.cfg"
# b: pinned VMs on two nodes (Linux 6.1: the node form): db's 4 1G pages on node 1, web's
# 512 2M pages on node 0
kc=$(cat "$Bi/etc/kernel/cmdline")
t_eq "b: /etc/kernel/cmdline keeps its words" "root=/dev/sda1 ro quiet" \
	"$(echo "$kc" | tr ' ' '\n' | grep -Ev '^(hugepages|hugepagesz|default_hugepagesz|hugeplan\.plan)=' | tr '\n' ' ' | sed 's/ $//')"
t_eq "b: and asks the kernel for 512 2M pages on node 0, 4 1G pages on node 1" \
	"2048:0=512 1048576:1=4" "$(kreq "$kc")"
toks=$(echo "$kc" | sed 's/^root=\/dev\/sda1 ro quiet //; s/ hugeplan\.plan=.*//')
t_eq "b: its hugeplan.plan= is the FNV-1a of the tokens before it" "hugeplan.plan=$(fnv "$toks")" \
	"$(echo "$kc" | grep -o 'hugeplan\.plan=[0-9a-f]*')"

# --- second run: nothing to do ----------------------------------------------------------------
snapshot "$A" >"$T_TMP/a.2"
snapshot "$Bi" >"$T_TMP/b.2"
play second -i "$T_TMP/inv.yml" "$T_TMP/site.yml"
t_eq "second run: exit 0" 0 "$RC"
t_eq "second run: changed=0 on a" 0 "$(changed a)"
t_eq "second run: changed=0 on b" 0 "$(changed b)"
snapshot "$A" >"$T_TMP/a.3"
t_diff "second run: a's image is byte for byte and mtime for mtime as it was" "$T_TMP/a.2" "$T_TMP/a.3"

# --- check mode: web grows to 1G on a -----------------------------------------------------------
inventory "$T_TMP/inv2.yml" 1G
play check -i "$T_TMP/inv2.yml" "$T_TMP/site.yml" --check --diff -v
t_eq "check mode: exit 0" 0 "$RC"
t_eq "check mode: a reports changes" yes "$([ "$(changed a)" -gt 0 ] 2>/dev/null && echo yes)"
t_eq "check mode: b, unchanged, reports none" 0 "$(changed b)"
t_grep "check mode: the diff shows web's new Memory=" '^\+Memory=1G$' "$LAST"
t_grep "check mode: apply ran as --dry-run" "dry run: nothing is written" "$LAST"
t_grep "check mode: the apply task is reported changed on a" '^changed: \[a\]' "$LAST"
snapshot "$A" >"$T_TMP/a.4"
t_diff "check mode: a's image is untouched" "$T_TMP/a.2" "$T_TMP/a.4"
snapshot "$Bi" >"$T_TMP/b.4"
t_diff "check mode: b's image is untouched" "$T_TMP/b.2" "$T_TMP/b.4"

# --- the change for real, then nothing again ------------------------------------------------
play third -i "$T_TMP/inv2.yml" "$T_TMP/site.yml"
t_eq "the change: exit 0" 0 "$RC"
t_eq "the change: a changed" yes "$([ "$(changed a)" -gt 0 ] 2>/dev/null && echo yes)"
t_eq "the change: b did not" 0 "$(changed b)"
RES2="hugepagesz=2M hugepages=512 hugepagesz=1G hugepages=2"
t_eq "the change: a's plan has web's 512 2M pages" "tokens=$RES2 hugeplan.plan=$(fnv "$RES2")" \
	"$(grep '^tokens=' "$A/var/lib/hugeplan/applied")"
play fourth -i "$T_TMP/inv2.yml" "$T_TMP/site.yml"
t_eq "after the change: changed=0 on a and b" "0 0 0" "$RC $(changed a) $(changed b)"

# --- a rolling reboot that stops at the first short pool -----------------------------------------
for h in r1 r2 r3; do
	t_image "$T_TMP/$h" one-node-32g 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"'
done
snapshot "$T_TMP/r3" >"$T_TMP/r3.before"
cat >"$T_TMP/rolling.yml" <<EOF
all:
  vars:
    ansible_connection: local
    hugeplan_install: false
    hugeplan_command: $HP
    hugeplan_reboot: true
    hugeplan_vms:
      - {name: db, memory: 4G, page_size: 1G}
  hosts:
    r1:
      hugeplan_root: $T_TMP/r1
      hugeplan_reboot_command: python3 $TOP/tests/fleet/fake-boot.py $T_TMP/r1 full
    r2:
      hugeplan_root: $T_TMP/r2
      hugeplan_reboot_command: python3 $TOP/tests/fleet/fake-boot.py $T_TMP/r2 short
    r3:
      hugeplan_root: $T_TMP/r3
      hugeplan_reboot_command: python3 $TOP/tests/fleet/fake-boot.py $T_TMP/r3 full
EOF
cat >"$T_TMP/serial.yml" <<'EOF'
- name: Huge pages, one host at a time
  hosts: all
  serial: 1
  gather_facts: false
  roles:
    - hugeplan
EOF
play rolling -i "$T_TMP/rolling.yml" "$T_TMP/serial.yml"
t_eq "rolling: the play fails (exit 2)" 2 "$RC"
t_eq "rolling: r1 rebooted into its pool and passed" "0" "$(failed r1)"
t_grep "rolling: r1's verification says OK" 'r1: OK: the pool is met and backs every planned VM \(1\)' "$LAST"
t_eq "rolling: r2 failed its verification" "1" "$(failed r2)"
t_grep "rolling: r2's message is status's verdict" \
	'r2: after the reboot, hugeplan status says: SHORT: 1 planned VM cannot be backed by the pool \(1.00 GiB missing\)' "$LAST"
t_eq "rolling: r3 is not in the recap" "" "$(sed -n '/^r3 *:/p' "$LAST")"
snapshot "$T_TMP/r3" >"$T_TMP/r3.after"
t_diff "rolling: r3's image was never touched" "$T_TMP/r3.before" "$T_TMP/r3.after"
"$HP" status --root "$T_TMP/r1" >/dev/null 2>&1
t_eq "rolling: r1's status after its reboot: exit 0" 0 $?
"$HP" status --root "$T_TMP/r2" >/dev/null 2>&1
t_eq "rolling: r2's status after its reboot: exit 1 (short)" 1 $?

# a fresh image, for what must write nothing
t_image "$T_TMP/fresh" one-node-32g 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"'
snapshot "$T_TMP/fresh" >"$T_TMP/fresh.before"
sed "s|$T_TMP/r1|$T_TMP/fresh|g" "$T_TMP/rolling.yml" | sed '/^    r[23]:/,$d' >"$T_TMP/fresh.yml"

# variables the role refuses before it writes anything: a VM name that is a path, a key
# hugeplan would not see (a typo), a value with a line break (another key in the file)
for bad in '{name: ../../etc/x, memory: 1G}' '{name: db, memory: 1G, pagesize: 1G}' \
	'{name: db, memory: "1G\\nPageSize=2M"}'; do
	sed "s|- {name: db, memory: 4G, page_size: 1G}|- $bad|" "$T_TMP/fresh.yml" >"$T_TMP/bad.yml"
	play bad -i "$T_TMP/bad.yml" "$T_TMP/site.yml"
	t_eq "refused: $bad (exit 2)" 2 "$RC"
	t_grep "refused: $bad: the message says what is allowed" "hugeplan_vms a list of dicts" "$LAST"
done
snapshot "$T_TMP/fresh" >"$T_TMP/fresh.after"
t_diff "refused variables: nothing written" "$T_TMP/fresh.before" "$T_TMP/fresh.after"

# check mode on a fresh image: nothing written, not even a directory
play fresh -i "$T_TMP/fresh.yml" "$T_TMP/site.yml" --check
t_eq "check mode on a fresh image: exit 0, changes reported" "0 yes" \
	"$RC $([ "$(changed r1)" -gt 0 ] 2>/dev/null && echo yes)"
snapshot "$T_TMP/fresh" >"$T_TMP/fresh.after"
t_diff "check mode on a fresh image: nothing written" "$T_TMP/fresh.before" "$T_TMP/fresh.after"
t_done

#!/usr/bin/env python3
# "Reboots" an image for the fleet tier's rolling test, as a kernel would boot it, apart from
# hugeplan's code:
#   fake-boot.py ROOT full|short
# The command line: /etc/kernel/cmdline when the image has one (kernel-install), else the
# GRUB default line plus the tokens apply recorded (update-grub does not run under --root).
# The pools, by the kernel's rules (KERNEL-NOTES.md): a node-form hugepages=N:C,... puts C
# pages on node N; a plain count goes to node 0 on a one-node image and is spread evenly
# otherwise. "short": the kernel finds no room for one gigantic (1G) page on the highest node
# that asked for one. /run is a tmpfs: the early-boot report of the last boot goes.
import os
import re
import sys

root, mode = sys.argv[1], sys.argv[2]


def read(p):
    with open(os.path.join(root, p.lstrip('/'))) as f:
        return f.read()


def write(p, text):
    with open(os.path.join(root, p.lstrip('/')), 'w') as f:
        f.write(text)


if os.path.exists(os.path.join(root, 'etc/kernel/cmdline')):
    cmdline = read('/etc/kernel/cmdline').strip()
else:
    line = re.search(r'^GRUB_CMDLINE_LINUX_DEFAULT="(.*)"$', read('/etc/default/grub'), re.M)
    toks = re.search(r'^tokens=(.*)$', read('/var/lib/hugeplan/applied'), re.M)
    cmdline = ' '.join(x for x in (line.group(1) if line else '', toks.group(1)) if x)
write('/proc/cmdline', 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro ' + cmdline + '\n')

nodes = sorted(int(d[4:]) for d in os.listdir(os.path.join(root, 'sys/devices/system/node'))
               if re.match(r'node\d+$', d))
units = {'K': 1, 'M': 1024, 'G': 1024 * 1024}
asked = {}  # kB -> {node: pages}
size = None
for w in cmdline.split():
    if w.startswith('hugepagesz='):
        v = w.split('=', 1)[1]
        size = int(v[:-1]) * units[v[-1]]
    elif w.startswith('hugepages=') and size:
        v = w.split('=', 1)[1]
        if ':' in v:
            asked[size] = {int(n): int(c) for n, c in (p.split(':') for p in v.split(','))}
        else:
            c = int(v)
            asked[size] = {n: c // len(nodes) + (1 if i < c % len(nodes) else 0)
                           for i, n in enumerate(nodes)}
if mode == 'short' and 1048576 in asked:
    top = max(n for n, c in asked[1048576].items() if c)
    asked[1048576][top] -= 1

base = 'sys/kernel/mm/hugepages'
for d in os.listdir(os.path.join(root, base)):
    kb = int(re.match(r'hugepages-(\d+)kB$', d).group(1))
    per = asked.get(kb, {})
    total = 0
    for n in nodes:
        nd = 'sys/devices/system/node/node%d/hugepages/%s' % (n, d)
        c = per.get(n, 0)
        total += c
        write(nd + '/nr_hugepages', '%d\n' % c)
        write(nd + '/free_hugepages', '%d\n' % c)
        write(nd + '/surplus_hugepages', '0\n')
    for f, v in (('nr_hugepages', total), ('free_hugepages', total), ('resv_hugepages', 0),
                 ('surplus_hugepages', 0)):
        write('%s/%s/%s' % (base, d, f), '%d\n' % v)
report = os.path.join(root, 'run/hugeplan/boot-report.json')
if os.path.exists(report):
    os.unlink(report)

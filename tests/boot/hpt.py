#!/usr/bin/env python3
"""Host side of the boot tests: reads a guest's serial console log.

  hpt.py files LOG DIR     decode every "HPT-FILE path" block (od -tx1 hex) into DIR/path, and
                           make every "HPT-DIR path" (tests/fixtures/mkdump.sh --console HPT)
  hpt.py kmsg LOG          the "HPT-KMSG" records as "LEVEL TEXT" (LEVEL = prio & 7)
  hpt.py get JSON EXPR     print EXPR evaluated with r = the JSON document and size(bytes) =
                           the entry of r["sizes"] for that size (None when absent); strings
                           print bare, anything else as JSON
  hpt.py compare LOG ROOT CONFIG
                           the verifier's report (ROOT/run/hugeplan/boot-report.json) against
                           what the kernel itself did on that boot: its sysfs counts per size
                           and node (the capture in ROOT, hpt.capture=1), its HugeTLB lines (the
                           HPT-KMSG records in LOG) and its configuration CONFIG
                           (/boot/config-KVER). Prints one "MISMATCH ..." line per difference
                           and exits 1 if there is one (see compare() for the rules)
"""
import json
import os
import re
import sys

HEX = re.compile(r"^( [0-9a-f]{2})+$")


def lines(log):
    with open(log, "rb") as f:
        for raw in f:
            yield raw.decode("utf-8", "replace").rstrip("\r\n").replace("\r", "")


def files(log, out):
    cur, data = None, bytearray()
    for line in lines(log):
        if line.startswith("HPT-DIR ") and not cur:
            os.makedirs(os.path.join(out, line[8:].strip().lstrip("/")), exist_ok=True)
        elif line.startswith("HPT-FILE "):
            cur, data = line[9:].strip(), bytearray()
        elif line == "HPT-EOF" and cur:
            dest = os.path.join(out, cur.lstrip("/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(bytes(data))
            cur = None
        elif cur and HEX.match(line):
            data.extend(bytes.fromhex(line.replace(" ", "")))
        elif cur and line:
            # a console line in the middle of a dump: the capture cannot be trusted
            sys.exit(f"hpt.py: unexpected line inside {cur}: {line!r}")


def get(path, expr):
    with open(path) as f:
        r = json.load(f)

    def size(b):
        for s in r.get("sizes", []):
            if s["size"] == b:
                return s
        return None

    def node(s, n):
        for x in (s or {}).get("nodes", []):
            if x["node"] == n:
                return x
        return None

    v = eval(expr, {"r": r, "size": size, "node": node, "json": json, "G": 1 << 30, "M": 1 << 20})
    print(v if isinstance(v, str) else json.dumps(v))


UNIT = {"B": 1, "KiB": 1 << 10, "kB": 1 << 10, "MiB": 1 << 20, "MB": 1 << 20,
        "GiB": 1 << 30, "GB": 1 << 30, "TiB": 1 << 40}
FAILED = re.compile(r"HugeTLB: allocating (\d+) of page size (.+?) failed(?: node(\d+))?\.\s+"
                    r"Only allocated (\d+) hugepages\.")
REGISTERED = re.compile(r"HugeTLB:? registered (.+?) page size, pre-allocated (\d+) pages")


def size_bytes(text):
    """the kernel's string_get_size() text ("2.00 MiB", "1.00 GiB") in bytes"""
    m = re.match(r"([0-9.]+)\s*(\w+)$", text.strip())
    return round(float(m.group(1)) * UNIT[m.group(2)]) if m and m.group(2) in UNIT else None


def read_int(path):
    with open(path) as f:
        return int(f.read().strip())


def kernel_facts(log, root):
    """what the kernel did: counts per size and node from sysfs, its lines, its default size"""
    counts = {}
    base = os.path.join(root, "sys/kernel/mm/hugepages")
    for d in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        kb = int(re.match(r"hugepages-(\d+)kB$", d).group(1))
        nr = read_int(os.path.join(base, d, "nr_hugepages"))
        nr -= read_int(os.path.join(base, d, "surplus_hugepages"))
        counts[kb * 1024] = {"total": nr, "nodes": {}}
    nbase = os.path.join(root, "sys/devices/system/node")
    for nd in sorted(os.listdir(nbase)) if os.path.isdir(nbase) else []:
        m = re.match(r"node(\d+)$", nd)
        if not m:
            continue
        for size, c in counts.items():
            p = os.path.join(nbase, nd, "hugepages", "hugepages-%dkB" % (size // 1024))
            c["nodes"][int(m.group(1))] = (read_int(os.path.join(p, "nr_hugepages")) -
                                           read_int(os.path.join(p, "surplus_hugepages")))
    kmsgs = []
    for line in lines(log):
        m = re.match(r"HPT-KMSG \d+,\d+,\d+,[^;]*;(.*)$", line)
        if m:
            kmsgs.append(m.group(1))
    default = None
    with open(os.path.join(root, "proc/meminfo")) as f:
        for line in f:
            if line.startswith("Hugepagesize:"):
                default = int(line.split()[1]) * 1024
    with open(os.path.join(root, "proc/cmdline")) as f:
        cmdline = f.read().strip()
    with open(os.path.join(root, "proc/sys/kernel/osrelease")) as f:
        release = f.read().strip()
    return counts, kmsgs, default, cmdline, release


def hugetlb_words(cmdline):
    """the words before "--" (quotes as next_arg() strips them, enough for names)"""
    out = []
    for w in cmdline.replace('"', "").split():
        if w == "--":
            break
        out.append(w)
    return out


def compare(log, root, config):
    """
    The rules, for a boot with ample memory (tests/boot/kgen.py keeps it so):
    - the report's counts per size and node are sysfs's, and its default size is meminfo's;
    - a size the kernel logged no allocation failure for: the verifier's expectation is what
      the kernel holds ("met" with requested == allocated, per node too where the request
      was only per node), or the kernel holds nothing and a kernel line explains why
      ("zeroed", "ignored", "unsupported"), or (gigantic per-node pages the kernel took from
      another node without a word) "short" on a node with the total met; a size the kernel
      logged a failure for is "short". Balanced placement is never compared (6.1 and 6.12
      spread 2M differently);
    - the kernel's parameter lines (every HugeTLB line but the allocation, registration and
      vmemmap ones) are exactly the ones the report lists, each as predicted and quoted from
      the kernel, in order, and the report says its messages were predicted;
    - hugetlb_cma= on a kernel without CONFIG_CMA is an unknown parameter to it, and the
      report expects no "hugetlb_cma is enabled" line;
    - the report names the kernel series it modelled: the kernel's own major.minor;
    - /proc/meminfo has a CmaTotal line exactly when the configuration has CONFIG_CMA (what
      the verifier reads at boot to know whether hugetlb_cma= is a parameter at all).
    """
    bad = []
    with open(os.path.join(root, "run/hugeplan/boot-report.json")) as f:
        r = json.load(f)
    counts, kmsgs, default, cmdline, release = kernel_facts(log, root)
    with open(config) as f:
        cma = any(line.strip() == "CONFIG_CMA=y" for line in f)

    hl = [k for k in kmsgs if k.startswith("HugeTLB")]
    failed = {}
    params = []
    for k in hl:
        m = FAILED.match(k)
        if m:
            failed.setdefault(size_bytes(m.group(2)), []).append(k)
            continue
        m = REGISTERED.match(k)
        if m:
            size = size_bytes(m.group(1))
            if size in counts and int(m.group(2)) != counts[size]["total"]:
                bad.append("kernel: %s but sysfs holds %d" % (k, counts[size]["total"]))
            continue
        if "vmemmap can be freed" in k:
            continue
        params.append(k)

    if r.get("default_size") != default:
        bad.append("default size: report %s, kernel (meminfo Hugepagesize) %s" %
                   (r.get("default_size"), default))
    rsizes = {s["size"]: s for s in r.get("sizes", [])}
    for size, c in counts.items():
        s = rsizes.get(size)
        if not s:
            bad.append("size %d: in sysfs, not in the report" % size)
            continue
        if s["allocated"] != c["total"] or not s["present"]:
            bad.append("size %d: report allocated %d, sysfs %d" % (size, s["allocated"], c["total"]))
        for n in s["nodes"]:
            if c["nodes"].get(n["node"]) != n["allocated"]:
                bad.append("size %d node%d: report allocated %d, sysfs %s" %
                           (size, n["node"], n["allocated"], c["nodes"].get(n["node"])))
    for size, s in rsizes.items():
        if size in counts:
            held = counts[size]["total"]
        else:
            held = 0
            if s["present"]:
                bad.append("size %d: the report says present, sysfs has no such size" % size)
        st = s["status"]
        if size in failed:
            if st != "short":
                bad.append("size %d: the kernel logged %r, the verifier says %s" %
                           (size, failed[size][0], st))
            continue
        if st in ("met", "not-requested"):
            if s["requested"] != held:
                bad.append("size %d: the verifier says %s %d, the kernel holds %d and logged "
                           "no failure" % (size, st, s["requested"], held))
            asked = [n for n in s["nodes"] if n["requested"] is not None]
            only_nodes = sum(n["requested"] for n in asked) == s["requested"]
            for n in asked:
                got = counts.get(size, {"nodes": {}})["nodes"].get(n["node"], 0)
                if got < n["requested"] or (only_nodes and got != n["requested"]):
                    bad.append("size %d node%d: the verifier expects %d, the kernel holds %d" %
                               (size, n["node"], n["requested"], got))
        elif st == "short":
            # a gigantic page asked for one node the kernel may take from another, silently
            # (memblock_alloc_try_nid_raw() falls back): met in total, short on that node
            moved = (s["node_form"] and s["allocated"] == s["requested"] == held and
                     any(n["status"] == "over" for n in s["nodes"]))
            if moved:
                print("# size %d: per-node pages taken from another node, silently" % size)
            else:
                bad.append("size %d: the verifier says short %d of %d, the kernel logged no "
                           "failure" % (size, s["allocated"], s["requested"]))
        else:
            if held:
                bad.append("size %d: the verifier says %s, the kernel holds %d" % (size, st, held))
            why = " ".join(s["reasons"])
            need = {"zeroed": "Invalid hugepages parameter"}.get(st)
            if not s["reasons"] or (need and need not in why):
                bad.append("size %d: %s without the kernel's line for it (reasons %r)" %
                           (size, st, s["reasons"]))

    listed = [g["message"] for g in r.get("ignored", [])]
    for g in r.get("ignored", []):
        if g["source"] != "kernel" or not g["predicted"]:
            bad.append("ignored: %r is %s, predicted %s" % (g["message"], g["source"], g["predicted"]))
    if listed != params:
        bad.append("the kernel's parameter lines %r, the report lists %r" % (params, listed))

    sim = r.get("simulation") or {}
    series = ".".join(release.split(".")[:2])
    if sim.get("kernel_series") != series:
        bad.append("the report modelled kernel series %r, the kernel is %s" %
                   (sim.get("kernel_series"), release))
    if not failed and sim.get("messages_predicted") is False:
        bad.append("the report says the kernel's messages were not predicted")
    with open(os.path.join(root, "proc/meminfo")) as f:
        cma_total = any(line.startswith("CmaTotal:") for line in f)
    if cma_total != cma:
        bad.append("meminfo %s CmaTotal, the configuration %s CONFIG_CMA" %
                   ("has" if cma_total else "has no", "has" if cma else "has no"))
    if any(re.match(r"hugetlb[-_]cma=", w) for w in hugetlb_words(cmdline)):
        unknown = [k for k in kmsgs if k.startswith("Unknown kernel command line parameters")]
        if not cma and not any(re.search(r"hugetlb[-_]cma=", k) for k in unknown):
            bad.append("hugetlb_cma= on a kernel without CONFIG_CMA, but no unknown-parameter line")
        if not cma and any("hugetlb_cma is enabled" in x for x in listed + hl):
            bad.append("hugetlb_cma is enabled expected or printed on a kernel without CONFIG_CMA")
    for b in bad:
        print("MISMATCH " + b)
    return 1 if bad else 0


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "files" and len(sys.argv) == 4:
        files(sys.argv[2], sys.argv[3])
    elif cmd == "kmsg" and len(sys.argv) == 3:
        for line in lines(sys.argv[2]):
            m = re.match(r"HPT-KMSG (\d+),\d+,\d+,[^;]*;(.*)$", line)
            if m:
                print(int(m.group(1)) & 7, m.group(2))
    elif cmd == "get" and len(sys.argv) == 4:
        get(sys.argv[2], sys.argv[3])
    elif cmd == "compare" and len(sys.argv) == 5:
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

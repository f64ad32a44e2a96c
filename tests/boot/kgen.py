#!/usr/bin/env python3
"""Seeded kernel command lines for the differential boot tier (tests/boot/run-diff.sh).

  kgen.py SEED N     print N command lines, one a line, the same for the same seed

The words come from the grammar the fuzzers know: the rendering hugeplan writes
(tests/fuzz/fuzz.h: [default_hugepagesz=SIZE] (hugepagesz=SIZE hugepages=COUNTS)+
[hugetlb_free_vmemmap=on]) and the kcmdline harness's dictionary (tests/fuzz/kcmdline.dict:
the parameter names and their dash spellings, hugetlb_cma=, "--", quotes, size spellings,
node prefixes, numbers that wrap at 2^64), read from that file so the two stay one list. Then
the lines are perturbed the ways real command lines go wrong: a leading bare hugepages=,
repeats, default_hugepagesz= anywhere, unsupported sizes, invalid and malformed node lists.

Every line must leave the guest (tests/boot/run-diff.sh: 2 nodes of 5 GiB) ample memory, so
that what the kernel sets out to allocate is what it holds: the numbers are small and, when
a word could make them 1 GiB pages, bounded by the free aligned GiBs (2 on node 0, 4 on
node 1): at most 5 in all and 2 for node 0. A line over that budget is drawn again.
"""
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DICT = os.path.join(HERE, "..", "fuzz", "kcmdline.dict")
G = 1 << 30

# memparse() of lib/cmdline.c, enough to tell which spellings are 1 GiB
UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50, "E": 1 << 60}


def memparse(s):
    # simple_strtoull(s, &end, 0): 0x hex, a leading 0 octal, else decimal; then one unit
    m = re.match(r"\s*(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", s)
    if not m:
        return 0
    t = m.group(1)
    v = int(t, 16) if t[:2] in ("0x", "0X") else int(t, 8) if t.startswith("0") else int(t)
    return (v * UNITS.get(s[m.end():m.end() + 1].upper(), 1)) & ((1 << 64) - 1)


def dictionary():
    words = []
    with open(DICT) as f:
        for line in f:
            line = line.strip()
            if line.startswith('"') and line.endswith('"'):
                words.append(line[1:-1].replace('\\"', '"'))
    return words


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        words = dictionary()
        # sizes from the dictionary: words that are a number and maybe a unit
        self.sizes = [w for w in words if re.fullmatch(r"(0[xX][0-9a-fA-F]+|[0-9]+)[KMGTPE]?", w)
                      and not w.startswith("18446")]
        self.wrap = [w for w in words if w.startswith("18446744073709551616")]
        self.nodes = [w for w in words if re.fullmatch(r"[0-9]+:", w)]
        self.names = {w.rstrip("="): w for w in words if w.endswith("=")}
        # other spellings of the same sizes (memparse reads them all)
        self.sizes += ["2M", "1G", "2048K", "1024M", "1048576K", "0x40000000", "2MB", "02M", "4M"]

    def pick(self, seq, weights=None):
        return self.r.choices(seq, weights=weights)[0]

    def count(self):
        n = self.pick([0, 1, 2, 3, 21], [20, 40, 25, 10, 5])
        return str(n)

    def counts(self):
        r = self.r.random()
        if r < 0.45:
            return self.count()
        if r < 0.8:
            ids = self.r.sample(["0", "1"], self.pick([1, 2]))
            return ",".join("%s:%s" % (i, self.count()) for i in ids)
        bad = [
            "0:1,%s%s" % (self.pick(self.nodes), self.count()),  # node 63 or 1 or 0 again
            "2:1", "0:1,2:1", "0:1,2", "0:", "0:1,", "1:1,0", "-1", "abc", "",
            "0:%s" % self.pick(self.wrap or ["1"]), self.pick(self.wrap or ["0"]) + "7",
            "%s:1" % self.pick(["64", "1024", "18446744073709551616"]),
            "1%s" % self.pick(["abc", "x", "G"]),
        ]
        return self.pick(bad)

    def size(self):
        return self.pick(self.sizes)

    def name(self, canonical):
        # the dictionary's dash spellings (parameq(): '-' and '_' are the same)
        alt = {"default_hugepagesz": "default-hugepagesz", "hugetlb_cma": "hugetlb-cma"}
        if canonical in alt and self.r.random() < 0.15:
            return alt[canonical]
        return canonical

    def rendering(self):
        """what hugeplan writes (fuzz.h's grammar), the base a tool or a person edits"""
        out = []
        sizes = self.r.sample(["2M", "1G"], self.pick([1, 2]))
        if self.r.random() < 0.5:
            out.append("default_hugepagesz=%s" % self.pick(sizes))
        for s in sorted(sizes, key=memparse):
            out += ["hugepagesz=%s" % s, "hugepages=%s" % self.counts()]
        if self.r.random() < 0.2:
            out.append("hugetlb_free_vmemmap=on")
        return out

    def word(self):
        k = self.pick(["hugepagesz", "hugepages", "default_hugepagesz", "hugetlb_cma",
                       "hugepages-lead"], [30, 40, 15, 5, 10])
        if k == "hugepagesz":
            return "hugepagesz=%s" % self.size()
        if k == "default_hugepagesz":
            return "%s=%s" % (self.name("default_hugepagesz"), self.size())
        if k == "hugetlb_cma":
            return "%s=%s" % (self.name("hugetlb_cma"), self.pick(["2G", "0", "0:1G", "1G"]))
        return "hugepages=%s" % self.counts()

    def line(self):
        r = self.r.random()
        if r < 0.3:
            words = self.rendering()
            # the edits that break it: a word in front, one changed, one appended
            for _ in range(self.pick([0, 1, 2], [30, 50, 20])):
                w = self.word()
                words.insert(self.r.randrange(len(words) + 1), w)
        elif r < 0.5:
            # the family of issue 19: a leading bare count, then default_hugepagesz= and another
            words = ["hugepages=%s" % self.counts(),
                     "%s=%s" % (self.name("default_hugepagesz"), self.pick(["2M", "1G"])),
                     "hugepages=%s" % self.counts()]
            for _ in range(self.pick([0, 1, 2], [40, 40, 20])):
                words.insert(self.r.randrange(len(words) + 1), self.word())
        else:
            words = [self.word() for _ in range(self.pick([1, 2, 3, 4, 5, 6], [5, 15, 25, 25, 20, 10]))]
        # quoting (next_arg() strips it), and init's words after "--"
        if self.r.random() < 0.08:
            i = self.r.randrange(len(words))
            k, _, v = words[i].partition("=")
            words[i] = self.pick(['"%s=%s"' % (k, v), '%s="%s"' % (k, v)])
        if self.r.random() < 0.05:
            words.insert(self.r.randrange(len(words) + 1), "--")
        return " ".join(words)


def budget_ok(line):
    """ample memory whatever the kernel makes of the line (see the module's docstring)"""
    words = line.replace('"', "").split()
    if "--" in words:
        words = words[:words.index("--")]
    one_g = any(memparse(w.partition("=")[2]) == G for w in words
                if re.match(r"(default[-_])?hugepagesz=", w))
    if not one_g:
        return True
    total = node0 = 0
    for w in words:
        if not w.startswith("hugepages="):
            continue
        v = w[len("hugepages="):]
        nums = re.findall(r"(\d+):(\d+)", v)
        if nums:
            for n, c in nums:
                c = int(c) % (1 << 64)
                total += c
                if int(n) == 0:
                    node0 += c
        else:
            m = re.match(r"\d+", v)
            total += int(m.group(0)) % (1 << 64) if m else 0
    return total <= 5 and node0 <= 2


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    seed, n = int(sys.argv[1]), int(sys.argv[2])
    g = Gen(seed)
    out = 0
    while out < n:
        line = g.line()
        if budget_ok(line):
            print(line)
            out += 1


if __name__ == "__main__":
    main()

"""Summary of a `perf record -g` profile of dataml (bench/http_ceiling/profile.sh).

Usage: perf_summary.py PERF_DATA [TOP]

Prints the top symbols by self time over all threads (C++ template arguments collapsed), the
shares by shared object and by thread (each thread named after what it runs), and the inclusive
share of the system calls the server makes (the kernel's call chains are complete; user-space
ones are not, the release build has no frame pointers).
"""

import re
import subprocess
import sys
from collections import defaultdict

SYSCALLS = {  # kernel entry point -> what it is for the server
    "__sys_sendmsg": "sendmsg (responses)",
    "__sys_recvmsg": "recvmsg (requests)",
    "__x64_sys_epoll_wait": "epoll_wait",
    "__x64_sys_futex": "futex (wake-ups and waits)",
    "__x64_sys_timerfd_settime": "timerfd_settime (asio timers)",
    "ksys_write": "write (log lines)",
    "__x64_sys_pwrite64": "pwrite64 (SQLite)",
    "__x64_sys_fdatasync": "fdatasync (SQLite)",
}


def report(path, *args):
    out = subprocess.run(["perf", "report", "-i", path, "--stdio", "-g", "none", *args],
                         capture_output=True, text=True).stdout
    return [l for l in out.splitlines() if l.strip() and not l.startswith("#")]


def collapse(symbol):
    """Drop template arguments (innermost first) and the nlohmann ABI tag: readable names."""
    symbol = symbol.replace("json_abi_v3_11_2::", "")
    prev = None
    while prev != symbol:
        prev = symbol
        symbol = re.sub(r"<[^<>]*>", "", symbol)
    return symbol.replace("(anonymous namespace)", "(anon)")


COMPONENTS = [  # (label, test on "symbol dso"), first match wins
    ("kernel", lambda t: t.endswith("[kernel.kallsyms]") or "[kernel]" in t),
    ("OpenSSL (HMAC; pyarrow's copy inside libparquet)", lambda t: "libparquet" in t or "libcrypto" in t),
    ("JSON (nlohmann)", lambda t: "nlohmann" in t),
    ("JWT (jwt-cpp, picojson)", lambda t: "jwt::" in t or "picojson" in t),
    ("logging (spdlog, fmt)", lambda t: "spdlog" in t or "fmt::" in t),
    ("SQLite", lambda t: "sqlite" in t),
    ("allocator (jemalloc)", lambda t: "jemalloc" in t),
    ("Beast/Asio", lambda t: "boost::beast" in t or "boost::asio" in t),
    ("Boost.URL", lambda t: "boost_url" in t or "boost::urls" in t),
    ("dataml's code", lambda t: "dataml::" in t),
    ("std containers and strings (maps of JSON objects, strings)", lambda t: t.startswith("std::")),
    ("other Boost (mp11, intrusive, optional, system)", lambda t: t.startswith("boost::")),
    ("libc/libstdc++ (memcpy, strings, locks, syscalls' wrappers)", lambda t: "libc.so" in t or "libstdc++" in t),
]


def component(name, dso):
    text = f"{name} {dso}"
    for label, test in COMPONENTS:
        if test(text):
            return label
    return "other"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    by_sym, by_dso, by_pid = defaultdict(float), defaultdict(float), defaultdict(float)
    pid_syms = defaultdict(lambda: defaultdict(float))
    for line in report(path, "--no-children", "-s", "pid,dso,symbol"):
        m = re.match(r"\s*([\d.]+)%\s+(\d+):\S+\s+(\S+)\s+\[(.)\]\s+(.*?)\s*(?:-\s+-\s*)?$", line)
        if not m:
            continue
        share, pid, dso, kind, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4), m.group(5)
        name = collapse(sym) + (" [kernel]" if kind == "k" else "")
        by_sym[(name, dso)] += share
        by_dso[dso] += share
        by_pid[pid] += share
        pid_syms[pid][(name, dso)] += share

    print(f"--- top {top} symbols by self time (% of the server's CPU samples, all threads)")
    for (name, dso), share in sorted(by_sym.items(), key=lambda kv: -kv[1])[:top]:
        print(f"   {share:6.2f}%  {name[:110]}  ({dso})")
    by_comp = defaultdict(float)
    for (name, dso), share in by_sym.items():
        by_comp[component(name, dso)] += share
    print("--- by component (self time)")
    print("   " + ", ".join(f"{c} {v:.1f}%" for c, v in sorted(by_comp.items(), key=lambda kv: -kv[1])))
    print("--- by shared object")
    print("   " + ", ".join(f"{d} {s:.1f}%" for d, s in sorted(by_dso.items(), key=lambda kv: -kv[1])[:7]))
    print("--- by thread")
    for pid, share in sorted(by_pid.items(), key=lambda kv: -kv[1]):
        if share < 0.5:
            continue
        syms = pid_syms[pid]
        text = " ".join(n + " " + d for n, d in syms)
        kind = ("access log writer" if "AccessLog" in text and "epoll" not in text and "sqlite" not in text
                else "predictions log writer (SQLite)" if "sqlite3" in text and "epoll" not in text
                else "I/O thread (event loop)" if "epoll" in text or "Connection" in text
                else "other")
        first = sorted(syms.items(), key=lambda kv: -kv[1])[:3]
        print(f"   {share:6.2f}%  tid {pid}: {kind}; top: "
              + ", ".join(f"{n[:50]} {s:.1f}%" for (n, _), s in first))
    print("--- system calls, inclusive of the kernel's work under them")
    seen = {}
    for line in report(path, "--children", "-s", "symbol"):
        m = re.match(r"\s*([\d.]+)%\s+([\d.]+)%\s+\[k\]\s+(\S+)", line)
        if m and m.group(3) in SYSCALLS and m.group(3) not in seen:
            seen[m.group(3)] = float(m.group(1))
    print("   " + ", ".join(f"{SYSCALLS[k]} {v:.1f}%" for k, v in sorted(seen.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Where a .NET process's CPU goes, from `perf script` output of `perf record -g` on it (JIT frames named through
DOTNET_PerfMapEnabled=1): each sample is put in one bucket by its leaf frame (native libraries) or by the assembly of
the first managed frame above the leaf. Usage: perf script -i FILE | python3 breakdown.py [--top N]"""
import collections
import re
import sys

ASSEMBLY = re.compile(r"\[([A-Za-z0-9_.]+)\] ")
GROUPS = [
    ("Orleans", "Orleans (messaging, scheduling, activations, storage bridge)"),
    ("Microsoft.AspNetCore", "ASP.NET Core and Kestrel"),
    ("System.Private.CoreLib", ".NET base library (async machinery, collections, strings)"),
    ("System.Collections", ".NET base library (async machinery, collections, strings)"),
    ("System.Threading", ".NET base library (async machinery, collections, strings)"),
    ("System.Runtime", ".NET base library (async machinery, collections, strings)"),
    ("System.Text.Json", "System.Text.Json (grain state, protocol JSON)"),
    ("System.Text.Encodings.Web", "System.Text.Json (grain state, protocol JSON)"),
    ("Npgsql", "Npgsql (PostgreSQL client)"),
    ("BouncyCastle", "BouncyCastle (AES-GCM with Meta's 16-byte IV)"),
    ("Backend", "this product's code"),
    ("System.Net", "sockets"),
    ("OpenTelemetry", "metrics collection (Orleans dashboard's OpenTelemetry reader, gauges)"),
    ("System.Diagnostics.DiagnosticSource", "metrics collection (Orleans dashboard's OpenTelemetry reader, gauges)"),
    ("Microsoft.Extensions.Logging", "logging"),
]


def bucket(frames):
    leaf = frames[0]
    if "libcrypto" in leaf:
        return "OpenSSL (RSA-OAEP decryption, SHA-256, HMAC)"
    if "libclrjit" in leaf:
        return "JIT compiler (tiering up)"
    if "libcoreclr" in leaf:
        return "runtime (GC, type system, stubs)"
    for frame in frames:
        match = ASSEMBLY.search(frame)
        if match and match.group(1) != "unknown":
            name = match.group(1)
            for prefix, group in GROUPS:
                if name.startswith(prefix):
                    return group + (" (in the kernel)" if "kallsyms" in leaf else "")
            return "other managed: " + name
    if "kallsyms" in leaf:
        return "kernel (network, scheduling) without a managed caller"
    return "other native"


def main():
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 25
    counts = collections.Counter()
    total = 0
    for sample in sys.stdin.read().split("\n\n"):
        lines = [line.strip() for line in sample.strip().split("\n") if line.strip()]
        if len(lines) < 2:
            continue
        total += 1
        counts[bucket(lines[1:])] += 1
    print(f"{total} samples")
    for name, count in counts.most_common(top):
        print(f"{100 * count / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Where a .NET process's CPU goes, from `perf script` output of `perf record -g` on it (JIT frames named through
DOTNET_PerfMapEnabled=1), in two views:
- by library: each sample is put in one bucket by its leaf frame (native libraries) or by the assembly of the first
  managed frame above the leaf;
- by stage of the product's request path: each sample goes to the first stage (in STAGES' order) any frame of its
  stack belongs to. OpenSSL's frames carry no frame pointers, so its samples show no caller and are a stage of
  their own (the RSA unwrap, the signature's HMAC, SHA-256 of tokens).
Usage: perf script -i FILE | python3 breakdown.py [--top N]"""
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


# Most specific first: a session grain's sample also has Orleans' scheduler frames below it, a storage write has the
# session grain's frames below it.
STAGES = [
    ("OpenSSL (RSA unwrap, HMAC, SHA-256; no caller visible)", r"libcrypto"),
    ("state write: JSON of the state, group commit, Npgsql", r"PostgresGrainStorage|GroupCommit|Npgsql|StateStorageBridge"),
    ("flow handler: the flow's routes, the account grain's call", r"Backend\.FlowCatalog|FlowRouter"),
    ("grains' own code: session and account checks, history, dashboard counters", r"FlowSessionGrain|UserGrain"),
    ("Orleans' dashboard: grain-call profiler, metrics reader", r"Orleans\.Dashboard|OpenTelemetry"),
    ("grain call from the endpoint: reference, message, scheduling", r"GrainReferenceRuntime|MessageCenter|GrainFactory|InsideRuntimeClient|HostedClient|OutsideRuntimeClient"),
    ("endpoint: envelope, AES-GCM, request parse, sealed answer, metrics", r"FlowEndpointPipeline|FlowEndpointApi|FlowCipher|FlowAesGcm|BouncyCastle|GrainFlowExchangeHandler"),
    ("Orleans runtime: activations, timers, membership", r"Orleans"),
    ("HTTP: Kestrel, ASP.NET Core middleware", r"Kestrel|AspNetCore"),
    ("JIT compiler (tiering up)", r"libclrjit"),
    ("runtime without a managed caller (GC, stubs)", r"libcoreclr"),
]
STAGE_PATTERNS = [(name, re.compile(pattern)) for name, pattern in STAGES]


def stage(frames):
    stack = "\n".join(frames)
    for name, pattern in STAGE_PATTERNS:
        if pattern.search(stack):
            return name
    return "other managed (thread pool, async plumbing)" if "[System" in stack or "[Microsoft" in stack else "kernel and other native, no managed caller"


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
    stages = collections.Counter()
    total = 0
    for sample in sys.stdin.read().split("\n\n"):
        lines = [line.strip() for line in sample.strip().split("\n") if line.strip()]
        if len(lines) < 2:
            continue
        total += 1
        counts[bucket(lines[1:])] += 1
        stages[stage(lines[1:])] += 1
    print(f"{total} samples, by library")
    for name, count in counts.most_common(top):
        print(f"{100 * count / total:5.1f} %  {name}")
    print("by stage of the request path")
    for name, count in stages.most_common():
        print(f"{100 * count / max(total, 1):5.1f} %  {name}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""CPU seconds (user + sys) of the torch files outside dragon_core (the dragon CLI, the torch
tests and fixtures), each compiled with the shared precompiled torch header and without it (its
own command from compile_commands.json minus -include), alternating. Usage:
    python3 packaging/measure_torch_pch.py [BUILD]      (default build/; about 10 min on 2 cores)
"""
import json
import os
import resource
import shlex
import subprocess
import sys

build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
commands = json.load(open(os.path.join(build, "compile_commands.json")))
users = [c for c in commands if "dragon_torch_pch.dir/cmake_pch.hxx" in c["command"]
         and ("/app/" in c["file"] or "/tests/" in c["file"])]


def cpu_seconds(args, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, cwd=cwd, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


total_with, total_without = 0.0, 0.0
for command in users:
    args = shlex.split(command["command"])
    args[args.index("-o") + 1] = "/tmp/measure_torch_pch.o"
    at = args.index("-include")
    without = [a for a in args[:at] + args[at + 2:] if a != "-Winvalid-pch"]
    with_header = cpu_seconds(args, command["directory"])
    without_header = cpu_seconds(without, command["directory"])
    total_with += with_header
    total_without += without_header
    name = os.path.relpath(command["file"], root)
    print(f"{name:50s} with {with_header:6.1f} s  without {without_header:6.1f} s", flush=True)
if not users:
    sys.exit(f"no file of {build} uses the shared torch header (configure it first)")
print(f"{len(users)} files: with {total_with:.1f} s, without {total_without:.1f} s, "
      f"ratio {total_with / total_without:.2f}")

"""The machine line: what the figures were measured on."""
import importlib.metadata
import os
import platform
import re
import subprocess
import sys


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except OSError:
        return "?"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "?"


def _cpu_model() -> str:
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def _memory_gb() -> float:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    return 0.0


def _debian_version(package: str) -> str:
    return _first_line(["dpkg-query", "-W", "-f=${Version}", package])


def machine_line() -> str:
    apache = _first_line(["/usr/sbin/apache2", "-v"])
    apache = re.sub(r"^Server version:\s*", "", apache)
    wrk = _first_line(["wrk", "--version"]).split(" [")[0]
    return (f"{os.cpu_count()} CPUs ({_cpu_model()}), {_memory_gb():.1f} GiB RAM, "
            f"Linux {platform.release()}; {apache}, mod_wsgi "
            f"{_debian_version('libapache2-mod-wsgi-py3')}, Subversion "
            f"{_first_line(['svn', '--version', '--quiet'])}, Trac "
            f"{importlib.metadata.version('Trac')}, Python {platform.python_version()} "
            f"({sys.executable}), {wrk}")


def other_apaches() -> int:
    """Apache processes already running before the benchmark starts any: noise."""
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as f:
                count += f.read().strip() == "apache2"
        except OSError:
            continue
    return count


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())

"""The memory and CPU time of a process with every process under it (Linux /proc), for benches
that measure a build with its helpers: peak memory sampled while it runs.

Memory is the proportional set size (Pss: a page shared by n processes counts 1/n in each), so
that a child forked from a large process, whose pages are still its parent's, does not count
them twice."""

from __future__ import annotations

import os
import threading


def tree(pid: int) -> tuple[float, float]:
    """The memory (MB, Pss) and CPU time (s) of ``pid`` and every process under it."""
    rss = cpu = 0.0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as status:
            for line in status:
                if line.startswith("Pss:"):
                    rss += int(line.split()[1]) / 1024
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                for child in children.read().split():
                    more = tree(int(child))
                    rss, cpu = rss + more[0], cpu + more[1]
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return rss, cpu


class Peak:
    """``with Peak() as peak:`` samples this process's tree every 50 ms; ``peak.mb`` is the
    most it held at once, ``peak.children_cpu`` the CPU time of the processes it started (as
    last seen: they may have ended)."""

    def __init__(self) -> None:
        self.mb = 0.0
        self._children: dict[int, float] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @property
    def children_cpu(self) -> float:
        return sum(self._children.values())

    def _sample(self) -> None:
        me = os.getpid()
        while True:
            self.mb = max(self.mb, tree(me)[0])
            for task in os.listdir(f"/proc/{me}/task"):
                try:
                    with open(f"/proc/{me}/task/{task}/children") as children:
                        for child in children.read().split():
                            self._children[int(child)] = tree(int(child))[1]
                except FileNotFoundError:
                    pass
            if self._done.wait(0.05):
                return

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

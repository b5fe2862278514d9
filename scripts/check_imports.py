"""No import cycles: fail when modules of our packages import each other in a circle.

Usage: .venv/bin/python scripts/check_imports.py [PACKAGE ...]   (default: custseg bot adapters config)

The layers are checked by import-linter (``[tool.importlinter]`` in pyproject.toml); this finds the
circles a layers contract cannot see (between modules of one layer, or inside a package). It builds
the import graph with grimp, finds its strongly connected components (Tarjan) and prints each with
one shortest cycle through it. Imports under ``if TYPE_CHECKING:`` count: a circle that only type
annotations close is still a circle in the design (the modules cannot be understood, or moved,
one without the other), and hiding it behind TYPE_CHECKING is how such circles grow unseen.
Imports inside functions count too, for the same reason.
"""

from __future__ import annotations

import sys
from collections import deque

import grimp

PACKAGES = ("custseg", "bot", "adapters", "config")


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Components of more than one module (or a module importing itself), Tarjan's algorithm,
    iterative so deep import chains cannot hit the recursion limit."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(sorted(component))
    return found


def shortest_cycle(graph: dict[str, set[str]], members: list[str]) -> list[str]:
    """One shortest circle through the first module of a component, staying inside it."""
    inside = set(members)
    start = members[0]
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(graph.get(node, ())):
            if child not in inside:
                continue
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if child not in previous:
                previous[child] = node
                queue.append(child)
    return [start, start]


def main(argv: list[str]) -> int:
    packages = tuple(argv) or PACKAGES
    imports = grimp.build_graph(*packages, include_external_packages=False, cache_dir=None)
    graph = {m: set(imports.find_modules_directly_imported_by(m)) for m in imports.modules}
    components = strongly_connected(graph)
    if not components:
        print(f"No import cycles in {', '.join(packages)} ({len(graph)} modules).")
        return 0
    for members in components:
        print(f"Import cycle among {len(members)} modules: {', '.join(members)}")
        print("  for example: " + " -> ".join(shortest_cycle(graph, members)))
    print(
        f"{len(components)} import cycle(s) in {', '.join(packages)}: break them (move the shared part down)."
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

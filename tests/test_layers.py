"""Features depend one way: no two packages of ``matchmaker`` import each other, directly or
through others (e.g. dayof → schedule → meetings → events, never back)."""

import ast
from pathlib import Path

import matchmaker

ROOT = Path(matchmaker.__file__).parent


def unit_of(path: Path) -> str:
    """The top-level package (feature) or module a file belongs to."""
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def imported_units(path: Path):
    package = ("matchmaker", *path.relative_to(ROOT).parent.parts)
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            module, names = "", [alias.name for alias in node.names]
        else:
            continue
        for full in ([module] if module.count(".") >= 1 else
                     [f"{module}.{name}" for name in names] if module == "matchmaker" else
                     [n for n in names if n.startswith("matchmaker.")]):
            parts = full.split(".")
            if parts[0] == "matchmaker" and len(parts) > 1:
                yield parts[1]


def dependency_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        unit = unit_of(path)
        if unit == "__init__":
            continue  # the app factory wires every feature together
        graph.setdefault(unit, set()).update(u for u in imported_units(path)
                                             if u not in (unit, "__init__"))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one unit (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_two_packages_depend_on_each_other():
    assert cycles(dependency_graph()) == []


def test_the_evening_builds_on_the_schedule_which_builds_on_meetings_and_events():
    graph = dependency_graph()
    order = ["dayof", "schedule", "meetings", "events"]
    for higher, lower in zip(order, order[1:], strict=False):
        assert higher not in graph[lower], f"{lower} imports {higher}"
    assert {"schedule", "meetings", "dayof"}.isdisjoint(graph["events"])


def test_the_cycle_finder_finds_a_loop():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]

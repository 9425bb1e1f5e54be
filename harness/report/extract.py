"""Babel extractors of the report's catalogue, and the scan of the code's message ids behind them.

Two kinds of text reach a report. Text of the harness's own code and templates is extracted the
usual way (``gettext`` calls, the Jinja2 ``i18n`` extension). Text of the evidence is a message
id with params (``harness.results.Message``): ``message_sites`` finds, by reading the source's
syntax tree, every call that can emit one (``Message.of``, ``Message.given``, ``Violation.of``,
``RequirementAnalysis``, ``(id, {params})`` pairs and ``{"id": ..., "params": ...}`` literals),
with the ids it can emit and the params it supplies; an id passed through a parameter of a
helper is followed to the helper's calls in the same module, and an id held by a local name to
the constants assigned to it. A call whose id cannot be resolved so is reported, not guessed.

``requirement_catalogue`` extracts each requirement's title, rationale, thresholds and standards
from ``catalogue.yaml`` (msgctxt ``<id> <field>``; standards under ``standard``). ``python``
extracts both kinds from a Python file. babel.cfg at the top of the project maps them.
"""

from __future__ import annotations

import ast
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from babel.messages.extract import extract_python

__all__ = ["MessageSite", "message_sites", "python", "requirement_catalogue", "scan_tree"]

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)+")
_SOURCES = {  # call name -> (position of the id, position of a params dict, template position)
    "Message.of": (0, None, 1), "Message.given": (0, 2, 1), "Violation.of": (1, None, 2),
    "RequirementAnalysis": (6, 7, 3), "Message": (0, 1, 2), "Violation": (1, 3, 2),
}
_NOT_PARAMS = {"Violation.of": {"exchange"}}


@dataclass(frozen=True)
class MessageSite:
    """One place that emits a message: the ids it can emit, the params it always supplies
    (``None`` when they come from elsewhere), its English template when written there, and
    ``unresolved`` naming an id expression the scan could not follow."""

    path: str
    line: int
    ids: tuple[str, ...]
    params: frozenset[str] | None
    english: str = ""
    unresolved: str = ""


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _name(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    return ""


def _constant_text(node: ast.AST | None) -> str:
    """The text of a literal string or of adjacent literals joined with ``+``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _constant_text(node.left) + _constant_text(node.right)
    if isinstance(node, ast.IfExp):
        return _constant_text(node.body) or _constant_text(node.orelse)
    return ""


class _Module:
    """One module's functions and the calls made inside each, for following ids."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent
        self.functions = {node.name: node for node in ast.walk(tree)
                          if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}

    def enclosing(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    def calls_of(self, name: str) -> Iterator[ast.Call]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and _name(node.func).split(".")[-1] == name:
                yield node

    def ids(self, node: ast.AST | None, at: ast.AST, depth: int = 0) -> list[_Route] | None:
        """The ids ``node`` can be: ``(helper call, ids)`` pairs, the helper call being the
        call of the enclosing function that passed them in (``None`` for ids written here);
        ``None`` when the scan cannot tell."""
        routes = self.values(node, at, depth)
        if routes is None or not all(ID_PATTERN.fullmatch(i) for i in _flat(routes)):
            return None
        return routes

    def values(self, node: ast.AST | None, at: ast.AST, depth: int = 0) -> list[_Route] | None:
        """The strings ``node`` can be, as ``ids`` finds them."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [(None, [node.value])]
        if isinstance(node, ast.IfExp):
            left, right = self.values(node.body, at, depth), self.values(node.orelse, at, depth)
            return [(None, _flat(left) + _flat(right))] if left and right else None
        if isinstance(node, ast.BoolOp):  # ``x.message_id or "fallback"``: the literal parts
            found = [i for value in node.values for i in _flat(self.values(value, at, depth))]
            return [(None, found)] if found else None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):
            options = [_flat(self.values(v, at, depth)) for v in node.value.values]
            return [(None, [i for f in options for i in f])] if all(options) else None
        if depth >= 3 or node is None:
            return None
        function = self.enclosing(at)
        if isinstance(node, ast.Name) and function is not None:
            assigned = [n.value for n in ast.walk(function) if isinstance(n, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)]
            if assigned:
                each = [self.values(value, value, depth + 1) for value in assigned]
                if any(r is None for r in each):
                    return None
                return [(None, [i for r in each for i in _flat(r)])]
            return self._through_parameter(function, node.id, depth)
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        if function is None or len(names) != 1:
            return None
        (name,) = names  # an expression of one parameter (an f-string, ``.replace``): evaluate
        passed = self._through_parameter(function, name, depth)
        if passed is None:
            return None
        out: list[_Route] = []
        for call, given in passed:
            made = [_evaluate(node, {name: value}) for value in given]
            kept = [m for m in made if m is not None]
            if len(kept) != len(made):
                return None
            out.append((call, kept))
        return out

    def _through_parameter(self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str,
                           depth: int) -> list[_Route] | None:
        names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        if name not in names and name not in [a.arg for a in function.args.kwonlyargs]:
            return None
        position = names.index(name) if name in names else None
        if position is not None and names and names[0] in ("self", "cls"):
            position -= 1
        routes: list[_Route] = []
        for call in self.calls_of(function.name):
            argument = next((k.value for k in call.keywords if k.arg == name), None)
            if argument is None and position is not None and position < len(call.args):
                argument = call.args[position]
            found = _flat(self.values(argument, call, depth + 1))
            if not found:
                return None
            routes.append((call, found))
        return routes or None


def _evaluate(node: ast.AST, names: dict[str, str]) -> str | None:
    """The value of a string expression over ``names``: literals, f-strings, ``+``, and the
    ``replace``, ``lower`` and ``split`` methods with literal arguments, indexed by literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int):
        return str(node.value)
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = [_evaluate(v.value if isinstance(v, ast.FormattedValue) else v, names)
                 for v in node.values]
        return None if any(p is None for p in parts) else "".join(p or "" for p in parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _evaluate(node.left, names), _evaluate(node.right, names)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call) \
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
        pieces = _split(node.value, names)
        return pieces[node.slice.value] if pieces and -len(pieces) <= node.slice.value \
            < len(pieces) else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        inner = _evaluate(node.func.value, names)
        args = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if inner is None or len(args) != len(node.args):
            return None
        if node.func.attr == "replace" and len(args) == 2:
            return inner.replace(str(args[0]), str(args[1]))
        if node.func.attr == "lower" and not args:
            return inner.lower()
    return None


def _split(node: ast.Call, names: dict[str, str]) -> list[str] | None:
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "split"
            and len(node.args) == 1 and isinstance(node.args[0], ast.Constant)):
        return None
    inner = _evaluate(node.func.value, names)
    return None if inner is None else inner.split(str(node.args[0].value))


_Route = tuple[ast.Call | None, list[str]]


def _flat(routes: list[_Route] | None) -> list[str]:
    return [i for _, ids in routes or [] for i in ids]


def _dict_keys(module: _Module, node: ast.AST, at: ast.AST) -> frozenset[str] | None:
    """The keys a params argument surely has: a dict literal written there, or assigned to a
    local name, or returned by a function of the same module that the name is assigned from, or
    the keywords of a ``dict(..., key=value)`` call."""
    if isinstance(node, ast.Dict):
        return _keys(node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return frozenset(k.arg for k in node.keywords if k.arg)
    function = module.enclosing(at)
    if not isinstance(node, ast.Name) or function is None:
        return None
    for assign in ast.walk(function):
        if isinstance(assign, ast.Assign | ast.AnnAssign) and any(
                isinstance(t, ast.Name) and t.id == node.id
                for t in (assign.targets if isinstance(assign, ast.Assign) else [assign.target])):
            value = assign.value
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
                    and value.func.id in module.functions:
                returned = [r.value for r in ast.walk(module.functions[value.func.id])
                            if isinstance(r, ast.Return) and isinstance(r.value, ast.Dict)]
                return _keys(returned[0]) if len(returned) == 1 else None
            return _dict_keys(module, value, assign) if value is not None else None
    return None


def _params(call: ast.Call, kind: str, module: _Module | None = None) -> frozenset[str] | None:
    position = _SOURCES[kind][1]
    if position is None:
        if any(k.arg is None for k in call.keywords):
            return None  # ``**params``: supplied by the helper's callers
        return frozenset(k.arg for k in call.keywords if k.arg) - _NOT_PARAMS.get(kind, set())
    given = call.args[position] if position < len(call.args) else None
    if given is None:
        return frozenset()
    return _dict_keys(module, given, call) if module is not None else None


def _keys(node: ast.Dict) -> frozenset[str]:
    return frozenset(k.value for k in node.keys
                     if isinstance(k, ast.Constant) and isinstance(k.value, str))


def _helper_params(module: _Module, call: ast.Call, helper_call: ast.Call) -> frozenset[str]:
    """Params of a message built in a helper: the helper's own keywords to the message plus
    the keywords its caller passes on through ``**params``."""
    function = module.enclosing(call)
    own = frozenset(k.arg for k in call.keywords if k.arg) - {"exchange"}
    named = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)} if function else set()
    passed = frozenset(k.arg for k in helper_call.keywords if k.arg and k.arg not in named)
    return own | passed


def _sites_in(module: _Module, path: str) -> Iterator[MessageSite]:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and _name(node.func) in _SOURCES:
            yield from _call_sites(module, node, path)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2 \
                and isinstance(node.elts[0], ast.Constant) and isinstance(node.elts[1], ast.Dict):
            ids = _flat(module.ids(node.elts[0], node))
            if ids:
                yield MessageSite(path, node.lineno, tuple(ids), _keys(node.elts[1]))
        elif isinstance(node, ast.Dict):
            fields = {k.value: v for k, v in zip(node.keys, node.values, strict=True)
                      if isinstance(k, ast.Constant)}
            if {"id", "params", "text"} <= set(fields) and isinstance(fields["params"], ast.Dict):
                yield MessageSite(path, node.lineno, tuple(_flat(module.ids(fields["id"], node))),
                                  _keys(fields["params"]), _constant_text(fields["text"]))


def _call_sites(module: _Module, node: ast.Call, path: str) -> Iterator[MessageSite]:
    kind = _name(node.func)
    where, _, template = _SOURCES[kind]
    if where >= len(node.args):
        return
    english = _constant_text(node.args[template]) if template < len(node.args) else ""
    routes = module.ids(node.args[where], node)
    if routes is None:
        yield MessageSite(path, node.lineno, (), None, english, ast.unparse(node.args[where]))
        return
    params = _params(node, kind, module)
    for helper_call, ids in routes:
        mine = params
        if helper_call is not None and params is None:
            mine = _helper_params(module, node, helper_call)
        text = english or (_constant_text(_template_argument(helper_call)) if helper_call
                           else "")
        line = helper_call.lineno if helper_call is not None else node.lineno
        yield MessageSite(path, line, tuple(dict.fromkeys(ids)), mine, text)


def _template_argument(call: ast.Call | None) -> ast.AST | None:
    """The English template a helper's caller passes (its first string argument)."""
    if call is None:
        return None
    texts = [a for a in (*call.args, *(k.value for k in call.keywords))
             if _constant_text(a) and not ID_PATTERN.fullmatch(_constant_text(a))]
    return max(texts, key=lambda a: len(_constant_text(a)), default=None)


def scan_tree(source: str, path: str = "<source>") -> list[MessageSite]:
    """Every message site of one module's source."""
    return list(_sites_in(_Module(ast.parse(source)), path))


def message_sites(root: Path) -> list[MessageSite]:
    """Every message site of the Python files under ``root`` (the ``harness`` package)."""
    found = []
    for file in sorted(root.rglob("*.py")):
        found += scan_tree(file.read_text(encoding="utf-8"), str(file.relative_to(root.parent)))
    return found


def python(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[Any]:
    """Babel extractor of a Python file: its gettext calls, then its message ids (msgid = the
    id; the English template and the params it gets go to the translator as comments)."""
    data = fileobj.read()
    alias = {"sentence": "gettext", "noop": "pgettext"}  # Speaker.sentence, vocabulary.noop
    names: Any = [*keywords, *alias]  # Babel hands an extractor the keywords' names only
    for line, funcname, messages, comments in extract_python(
            io.BytesIO(data), names, comment_tags, options):
        yield line, alias.get(str(funcname), funcname), messages, comments
    for site in scan_tree(data.decode("utf-8")):
        notes = [f"English: {site.english}"] if site.english else []
        if site.params is not None:
            notes.append("params: " + (", ".join(sorted(site.params)) or "none"))
        for message_id in site.ids:
            yield site.line, None, message_id, notes


def requirement_catalogue(fileobj: Any, keywords: Any, comment_tags: Any, options: Any
                          ) -> Iterator[Any]:
    """Babel extractor of catalogue.yaml: each requirement's texts, msgctxt ``<id> <field>``."""
    text = fileobj.read().decode("utf-8")
    lines = {m.group(1): n + 1 for n, line in enumerate(text.splitlines())
             if (m := re.match(r"\s*- id: (\S+)", line))}
    for entry in yaml.safe_load(text)["requirements"]:
        line = lines.get(entry["id"], 1)
        for field in ("title", "rationale", "thresholds"):
            if entry.get(field):
                yield line, "pgettext", (f"{entry['id']} {field}", entry[field]), \
                    [f"requirement {entry['id']}, {field}"]
        for standard in entry.get("standards", ()):
            yield line, "pgettext", ("standard", standard), ["a standard's clause"]

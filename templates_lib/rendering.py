"""Rendering reply templates safely: pure Python, no Django.

Bodies are written by shop staff, so they are treated as untrusted code:

* jinja2's ``ImmutableSandboxedEnvironment`` with ``StrictUndefined`` — no attribute
  access to Python internals, no mutation, undefined variables are errors;
* a node whitelist applied after parsing: plain variables, ``if``, bounded ``for``, a few
  text filters and simple comparisons. Attribute/item access, macros, recursion, imports,
  ``set``, multiplication and powers are refused before anything runs;
* every ``for`` draws from one iteration budget per render; every string or list the body
  builds (``~``, ``+``, filters) is measured before it is built and refused past
  ``MAX_STRING`` characters, each value is at most ``MAX_VALUE_LENGTH`` characters, and the
  output is cut off at ``MAX_OUTPUT`` characters, so no body can hang a worker or fill its
  memory, whatever it repeats.

Variation syntax — alternative wordings of one passage::

    {~ Спасибо за вопрос | Благодарим за интерес | Хороший вопрос ~}

A ``|`` separates alternatives (a ``|`` inside ``{{ … }}`` is a jinja filter, not a
separator). Each render picks one alternative per block, rotating with the template's
usage count, so consecutive inserts differ. An alternative may be empty.

Two modes for missing values:

* ``strict`` (preview, shipped-set test): a missing variable is an error;
* ``placeholder`` (insertion into a reply box): a missing variable is written back as
  the literal ``{{ name }}`` so the seller sees what to fill, and the policy engine,
  which flags any ``{{ … }}`` in a reply, refuses to send until it is filled.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, UndefinedError, nodes
from jinja2.filters import FILTERS
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogue (makemessages reads this name)."""
    return message


STANDARD_VARIABLES: tuple[str, ...] = (
    "buyer_name",
    "product_name",
    "sku",
    "shop_name",
    "seller_name",
    "order_number",
    # filled in by the seller for each reply (e.g. the size advised from the buyer's
    # measurements): inserted as {{ size }} and must be replaced before sending
    "size",
)
MAX_BODY = 4000
MAX_OUTPUT = 5000
# Any string or list built while rendering (a reply never needs more than its output).
MAX_STRING = MAX_OUTPUT
# The longest value a variable may hold: the boundaries (reply boxes, the picker, custom
# variables) enforce each field's own limit with a message; this is the renderer's backstop.
MAX_VALUE_LENGTH = 500
# Each standard variable's limit, matching the model field it is filled from.
VARIABLE_MAX_LENGTH: dict[str, int] = {
    "buyer_name": 200,  # chats.Conversation.buyer_name
    "product_name": 300,  # core.Product.name
    "sku": 64,  # core.Product.sku
    "shop_name": 200,  # core.Shop.name
    "seller_name": 150,  # auth.User.first_name
    "order_number": 64,
    "size": 100,
}
MAX_LOOP_ITERATIONS = 200
MAX_RANGE = 50
MAX_NESTING = 40
MAX_ALTERNATIVES = 10
MAX_VARIATIONS = 20
_TOO_DEEP = gettext_noop("the template is nested too deeply")

ALLOWED_FILTERS = ("upper", "lower", "capitalize", "title", "trim", "default", "d")
ALLOWED_TESTS = ("defined", "undefined", "none", "string", "number")
ALLOWED_FUNCTIONS = ("range",)

# Node types a body may contain. Everything else is refused with its line.
_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Const,
    nodes.Name,
    nodes.If,
    nodes.For,
    nodes.Filter,
    nodes.Test,
    nodes.Compare,
    nodes.Operand,
    nodes.Not,
    nodes.And,
    nodes.Or,
    nodes.CondExpr,
    nodes.Concat,
    nodes.Call,
    nodes.Tuple,
    nodes.List,
    nodes.Add,
    nodes.Sub,
    nodes.Neg,
    nodes.Pos,
)

_FORBIDDEN_HINTS: dict[type[nodes.Node], str] = {
    nodes.Getattr: gettext_noop("attribute access (a.b) is not allowed"),
    nodes.Getitem: gettext_noop("item access (a[b]) is not allowed"),
    nodes.Macro: gettext_noop("macros are not allowed"),
    nodes.CallBlock: gettext_noop("call blocks are not allowed"),
    nodes.Assign: gettext_noop("{% set %} is not allowed"),
    nodes.AssignBlock: gettext_noop("{% set %} is not allowed"),
    nodes.Include: gettext_noop("{% include %} is not allowed"),
    nodes.Import: gettext_noop("{% import %} is not allowed"),
    nodes.FromImport: gettext_noop("{% import %} is not allowed"),
    nodes.Extends: gettext_noop("{% extends %} is not allowed"),
    nodes.Block: gettext_noop("{% block %} is not allowed"),
    nodes.Mul: gettext_noop("multiplication is not allowed"),
    nodes.Pow: gettext_noop("powers are not allowed"),
    nodes.Div: gettext_noop("division is not allowed"),
    nodes.FloorDiv: gettext_noop("division is not allowed"),
    nodes.Mod: gettext_noop("the modulo operator is not allowed"),
}


@dataclass(frozen=True)
class Problem:
    """Something wrong with a body, placed where the author can find it (1-based).

    ``message`` is English with ``%(name)s`` slots filled from ``params``; callers with a
    translation catalogue use ``text(gettext)``.
    """

    template: str
    line: int | None = None
    column: int | None = None
    params: tuple[tuple[str, object], ...] = ()

    @property
    def message(self) -> str:
        return self.text()

    def text(self, translate: Callable[[str], str] = lambda message: message) -> str:
        translated = translate(self.template)
        return translated % dict(self.params) if self.params else translated

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if self.column is None:
            return f"line {self.line}: {self.message}"
        return f"line {self.line}, column {self.column}: {self.message}"


class TemplateBodyError(ValueError):
    """The body cannot be used: syntax error, forbidden construct or unknown variable."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class RenderError(ValueError):
    """Rendering failed: a missing variable (strict mode) or a limit was hit.

    ``problem`` holds the message in translatable form (``problem.text(gettext)``).
    """

    def __init__(self, message: str | Problem, *, missing: str | None = None) -> None:
        problem = message if isinstance(message, Problem) else Problem(message)
        super().__init__(problem.message)
        self.problem = problem
        self.missing = missing


def _limit_error(template: str, **params: object) -> RenderError:
    return RenderError(Problem(template, params=tuple(params.items())))


class _Budget:
    def __init__(self, iterations: int) -> None:
        self.left = iterations

    def guard(self, iterable: Iterable) -> Iterator:
        for item in iterable:
            self.left -= 1
            if self.left < 0:
                raise _limit_error(
                    gettext_noop("more than %(count)s loop iterations"), count=MAX_LOOP_ITERATIONS
                )
            yield item


def _measure(value: object) -> int:
    if isinstance(value, str | list | tuple):
        return len(value)
    if isinstance(value, int | float | bool) or value is None:
        return 0
    return len(str(value))


def _too_big() -> RenderError:
    return _limit_error(
        gettext_noop("the template builds a text longer than %(count)s characters"),
        count=MAX_STRING,
    )


def _guarded_concat(*parts: object) -> str:
    """``a ~ b ~ c``: the sizes are added up before anything is joined."""
    texts = [str(part) for part in parts]
    if sum(len(text) for text in texts) > MAX_STRING:
        raise _too_big()
    return "".join(texts)


def _guarded_add(left: object, right: object) -> object:
    if isinstance(left, str | list | tuple) and _measure(left) + _measure(right) > MAX_STRING:
        raise _too_big()
    return left + right  # type: ignore[operator]  # the sandbox's own operand rules apply


def _guarded_size(value: object) -> object:
    """A filter's result (e.g. ``default``) stays within the same bound."""
    if _measure(value) > MAX_STRING:
        raise _too_big()
    return value


class _Guards(NodeTransformer):
    """Rewrites every construct that builds a value into a call to a size check."""

    def _call(self, name: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
        return nodes.Call(nodes.Name(name, "load"), args, [], None, None, lineno=lineno)

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)  # type: ignore[assignment]
        return self._call("__concat", list(node.nodes), node.lineno)

    def visit_Add(self, node: nodes.Add) -> nodes.Node:
        node = self.generic_visit(node)  # type: ignore[assignment]
        return self._call("__add", [node.left, node.right], node.lineno)

    def visit_Filter(self, node: nodes.Filter) -> nodes.Node:
        node = self.generic_visit(node)  # type: ignore[assignment]
        return self._call("__sized", [node], node.lineno)

    def visit_For(self, node: nodes.For) -> nodes.Node:
        node = self.generic_visit(node)  # type: ignore[assignment]
        # every loop draws from the render's shared iteration budget
        node.iter = self._call("__loop_guard", [node.iter], node.lineno)
        return node


_GUARDS = {"__concat": _guarded_concat, "__add": _guarded_add, "__sized": _guarded_size}


def _capped_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise _limit_error(gettext_noop("range() is limited to %(count)s numbers"), count=MAX_RANGE)
    return result


class _PlaceholderUndefined(StrictUndefined):
    """Insertion mode: a missing value prints as ``{{ name }}`` and counts as false."""

    __slots__ = ()

    def __str__(self) -> str:
        return "{{ " + str(self._undefined_name) + " }}"

    def __bool__(self) -> bool:
        return False


def _passes_placeholders(filter_function):
    """Text filters leave a placeholder untouched, so ``{{ buyer_name|title }}`` stays readable."""

    def wrapper(value, *args, **kwargs):
        if isinstance(value, _PlaceholderUndefined):
            return value
        return filter_function(value, *args, **kwargs)

    return wrapper


class _Environment(ImmutableSandboxedEnvironment):
    def __init__(self, undefined: type[Undefined]) -> None:
        super().__init__(undefined=undefined, autoescape=False, keep_trailing_newline=False)
        allowed = {name: FILTERS[name] for name in ALLOWED_FILTERS}
        if undefined is _PlaceholderUndefined:
            allowed = {
                name: (func if name in ("default", "d") else _passes_placeholders(func))
                for name, func in allowed.items()
            }
        self.filters = allowed
        self.tests = {name: self.tests[name] for name in ALLOWED_TESTS}
        self.globals = {"range": _capped_range}


_STRICT_ENV = _Environment(StrictUndefined)
_PLACEHOLDER_ENV = _Environment(_PlaceholderUndefined)


# --- Variation blocks -------------------------------------------------------------------------

VARIATION_OPEN = "{~"
VARIATION_CLOSE = "~}"
_JINJA_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}


@dataclass(frozen=True)
class VariationBlock:
    start: int  # offset of "{~"
    end: int  # offset just after "~}"
    # (start, end) offsets of each alternative's text, whitespace trimmed
    alternatives: tuple[tuple[int, int], ...] = field(default_factory=tuple)


def _too_long() -> Problem:
    return Problem(
        gettext_noop("the text is longer than %(count)s characters"), params=(("count", MAX_BODY),)
    )


def _line_column(source: str, offset: int) -> tuple[int, int]:
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _trimmed(source: str, start: int, end: int) -> tuple[int, int]:
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    return start, end


def find_variations(source: str) -> list[VariationBlock]:
    """Locate ``{~ a | b ~}`` blocks; raises TemplateBodyError on unbalanced markers."""
    blocks: list[VariationBlock] = []
    i = 0
    block_start: int | None = None
    part_start = 0
    parts: list[tuple[int, int]] = []
    while i < len(source):
        pair = source[i : i + 2]
        if pair in _JINJA_OPENERS:
            closer = source.find(_JINJA_OPENERS[pair], i + 2)
            # an unclosed jinja tag is reported by jinja's own parser later
            i = i + 2 if closer == -1 else closer + 2
            continue
        if pair == VARIATION_OPEN:
            if block_start is not None:
                line, column = _line_column(source, i)
                raise TemplateBodyError(
                    [Problem(gettext_noop("variations cannot be nested"), line, column)]
                )
            block_start, part_start, parts = i, i + 2, []
            i += 2
            continue
        if pair == VARIATION_CLOSE:
            if block_start is None:
                line, column = _line_column(source, i)
                raise TemplateBodyError(
                    [Problem(gettext_noop("'~}' without an opening '{~'"), line, column)]
                )
            parts.append(_trimmed(source, part_start, i))
            blocks.append(VariationBlock(block_start, i + 2, tuple(parts)))
            block_start = None
            i += 2
            continue
        if source[i] == "|" and block_start is not None:
            parts.append(_trimmed(source, part_start, i))
            part_start = i + 1
        i += 1
    if block_start is not None:
        line, column = _line_column(source, block_start)
        raise TemplateBodyError(
            [Problem(gettext_noop("'{~' is not closed with '~}'"), line, column)]
        )
    # every alternative is parsed and policy-checked separately: keep that work bounded
    for block in blocks:
        if len(block.alternatives) > MAX_ALTERNATIVES:
            line, column = _line_column(source, block.start)
            message = gettext_noop("at most %(count)s alternatives in one variation")
            params = (("count", MAX_ALTERNATIVES),)
            raise TemplateBodyError([Problem(message, line, column, params)])
    if len(blocks) > MAX_VARIATIONS:
        raise TemplateBodyError(
            [
                Problem(
                    gettext_noop("at most %(count)s variations in one template"),
                    params=(("count", MAX_VARIATIONS),),
                )
            ]
        )
    return blocks


def _choose(blocks: list[VariationBlock], rotation: int, salt: str) -> list[int]:
    """One alternative per block; ``rotation + 1`` gives a different choice for every block."""
    chosen = []
    for index, block in enumerate(blocks):
        offset = zlib.crc32(f"{salt}:{index}".encode())
        chosen.append((offset + rotation) % len(block.alternatives))
    return chosen


def _assemble(
    source: str, blocks: list[VariationBlock], chosen: list[int], keep_positions: bool
) -> str:
    """The body with each block replaced by its chosen alternative.

    With ``keep_positions`` everything else in the block becomes spaces (newlines kept), so
    jinja's line numbers and our column numbers still point into the author's text.
    """
    pieces: list[str] = []
    cursor = 0
    for block, pick in zip(blocks, chosen, strict=True):
        pieces.append(source[cursor : block.start])
        start, end = block.alternatives[pick]
        if keep_positions:
            pieces.append(_blank(source[block.start : start]))
            pieces.append(source[start:end])
            pieces.append(_blank(source[end : block.end]))
        else:
            pieces.append(source[start:end])
        cursor = block.end
    pieces.append(source[cursor:])
    return "".join(pieces)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def variation_count(source: str) -> int:
    """How many different wordings the body can produce (for the editor)."""
    total = 1
    for block in find_variations(source):
        total *= len(block.alternatives)
    return total


# --- Checking a body ----------------------------------------------------------------------------


def _syntax_problem(
    env: _Environment, source: str, error: TemplateSyntaxError, parser: Parser | None
) -> Problem:
    message = error.message or "syntax error"
    stop = _lexer_stop(env, source)
    if stop is not None:
        # the lexer itself failed: the offset where it stopped is exact
        line, column = _line_column(source, stop)
        return Problem(message, line, column)
    line = error.lineno or 1
    lines = source.split("\n")
    column: int | None = None
    if parser is not None:
        token = parser.stream.current
        if token.type == "eof":
            line, column = len(lines), len(lines[-1]) + 1
        else:
            column = _token_column(env, source, token.lineno, token.value)
            if column is not None:
                line = token.lineno
    return Problem(message, line, column or 1)


def _token_column(env: _Environment, source: str, lineno: int, value: object) -> int | None:
    """Column of the first raw token on ``lineno`` matching a parser token's value."""
    offset = 0
    wanted = str(value)
    try:
        for token_line, token_type, raw in env.lex(source):
            stripped = raw.strip()
            is_code = token_type not in ("data", "whitespace") and stripped
            if token_line == lineno and is_code and wanted in (stripped, stripped.strip("'\"")):
                return _line_column(source, offset + raw.index(stripped[0]))[1]
            offset += len(raw)
    except TemplateSyntaxError:
        return None
    return None


def _lexer_stop(env: _Environment, source: str) -> int | None:
    """Offset where jinja's lexer gives up (after the last token it could read), if it does."""
    offset = 0
    try:
        for _line, _type, raw in env.lex(source):
            offset += len(raw)
    except TemplateSyntaxError:
        while offset < len(source) and source[offset] in " \t":
            offset += 1
        return offset
    return None


def _parse(env: _Environment, source: str) -> nodes.Template:
    parser = Parser(env, source)
    try:
        tree = parser.parse()
    except TemplateSyntaxError as error:
        raise TemplateBodyError([_syntax_problem(env, source, error, parser)]) from error
    except RecursionError as error:
        raise TemplateBodyError([Problem(_TOO_DEEP)]) from error
    if _depth(tree) > MAX_NESTING:
        raise TemplateBodyError([Problem(_TOO_DEEP)])
    return tree


def _depth(node: nodes.Node, level: int = 0) -> int:
    """Nesting depth, stopping early: deep trees would overflow the compiler's recursion."""
    if level > MAX_NESTING:
        return level
    return max((_depth(child, level + 1) for child in node.iter_child_nodes()), default=level)


def _whitelist_problems(tree: nodes.Template) -> list[Problem]:
    problems: list[Problem] = []

    def visit(node: nodes.Node) -> None:
        if not isinstance(node, _ALLOWED_NODES):
            hint = next(
                (text for kind, text in _FORBIDDEN_HINTS.items() if isinstance(node, kind)),
                gettext_noop("this construct is not allowed in a reply template"),
            )
            problems.append(Problem(hint, getattr(node, "lineno", None)))
            return
        if isinstance(node, nodes.Name) and node.ctx != "load":
            problems.append(
                Problem(gettext_noop("assigning variables is not allowed"), node.lineno)
            )
        if isinstance(node, nodes.Name) and node.name.startswith("_"):
            # the renderer's own guards live under such names
            problems.append(
                Problem(
                    gettext_noop("unknown variable '%(name)s'"),
                    node.lineno,
                    None,
                    (("name", node.name),),
                )
            )
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            problems.append(
                Problem(
                    gettext_noop("unknown filter '%(name)s'"),
                    node.lineno,
                    None,
                    (("name", node.name),),
                )
            )
        if isinstance(node, nodes.Test) and node.name not in ALLOWED_TESTS:
            problems.append(
                Problem(
                    gettext_noop("unknown test '%(name)s'"),
                    node.lineno,
                    None,
                    (("name", node.name),),
                )
            )
        if isinstance(node, nodes.Call) and not (
            isinstance(node.node, nodes.Name) and node.node.name in ALLOWED_FUNCTIONS
        ):
            problems.append(Problem(gettext_noop("only range() may be called"), node.lineno))
        if isinstance(node, nodes.For):
            if node.recursive or node.test is not None or node.else_:
                problems.append(Problem(gettext_noop("only plain loops are allowed"), node.lineno))
            if not all(isinstance(target, nodes.Name) for target in _target_names(node.target)):
                problems.append(Problem(gettext_noop("loop over plain names only"), node.lineno))
            for child in (node.iter, *node.body):
                visit(child)
            return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return problems


def _target_names(target: nodes.Node) -> list[nodes.Node]:
    if isinstance(target, nodes.Tuple):
        return [name for item in target.items for name in _target_names(item)]
    return [target]


def _loop_names(tree: nodes.Template) -> set[str]:
    return {
        name.name
        for loop in tree.find_all(nodes.For)
        for name in _target_names(loop.target)
        if isinstance(name, nodes.Name)
    }


def _variables_in(tree: nodes.Template) -> set[str]:
    names = {name.name for name in tree.find_all(nodes.Name) if name.ctx == "load"}
    return names - _loop_names(tree) - set(ALLOWED_FUNCTIONS) - {"loop"}


def _positioned(source: str, start: int, text: str) -> str:
    """``text`` alone on the line it has in ``source`` (the problems found in an isolated
    alternative carry lines only; one that does not parse alone is parsed in full)."""
    return "\n" * source.count("\n", 0, start) + text


def _has_code(text: str) -> bool:
    return any(opener in text for opener in _JINJA_OPENERS)


def _unknown_variables(
    tree: nodes.Template, variables: Collection[str], bound: set[str]
) -> list[Problem]:
    return [
        Problem(
            gettext_noop("unknown variable '%(name)s'"),
            _first_line_of(tree, name),
            None,
            (("name", name),),
        )
        for name in sorted(_variables_in(tree) - set(variables) - bound)
    ]


def _alternative_trees(
    source: str, blocks: list[VariationBlock], base_tree: nodes.Template
) -> Iterator[tuple[nodes.Template, set[str]]]:
    """(tree, loop names it may use) for each distinct alternative with template code."""
    bound = _loop_names(base_tree)
    seen = {source[start:end] for block in blocks for start, end in block.alternatives[:1]}
    for index, block in enumerate(blocks):
        for pick, (start, end) in enumerate(block.alternatives):
            text = source[start:end]
            if pick == 0 or text in seen or not _has_code(text):
                continue
            seen.add(text)
            try:
                yield _parse(_STRICT_ENV, _positioned(source, start, text)), bound
            except TemplateBodyError:
                chosen = [0] * len(blocks)
                chosen[index] = pick
                yield _parse(_STRICT_ENV, _assemble(source, blocks, chosen, True)), set()


def body_problems(source: str, *, variables: Collection[str] | None = None) -> list[Problem]:
    """Everything wrong with a body, or an empty list. ``variables``: the names allowed.

    The cost stays bounded whatever the number of variations: the body is parsed once with
    the first alternative of every block; an alternative without template code cannot change
    the parse (it is blanked off from its neighbours), so it needs no parse at all; one with
    code is parsed once per distinct text, on its own (positions kept) when it is complete
    by itself, and in its full version only when it is not (an ``{% else %}`` and the like).
    """
    if len(source) > MAX_BODY:
        return [_too_long()]
    try:
        blocks = find_variations(source)
    except TemplateBodyError as error:
        return error.problems
    try:
        base_tree = _parse(_STRICT_ENV, _assemble(source, blocks, [0] * len(blocks), True))
    except TemplateBodyError as error:
        return error.problems
    problems = _whitelist_problems(base_tree)
    if variables is not None:
        problems.extend(_unknown_variables(base_tree, variables, set()))
    try:
        for tree, bound in _alternative_trees(source, blocks, base_tree):
            problems.extend(_whitelist_problems(tree))
            if variables is not None:
                problems.extend(_unknown_variables(tree, variables, bound))
    except TemplateBodyError as error:
        problems.extend(error.problems)
    return list(dict.fromkeys(problems))


def _first_line_of(tree: nodes.Template, name: str) -> int | None:
    for node in tree.find_all(nodes.Name):
        if node.name == name:
            return node.lineno
    return None


def variables_used(source: str) -> set[str]:
    """Names a body refers to (all alternatives), ignoring loop variables."""
    blocks = find_variations(source)
    base_tree = _parse(_STRICT_ENV, _assemble(source, blocks, [0] * len(blocks), True))
    used = _variables_in(base_tree)
    for tree, bound in _alternative_trees(source, blocks, base_tree):
        used |= _variables_in(tree) - bound
    return used


# --- Rendering ------------------------------------------------------------------------------------


def _compile(env: _Environment, source: str, budget: _Budget):
    tree = _parse(env, source)
    problems = _whitelist_problems(tree)
    if problems:
        raise TemplateBodyError(problems)
    tree = _Guards().visit(tree)
    code = env.compile(tree)
    return env.template_class.from_code(
        env, code, {**env.globals, **_GUARDS, "__loop_guard": budget.guard}, None
    )


def _tidy(text: str) -> str:
    """Empty alternatives and skipped ifs leave double spaces and blank tails: remove them."""
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def render(
    source: str,
    context: Mapping[str, object],
    *,
    rotation: int = 0,
    salt: str = "",
    mode: Literal["strict", "placeholder"] = "strict",
) -> str:
    """Render a body. ``rotation`` (e.g. the usage count) and ``salt`` (e.g. the template id)
    pick the variation alternatives. Raises TemplateBodyError or RenderError."""
    if len(source) > MAX_BODY:
        raise TemplateBodyError([_too_long()])
    blocks = find_variations(source)
    chosen_source = _assemble(source, blocks, _choose(blocks, rotation, salt), keep_positions=False)
    env = _PLACEHOLDER_ENV if mode == "placeholder" else _STRICT_ENV
    budget = _Budget(MAX_LOOP_ITERATIONS)
    template = _compile(env, chosen_source, budget)
    values = {key: value for key, value in context.items() if value not in (None, "")}
    for name, value in values.items():
        if isinstance(value, str) and len(value) > VARIABLE_MAX_LENGTH.get(name, MAX_VALUE_LENGTH):
            raise _limit_error(
                gettext_noop("the value of %(name)s is longer than %(count)s characters"),
                name=name,
                count=VARIABLE_MAX_LENGTH.get(name, MAX_VALUE_LENGTH),
            )
    pieces: list[str] = []
    size = 0
    try:
        for piece in template.generate(values):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise _limit_error(
                    gettext_noop("the result is longer than %(count)s characters"),
                    count=MAX_OUTPUT,
                )
            pieces.append(piece)
    except UndefinedError as error:
        missing = _missing_name(str(error))
        raise RenderError(str(error), missing=missing) from error
    except SecurityError as error:
        raise RenderError(str(error)) from error
    except (TypeError, ValueError, OverflowError) as error:
        if isinstance(error, RenderError):
            raise
        raise RenderError(str(error)) from error
    return _tidy("".join(pieces))


def _missing_name(message: str) -> str | None:
    match = re.search(r"'([A-Za-z_][A-Za-z0-9_]*)' is undefined", message)
    return match.group(1) if match else None


PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)?[^{}]*\}\}")


def unresolved_placeholders(text: str) -> list[str]:
    """Names (or the raw text) of ``{{ … }}`` left in a rendered reply, in order, unique."""
    found = [match.group(1) or match.group(0) for match in PLACEHOLDER_RE.finditer(text)]
    return list(dict.fromkeys(found))

"""Pictures of the field, drawn from the shipped data when the pages are built.

Each function here returns a picture's source (Graphviz) or writes an SVG
(matplotlib) from the public API only, so the pictures cannot drift from the
data. :func:`generate` writes them all into ``docs/_generated/``, where the
pages include them (``graphviz`` and ``image`` directives).

- :func:`profession_tree`: the ``is_a`` tree of the groups therapist and prescriber.
- :func:`credential_ladder`: degree, exam, supervised experience and licence for some professions.
- :func:`referral_flow`: the reasons a therapist and a psychiatrist refer clients to each other.
- :func:`session_chart`: which psychotherapy code fits a session of each length, with and without E/M.
- :func:`state_grid`: the states coloured by whether an answer, asked in each, holds a member.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import mhtaxonomy as mht

__all__ = [
    "LADDER",
    "credential_ladder",
    "generate",
    "profession_tree",
    "referral_flow",
    "session_chart",
    "session_codes",
    "state_grid",
    "grid_answers",
]

#: The professions whose credential ladders are drawn.
LADDER = ("lcsw", "lpc", "lmft", "psychologist", "psychiatrist")
#: The steps of a ladder, in the order a candidate climbs them (credential types).
_STEPS = ("degree", "exam", "experience", "license")
_BREAK = "\\n"  # a line break inside a Graphviz label
_STEP_LABELS = {"degree": "degree", "exam": "exam", "experience": "supervised\\nexperience", "license": "licence"}

_FONT = 'fontname="Helvetica", fontsize=14'
_HEAD = [
    f"  graph [{_FONT}, nodesep=0.25, ranksep=0.45];",
    f'  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", color="#5b7fb5", {_FONT}];',
    '  edge [fontname="Helvetica", fontsize=12, color="#5b7fb5"];',
]


def _quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def _wrap(text: str, width: int = 22) -> str:
    """``text`` broken into Graphviz lines of at most about ``width`` characters."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return _BREAK.join(lines)


def profession_tree(tax: mht.Taxonomy, groups: Iterable[str] = ("therapist", "prescriber")) -> str:
    """The Graphviz source of the ``is_a`` tree below each of ``groups``.

    Every profession narrower than a group is drawn with the ``is_a`` facts
    that join it to the group (a profession in two groups appears once, with
    both edges); the groups are shaded.
    """
    lines = ["digraph professions {", "  graph [rankdir=RL];", *_HEAD]
    edges: dict[tuple[str, str], None] = {}
    members: dict[str, mht.Entity] = {}
    for group in groups:
        below = tax.narrower(group)
        members[tax.get(group).id] = tax.get(group)
        for member in below:
            members[member.id] = member
            for fact in below.why(member):
                edges[fact.subject, fact.object] = None
    for ref, entity in members.items():
        fill = ', fillcolor="#ffe7a8", color="#b58a1b", penwidth=2' if ref in {tax.get(g).id for g in groups} else ""
        lines.append(f"  {_quote(ref)} [label={_quote(_wrap(entity.name, 16))}{fill}];")
    lines += [f'  {_quote(a)} -> {_quote(b)} [label="is a"];' for a, b in edges]
    return "\n".join([*lines, "}"]) + "\n"


def _national(answer: mht.Answer, member: mht.Entity) -> bool:
    return not any(fact.jurisdictions for fact in answer.why(member))


def credential_ladder(tax: mht.Taxonomy, professions: Iterable[str] = LADDER) -> str:
    """The Graphviz source of one row per profession: degree -> exam -> experience -> licence.

    A header row names the steps; each box lists the credentials of that type
    the profession needs everywhere (state-only requirements, such as one
    state's hours, are left out so the row reads as the national path).
    """
    lines = ["digraph ladders {", *_HEAD, "  graph [rankdir=LR, nodesep=0.15, ranksep=0.25];", "  node [fontsize=13, margin=\"0.08,0.04\"];"]
    columns: dict[str, list[str]] = {step: [f"step-{step}"] for step in (*_STEPS, "profession")}
    for step in columns:
        label = _STEP_LABELS.get(step, step)
        lines.append(f'  "step-{step}" [label={_quote(label)}, shape=plaintext, style="", fontsize=15];')
    lines.append("  " + " -> ".join(f'"step-{step}"' for step in columns) + " [style=invis];")
    for profession in professions:
        entity = tax.get(profession)
        needs = tax.requirements_for(entity)
        chain = []
        for step in _STEPS:
            names = sorted(c.name for c in needs if getattr(c, "type", None) == step and _national(needs, c))
            if names:
                node = f"{entity.id}-{step}"
                label = _BREAK.join("• " + _wrap(n, 14).replace(_BREAK, _BREAK + "  ") for n in names)
                lines.append(f"  {_quote(node)} [label={_quote(label)}, labeljust=l];")
                columns[step].append(node)
                chain.append(node)
        lines.append(
            f'  {_quote(entity.id)} [label={_quote(_wrap(entity.name, 14))}, fillcolor="#ffe7a8", color="#b58a1b"];'
        )
        columns["profession"].append(entity.id)
        chain.append(entity.id)
        lines.append("  " + " -> ".join(_quote(node) for node in chain) + ";")
    lines += ["  { rank=same; " + "; ".join(_quote(node) for node in nodes) + "; }" for nodes in columns.values()]
    return "\n".join([*lines, "}"]) + "\n"


def referral_flow(tax: mht.Taxonomy, a: str = "therapist", b: str = "psychiatrist") -> str:
    """The Graphviz source of the referrals between ``a`` and ``b``, one labelled edge per reason."""
    left, right = tax.get(a), tax.get(b)
    lines = ["digraph referrals {", "  graph [rankdir=LR, ranksep=3.2];", *_HEAD]
    for entity in (left, right):
        lines.append(f'  {_quote(entity.id)} [label={_quote(entity.name)}, fillcolor="#ffe7a8", color="#b58a1b"];')
    for source, target, colour, backwards in ((left, right, "#2f6db5", False), (right, left, "#2e8b57", True)):
        for reason in tax.referral_reasons(source, target):
            ends = (target, source) if backwards else (source, target)
            direction = ", dir=back" if backwards else ""
            lines.append(
                f"  {_quote(ends[0].id)} -> {_quote(ends[1].id)} "
                f"[label={_quote(_wrap(reason.name, 30))}, color={_quote(colour)}, fontcolor={_quote(colour)}{direction}];"
            )
    return "\n".join([*lines, "}"]) + "\n"


def session_codes(tax: mht.Taxonomy, minutes: range = range(1, 91)) -> dict[bool, list[tuple[int, int, str]]]:
    """For each ``with_em``, the runs ``(first, last, code)`` of session lengths one code fits.

    Computed by asking :meth:`Taxonomy.codes_for_session` about every length
    in ``minutes``; lengths no code fits are left out.
    """
    runs: dict[bool, list[tuple[int, int, str]]] = {}
    for with_em in (False, True):
        found: list[tuple[int, int, str]] = []
        for minute in minutes:
            code = " + ".join(c.code for c in tax.codes_for_session(minute, with_em=with_em))
            if found and found[-1][2] == code and found[-1][1] == minute - 1:
                found[-1] = (found[-1][0], minute, code)
            elif code:
                found.append((minute, minute, code))
        runs[with_em] = found
    return runs


def _gaps(runs: list[tuple[int, int, str]], first: int, last: int) -> list[tuple[int, int]]:
    """The spans of minutes from ``first`` to ``last`` that no run covers."""
    gaps, start = [], first
    for run_first, run_last, _ in sorted(runs):
        if run_first > start:
            gaps.append((start, run_first - 1))
        start = max(start, run_last + 1)
    return gaps + ([(start, last)] if start <= last else [])


def _matplotlib():  # type: ignore[no-untyped-def]
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError('drawing the docs charts needs matplotlib: pip install "mhtaxonomy[docs]"') from error
    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "font.size": 12, "font.family": "sans-serif"})
    import matplotlib.pyplot as plt

    return plt


def session_chart(tax: mht.Taxonomy, path: Path) -> None:
    """Write an SVG bar chart of :func:`session_codes` to ``path``."""
    plt = _matplotlib()
    runs = session_codes(tax)
    codes = sorted({code for found in runs.values() for _, _, code in found})
    colours = dict(zip(codes, plt.get_cmap("tab10").colors, strict=False))
    figure, axes = plt.subplots(figsize=(8, 2.6))
    rows = {False: "on its own", True: "with an E/M visit"}
    for y, with_em in enumerate((True, False)):
        for first, last in _gaps(runs[with_em], 1, 90):  # the lengths no code fits, computed like the bars
            axes.text((first + last) / 2, y, f"no code\n{first}–{last} min", ha="center", va="center",
                      fontsize=11, color="#555")
        for first, last, code in runs[with_em]:
            axes.barh(y, last - first + 1, left=first - 0.5, color=colours[code], edgecolor="white", height=0.7)
            axes.text((first + last) / 2, y, f"{code}\n{first}–{last} min", ha="center", va="center",
                      fontsize=11, color="white", fontweight="bold")
    axes.set_yticks([0, 1], [rows[True], rows[False]])
    axes.set_xlim(0.5, 90.5)
    axes.set_xlabel("minutes of psychotherapy in the session")
    axes.spines[["top", "right", "left"]].set_visible(False)
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)


def grid_answers(
    tax: mht.Taxonomy, question: Callable[[mht.Taxonomy], mht.Answer], member: str
) -> dict[str, bool]:
    """For each state (a jurisdiction with a two-letter abbreviation), whether the answer holds ``member``.

    ``question`` is asked of the view :meth:`Taxonomy.where` gives for each
    state, so any question of the API can colour the grid.
    """
    found = {}
    for jurisdiction in tax.entities(mht.Kind.JURISDICTION):
        postal = next((a for a in jurisdiction.abbreviations if len(a) == 2 and a.isupper()), None)
        if postal:
            found[postal] = member in question(tax.where(jurisdiction=jurisdiction.id))
    return dict(sorted(found.items()))


def state_grid(answers: dict[str, bool], path: Path, yes: str, no: str, columns: int = 10) -> None:
    """Write an SVG grid of ``answers`` (postal code -> yes or no), in alphabetical order, to ``path``."""
    plt = _matplotlib()
    rows = -(-len(answers) // columns)
    figure, axes = plt.subplots(figsize=(8, 0.62 * rows + 0.7))
    colour = {True: "#2f6db5", False: "#e4e8ef"}
    for index, (postal, holds) in enumerate(answers.items()):
        x, y = index % columns, rows - 1 - index // columns
        axes.add_patch(plt.Rectangle((x + 0.05, y + 0.05), 0.9, 0.9, color=colour[holds]))
        axes.text(x + 0.5, y + 0.5, postal, ha="center", va="center", color="white" if holds else "#333", fontsize=12)
    axes.set_xlim(0, columns)
    axes.set_ylim(-0.1, rows)
    axes.set_aspect("equal")
    axes.axis("off")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colour[True]), plt.Rectangle((0, 0), 1, 1, color=colour[False])]
    axes.legend(handles, [yes, no], loc="upper center", bbox_to_anchor=(0.5, 0), ncol=2, frameon=False)
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)


def generate(tax: mht.Taxonomy, folder: Path, write: Callable[[Path, str], None]) -> None:
    """Write every picture into ``folder`` (text through ``write``, which skips unchanged files)."""
    folder.mkdir(parents=True, exist_ok=True)
    write(folder / "professions.dot", profession_tree(tax))
    write(folder / "ladders.dot", credential_ladder(tax))
    write(folder / "referrals.dot", referral_flow(tax))
    session_chart(tax, folder / "session-codes.svg")
    prescribing = grid_answers(tax, lambda view: view.who_can_provide("prescribing"), "prescribing-psychologist")
    state_grid(prescribing, folder / "psychologists-prescribe.svg", "psychologists may prescribe", "they may not")

"""What an import did, for the person who ran it: counts per kind and outcome, then every problem by post."""

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Outcomes, in the order the summary shows them.
IMPORTED, UPDATED, UNCHANGED, SKIPPED = "imported", "updated", "unchanged", "skipped"
OUTCOMES = {
    IMPORTED: gettext_lazy("importés"),
    UPDATED: gettext_lazy("mis à jour"),
    UNCHANGED: gettext_lazy("inchangés"),
    SKIPPED: gettext_lazy("ignorés"),
}
KINDS = {
    "post": gettext_lazy("Articles"),
    "page": gettext_lazy("Pages"),
    "comment": gettext_lazy("Commentaires"),
    "attachment": gettext_lazy("Images"),
    "term": gettext_lazy("Termes"),
    "author": gettext_lazy("Auteurs"),
}

# Problems the import itself finds (the body's own are in wordpress.body_builder).
MISSING_ALT_TEXT = "texte alternatif manquant"
UNKNOWN_TAXONOMY = "taxinomie inconnue"
BROKEN_IMAGE = "image illisible"
MISSING_IMAGE_FILE = "fichier d’image introuvable"
MISSING_DOCUMENT_FILE = "fichier de document introuvable"
BROKEN_DOCUMENT = "document refusé"
MEDIA_NOT_DOWNLOADED = "fichier non téléchargé"
EDITED_HERE = "modifié dans la rédaction depuis l’import, non écrasé"
NOT_IMPORTED = "article non importé"
ITEM_NOT_IMPORTED = "élément non importé"
TRUNCATED = "texte raccourci"
UNREADABLE_DATE = "date de publication illisible"
PROTECTED = "protégé par un mot de passe dans WordPress : importé sans être publié"
MISSING_BLOCK = "bloc réutilisable introuvable, sa place laissée vide"
UNKNOWN_FOOTNOTE = "appels de note sans note, retirés"
PROTECTED_BUT_EDITED = "protégé par un mot de passe dans WordPress, mais modifié dans la rédaction : laissé tel quel"


@dataclass(frozen=True)
class Problem:
    kind: str
    detail: str
    title: str = ""  # of the post (or attachment) it concerns
    wordpress_id: str = ""


@dataclass
class Report:
    site: str = ""
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)  # (kind, outcome) → number
    skipped: Counter = field(default_factory=Counter)  # reason → number
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        self.counts[kind, outcome] += number

    def skip(self, kind: str, reason: str, number: int = 1) -> None:
        self.count(kind, SKIPPED, number)
        self.skipped[reason] += number

    def problem(self, kind: str, detail: str = "", *, title: str = "", wordpress_id: str = "") -> None:
        self.problems.append(Problem(kind, detail, title, wordpress_id))

    def changed_anything(self) -> bool:
        return any(self.counts[kind, outcome] for kind in KINDS for outcome in (IMPORTED, UPDATED))

    def render(self) -> str:
        """The summary as printed at the end of the command, in French."""
        lines = [_("Import WordPress de %(site)s") % {"site": self.site or "?"}]
        if self.dry_run:
            lines.append(_("Simulation (--dry-run) : rien n’a été enregistré ni écrit."))
        width = max(len(str(label)) for label in KINDS.values())
        header = " " * width + "".join(f"  {str(label):>11}" for label in OUTCOMES.values())
        lines += ["", header]
        for kind, label in KINDS.items():
            cells = "".join(
                f"  {number_format(self.counts[kind, outcome], force_grouping=True):>11}" for outcome in OUTCOMES
            )
            lines.append(f"{str(label):<{width}}{cells}")
        if self.skipped:
            lines += ["", _("Ignorés :")]
            lines += [
                f"  - {reason} : {number_format(n, force_grouping=True)}" for reason, n in sorted(self.skipped.items())
            ]
        if self.problems:
            lines += [
                "",
                _("Problèmes à reprendre (%(count)s) :")
                % {"count": number_format(len(self.problems), force_grouping=True)},
            ]
            for problem in self.problems:
                where = (
                    _("« %(title)s » (WordPress n° %(id)s)") % {"title": problem.title, "id": problem.wordpress_id}
                    if problem.wordpress_id
                    else problem.title
                )
                detail = f" : {problem.detail}" if problem.detail else ""
                lines.append(f"  - {where} — {problem.kind}{detail}" if where else f"  - {problem.kind}{detail}")
        else:
            lines += ["", _("Aucun problème.")]
        lines += ["", _("Durée : %(seconds)s s") % {"seconds": number_format(self.seconds, 1)}]
        return "\n".join(lines)

    # Files for the migration team (--report FILE): the same content, as a page or as a spreadsheet.

    def rows(self) -> list[dict[str, str]]:
        """Every line of the report as a row: counts, reasons for skipping, problems."""
        rows = []
        for kind, label in KINDS.items():
            for outcome, outcome_label in OUTCOMES.items():
                rows.append(_row(_("compte"), str(label), result=str(outcome_label), number=self.counts[kind, outcome]))
        for reason, number in sorted(self.skipped.items()):
            rows.append(_row(_("ignorés"), "", result=reason, number=number))
        for problem in self.problems:
            rows.append(_row(_("problème"), problem.title, problem.wordpress_id, problem.kind, detail=problem.detail))
        return rows

    def as_csv(self) -> str:
        """The report as CSV (comma-separated, UTF-8 with its byte order mark, which spreadsheets read as such)."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(self.rows())
        return "\ufeff" + out.getvalue()

    def as_markdown(self) -> str:
        """The report as a Markdown page: the counts' table, the reasons for skipping, the problems' table."""
        lines = [f"# {_('Import WordPress de %(site)s') % {'site': self.site or '?'}}", ""]
        if self.dry_run:
            lines += [_("Simulation (--dry-run) : rien n’a été enregistré ni écrit."), ""]
        lines += ["| | " + " | ".join(str(label) for label in OUTCOMES.values()) + " |"]
        lines += ["| --- |" + " ---: |" * len(OUTCOMES)]
        for kind, label in KINDS.items():
            cells = " | ".join(number_format(self.counts[kind, outcome], force_grouping=True) for outcome in OUTCOMES)
            lines.append(f"| {label} | {cells} |")
        if self.skipped:
            lines += ["", f"## {_('Ignorés')}", ""]
            lines += [
                f"- {_markdown(reason)} : {number_format(n, force_grouping=True)}"
                for reason, n in sorted(self.skipped.items())
            ]
        lines += ["", f"## {_('Problèmes à reprendre (%(count)s)') % {'count': len(self.problems)}}", ""]
        if self.problems:
            lines += [
                f"| {_('Élément')} | {_('WordPress n°')} | {_('Problème')} | {_('Détail')} |",
                "| --- | --- | --- | --- |",
            ]
            lines += [
                f"| {_markdown(p.title)} | {_markdown(p.wordpress_id)} | {_markdown(p.kind)} | {_markdown(p.detail)} |"
                for p in self.problems
            ]
        else:
            lines.append(_("Aucun problème."))
        lines += ["", _("Durée : %(seconds)s s") % {"seconds": number_format(self.seconds, 1)}, ""]
        return "\n".join(lines)

    def write(self, path) -> None:
        """Write the report to ``path``: CSV for « .csv », Markdown otherwise (« .md »)."""
        text = self.as_csv() if str(path).lower().endswith(".csv") else self.as_markdown()
        with open(path, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)


CSV_COLUMNS = {
    "ligne": gettext_lazy("ligne"),
    "element": gettext_lazy("élément"),
    "wordpress_id": gettext_lazy("WordPress n°"),
    "resultat": gettext_lazy("résultat ou problème"),
    "nombre": gettext_lazy("nombre"),
    "detail": gettext_lazy("détail"),
}


def _row(line, element="", wordpress_id="", result="", number="", detail="") -> dict[str, str]:
    values = (line, element, wordpress_id, result, number, detail)
    return {key: _spreadsheet_safe(str(value)) for key, value in zip(CSV_COLUMNS, values, strict=True)}


def _spreadsheet_safe(text: str) -> str:
    # A title from the export opening with « = » or « @ » would be a formula in a spreadsheet (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _markdown(text: str) -> str:
    """A cell's text: one line, its pipes and brackets of markup escaped."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\|`*_<>\[\]])", r"\\\1", text)

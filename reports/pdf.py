"""Render a credit report as PDF (fpdf2, with an embedded CJK font)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from disclosure.models import Severity, SubjectType
from reports.models import CreditReport, DecisionDocument

FONT = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Regular-GBK.otf"
FAMILY = "NotoSansSC"
INK = (26, 26, 26)
ACCENT = (163, 26, 30)
MUTED = (90, 90, 90)


class ReportPDF(FPDF):
    def __init__(self, report: CreditReport) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=20)
        self.add_font(FAMILY, fname=FONT)
        self.set_title(_("Credit report") + f" {report.number}")
        self.set_author(_("Credit Portal"))
        self.set_lang("zh-CN")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{_('Report number')} {self.report.number}", align="L")
        self.cell(0, 5, _("Page %(page)s of {nb}") % {"page": self.page_no()}, align="R")


# Room a heading needs below it for the first lines of its section: less
# than this left on the page and the heading starts the next page instead of
# standing alone at the foot of this one.
_KEEP_WITH_NEXT = 30


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.get_y() + 13 + _KEEP_WITH_NEXT > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FAMILY, size=12.5)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*ACCENT)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, size=9.5)


def _paragraph(pdf: FPDF, text: str, *, size: float = 9.5, color: tuple[int, int, int] = INK, align: str = "J") -> None:
    pdf.set_font(FAMILY, size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT", align=align)
    pdf.set_text_color(*INK)


def _table(pdf: FPDF, headings: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
    pdf.set_font(FAMILY, size=8.5)
    heading_style = FontFace(fill_color=(244, 236, 236), color=INK)
    with pdf.table(
        col_widths=widths, headings_style=heading_style, line_height=5, text_align="LEFT", padding=1.2
    ) as table:
        table.row(headings)
        for row in rows:
            table.row(row)
    pdf.ln(2)


def _qr_code(pdf: FPDF, url: str, *, x: float, y: float, size: float) -> None:
    """A QR code of `url`, drawn as vector squares (sharp at any zoom)."""
    qr = segno.make(url, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix_iter(scale=1, border=0)]
    module = size / len(matrix)
    # Its own graphics state: the black fill must not leak into the tables.
    with pdf.local_context(fill_color=INK):
        for row_index, row in enumerate(matrix):
            for column_index, dark in enumerate(row):
                if dark:
                    pdf.rect(x + column_index * module, y + row_index * module, module, module, style="F")


def verification_url(report: CreditReport | DecisionDocument) -> str:
    """The verification page of a report (or a decision document), with its
    number and code filled in: what the QR code on the document holds."""
    query = urlencode({"number": report.number, "code": report.verification_code})
    return f"{settings.SITE_URL}{reverse('reports:verify')}?{query}"


def _scope_line(report: CreditReport, english: bool) -> str:
    """What the report covers, as printed under its title."""
    scope = report.content.get("scope") or {}
    date = report.as_of.isoformat()
    if report.purpose == "general" or not scope:
        return _("Covers all public credit information disclosed on %(date)s.") % {"date": date}
    join = ", ".join if english else "、".join
    categories = join(scope["category_names_en" if english else "category_names"])
    lists = join(scope["list_names_en" if english else "list_names"]) if scope["lists"] is not None else ""
    values = {"categories": categories, "lists": lists, "since": scope["since"], "date": date}
    if scope["since"] and lists:
        return (
            _(
                "Covers %(categories)s decided from %(since)s to %(date)s and still disclosed, and whether the "
                "subject is on these lists on %(date)s: %(lists)s."
            )
            % values
        )
    if scope["since"]:
        return (
            _(
                "Covers %(categories)s decided from %(since)s to %(date)s and still disclosed, and the lists the "
                "subject is on on %(date)s."
            )
            % values
        )
    return (
        _(
            "Covers %(categories)s disclosed on %(date)s, and whether the subject is on these lists on %(date)s: "
            "%(lists)s."
        )
        % values
    )


def _conclusion(report: CreditReport) -> str:
    content = report.content
    negative = content["negative_records"]
    dishonesty_lists = [item for item in content["listings"] if item.get("dishonesty", item["negative"])]
    warning_lists = [item for item in content["listings"] if item["negative"] and not item.get("dishonesty", True)]
    date = report.as_of.isoformat()
    if negative:
        records = ngettext(
            "As of %(date)s, this portal discloses %(count)d dishonesty record about this subject",
            "As of %(date)s, this portal discloses %(count)d dishonesty records about this subject",
            len(negative),
        ) % {"date": date, "count": len(negative)}
    else:
        records = _(
            "As of %(date)s, this portal discloses no administrative penalty, judgment or other dishonesty "
            "record about this subject"
        ) % {"date": date}
    if dishonesty_lists:
        lists = ngettext(
            "the subject is on %(count)d list of dishonest subjects",
            "the subject is on %(count)d lists of dishonest subjects",
            len(dishonesty_lists),
        ) % {"count": len(dishonesty_lists)}
    else:
        lists = _("the subject is not on any list of dishonest subjects")
    sentences = [_("%(records)s, and %(lists)s.") % {"records": records, "lists": lists}]
    if warning_lists:
        sentences.append(
            _("The subject is on the abnormal operations list, which is not a list of dishonest subjects.")
        )
    if not negative and not dishonesty_lists and report.purpose == "general":
        sentences.append(
            _(
                "Under the 2025 opinions on the social credit system this report may be used in place of a "
                "certificate of no violation of laws and regulations."
            )
        )
    if negative or content["listings"]:
        sentences.append(_("Details follow."))
    return "".join(sentences) if not (get_language() or "").startswith("en") else " ".join(sentences)


def _severity(code: str) -> str:
    return str(Severity(code).label) if code else "—"


def render(report: CreditReport) -> bytes:
    content = report.content
    subject = content["subject"]
    english = (get_language() or "").startswith("en")
    pdf = ReportPDF(report)
    pdf.add_page()

    pdf.set_font(FAMILY, size=20)
    pdf.set_text_color(*ACCENT)
    if report.purpose == "general":
        title = _("Credit report")
    else:
        title = _("Special-purpose credit report (%(purpose)s)") % {"purpose": report.get_purpose_display()}
    pdf.multi_cell(0, 11, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 5.5, _scope_line(report, english), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    verify_url = verification_url(report)
    issued = timezone.localtime(report.issued_at)
    _table(
        pdf,
        [
            pgettext("credit report", "Report number"),
            pgettext("credit report", "Verification code"),
            pgettext("credit report", "Information as of"),
            pgettext("credit report", "Issued at"),
        ],
        [[report.number, report.verification_code, report.as_of.isoformat(), f"{issued:%Y-%m-%d %H:%M}"]],
        (45, 35, 40, 54),
    )
    qr_size = 24
    qr_top = pdf.get_y()
    _qr_code(pdf, verify_url, x=pdf.w - pdf.r_margin - qr_size, y=qr_top, size=qr_size)
    pdf.set_right_margin(pdf.r_margin + qr_size + 4)
    _paragraph(
        pdf,
        _(
            "Scan the code or open %(url)s to check this report. The file carries the portal's digital "
            "signature: a PDF reader shows whether it was changed after issue; the signing certificate is "
            "published at %(certificate)s."
        )
        % {
            "url": f"{settings.SITE_URL}{reverse('reports:verify')}",
            "certificate": f"{settings.SITE_URL}{reverse('reports:certificate')}",
        },
        size=8.5,
        color=MUTED,
        # Left-aligned: justifying a line that holds a URL spreads it apart.
        align="L",
    )
    pdf.set_right_margin(18)
    pdf.set_y(max(pdf.get_y(), qr_top + qr_size) + 2)

    _heading(pdf, _("1. Subject"))
    rows = [
        [pgettext("credit report", "Name"), subject["name"]],
        [
            pgettext("credit report", "Unified social credit code")
            if subject["uscc"]
            else pgettext("credit report", "Identity number"),
            subject["uscc"] or subject["identity_number"] or "—",
        ],
        [pgettext("credit report", "Subject type"), str(SubjectType(subject["subject_type"]).label)],
        [
            pgettext("credit report", "Region"),
            (subject.get("region_name_en") if english else subject["region_name"]) or "—",
        ],
    ]
    if subject["legal_representative"]:
        rows.append([pgettext("credit report", "Legal representative"), subject["legal_representative"]])
    if subject["former_names"]:
        rows.append([pgettext("credit report", "Former names"), "、".join(subject["former_names"])])
    _table(pdf, [pgettext("credit report", "Item"), pgettext("credit report", "Content")], rows, (50, 124))

    _heading(pdf, _("2. Conclusion"))
    negative = content["negative_records"]
    _paragraph(pdf, _conclusion(report))

    _heading(pdf, _("3. Dishonesty records being disclosed"))
    if negative:
        _table(
            pdf,
            [
                pgettext("credit report", "Category"),
                pgettext("credit report", "Decision"),
                pgettext("credit report", "Authority"),
                pgettext("credit report", "Severity"),
                pgettext("credit report", "Summary"),
                pgettext("credit report", "Disclosed until"),
            ],
            [
                [
                    item["category_name_en"] if english else item["category_name"],
                    f"{item['document_no']}\n{item['decided_on']}",
                    item["authority"],
                    _severity(item["severity"]),
                    item["summary"],
                    item["disclosure_until"] or "—",
                ]
                for item in negative
            ],
            (26, 34, 30, 14, 48, 22),
        )
    else:
        _paragraph(pdf, _("None."))

    _heading(pdf, _("4. Credit lists"))
    if content["listings"]:
        _table(
            pdf,
            [
                pgettext("credit report", "List"),
                pgettext("credit report", "Since"),
                pgettext("credit report", "Reason"),
                pgettext("credit report", "Authority"),
            ],
            [
                [
                    item["list_name_en"] if english else item["list_name"],
                    item["entered_on"],
                    item["reason"],
                    item["authority"],
                ]
                for item in content["listings"]
            ],
            (40, 22, 72, 40),
        )
    else:
        _paragraph(pdf, _("None."))

    if (content.get("scope") or {}).get("positive", True):
        _positive_section(pdf, content, english)
    _notes(pdf)
    return bytes(pdf.output())


def _positive_section(pdf: FPDF, content: dict, english: bool) -> None:
    _heading(pdf, _("5. Licences, commitments and honours"))
    if content["positive_records"]:
        _table(
            pdf,
            [
                pgettext("credit report", "Category"),
                pgettext("credit report", "Decision"),
                pgettext("credit report", "Authority"),
                pgettext("credit report", "Summary"),
                pgettext("credit report", "Disclosed until"),
            ],
            [
                [
                    item["category_name_en"] if english else item["category_name"],
                    f"{item['document_no']}\n{item['decided_on']}",
                    item["authority"],
                    item["summary"],
                    item["disclosure_until"] or _("while valid"),
                ]
                for item in content["positive_records"]
            ],
            (24, 36, 34, 56, 24),
        )
    else:
        _paragraph(pdf, _("None."))


def _notes(pdf: FPDF) -> None:
    _heading(pdf, _("Notes"))
    _paragraph(
        pdf,
        _(
            "This report shows the public credit information that this portal disclosed on the date above. "
            "Records whose disclosure period has ended, that were repaired, revoked or corrected are not shown. "
            "Minor dishonesty is not disclosed unless the catalogue provides so. To report an error, "
            "file an objection on the portal."
        ),
        size=8.5,
        color=MUTED,
    )

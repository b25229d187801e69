"""Render a credit report as PDF (fpdf2, with an embedded CJK font)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from disclosure.models import Severity, SubjectType
from reports.models import CreditReport

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


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FAMILY, size=12.5)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*ACCENT)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, size=9.5)


def _paragraph(pdf: FPDF, text: str, *, size: float = 9.5, color: tuple[int, int, int] = INK) -> None:
    pdf.set_font(FAMILY, size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
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
    title = _("Credit report") if report.purpose == "general" else _("Special-purpose credit report")
    pdf.cell(0, 12, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 6, str(report.get_purpose_display()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    verify_url = f"{settings.SITE_URL}{reverse('reports:verify')}"
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
    _paragraph(
        pdf,
        _("Check this report at %(url)s with its number and verification code.") % {"url": verify_url},
        size=8.5,
        color=MUTED,
    )

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
    negative_lists = [item for item in content["listings"] if item["negative"]]
    if not negative and not negative_lists:
        _paragraph(
            pdf,
            _(
                "As of %(date)s, this portal discloses no administrative penalty, judgment or other "
                "dishonesty record about this subject, and the subject is on no list of dishonest subjects. "
                "Under the 2025 opinions on the social credit system this report may be used in place of a "
                "certificate of no violation of laws and regulations."
            )
            % {"date": report.as_of.isoformat()},
        )
    else:
        _paragraph(
            pdf,
            _(
                "As of %(date)s, this portal discloses %(records)d dishonesty record(s) about this subject, "
                "and the subject is on %(lists)d list(s) of dishonest subjects. Details follow."
            )
            % {"date": report.as_of.isoformat(), "records": len(negative), "lists": len(negative_lists)},
        )

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
            (22, 34, 30, 14, 52, 22),
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
    return bytes(pdf.output())

"""Render a credit repair decision document (信用修复决定书) as PDF.

An official document: written in Chinese whatever the page language, like the
credit commitment it goes with; it reuses the credit report's font and
building blocks, and its number and code are checked on /reports/verify/.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from fpdf import FPDF

from reports.models import DecisionDocument
from reports.pdf import ACCENT, FAMILY, FONT, INK, MUTED, _heading, _paragraph, _qr_code, _table, verification_url

OUTCOMES = {
    "repaired": "予以信用修复",
    "refused": "不予信用修复",
    "repair_revoked": "撤销信用修复",
}
CONSEQUENCES = {
    "repaired": (
        "自本决定作出之日起，上述失信信息在本平台停止公示，信用主体移出相关名单；"
        "申请人签署的信用承诺书作为公共信用信息公示，公示期不超过被修复信息原公示期。"
        "本平台已通过变更数据通知信用服务机构同步删除。"
    ),
    "refused": (
        "上述信息继续公示至公示期届满。申请人可在不予修复的原因消除后重新申请；"
        "对本决定有异议的，可通过本平台提出异议申诉。"
    ),
    "repair_revoked": (
        "经查，该信用修复系以隐瞒真实情况、提供虚假材料等不正当手段取得，依据《信用修复管理办法》"
        "撤销原修复决定。上述信息自本决定作出之日起恢复公示，至原公示期届满为止。"
    ),
}


class DecisionPDF(FPDF):
    def __init__(self, document: DecisionDocument) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.document = document
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=20)
        self.add_font(FAMILY, fname=FONT)
        self.set_title(f"信用修复决定书 {document.number}")
        self.set_lang("zh-CN")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"文书编号 {self.document.number}", align="L")
        self.cell(0, 5, f"第 {self.page_no()} 页 共 {{nb}} 页", align="R")


def render(document: DecisionDocument) -> bytes:
    content = document.content
    subject = content["subject"]
    pdf = DecisionPDF(document)
    pdf.add_page()
    pdf.set_font(FAMILY, size=20)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 12, "信用修复决定书", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.ln(3)
    issued = timezone.localtime(document.issued_at)
    _table(
        pdf,
        ["文书编号", "校验码", "受理编号", "出具时间"],
        [[document.number, document.verification_code, content["tracking_no"], f"{issued:%Y-%m-%d %H:%M}"]],
        (45, 30, 45, 54),
    )
    verify_url = f"{settings.SITE_URL}{reverse('reports:verify')}"
    certificate_url = f"{settings.SITE_URL}{reverse('reports:certificate')}"
    qr_size = 24
    qr_top = pdf.get_y()
    _qr_code(pdf, verification_url(document), x=pdf.w - pdf.r_margin - qr_size, y=qr_top, size=qr_size)
    pdf.set_right_margin(pdf.r_margin + qr_size + 4)
    _paragraph(
        pdf,
        f"扫描二维码或凭文书编号和校验码在 {verify_url} 核验本决定书。本文件带有本平台的电子签章，"
        f"PDF 阅读器可显示其出具后是否被改动；签章证书公布于 {certificate_url}。",
        size=8.5,
        color=MUTED,
        align="L",
    )
    pdf.set_right_margin(18)
    pdf.set_y(max(pdf.get_y(), qr_top + qr_size) + 2)

    _heading(pdf, "一、申请人")
    code_label, code = (
        ("统一社会信用代码", subject["uscc"]) if subject["uscc"] else ("身份证号码", subject["identity_number"])
    )
    _table(
        pdf,
        ["项目", "内容"],
        [
            ["信用主体", subject["name"]],
            [code_label, code or "—"],
            ["申请日期", content["submitted_on"]],
            ["决定机关", content["authority"]],
            ["决定日期", content["decided_on"] or "—"],
        ],
        (50, 124),
    )

    _heading(pdf, "二、申请修复的信息")
    rows = [
        [
            "失信信息" if item["kind"] == "record" else "名单",
            item["name"],
            item["document_no"] or "—",
            item["date"],
            item["authority"],
        ]
        for item in content["items"]
    ]
    _table(pdf, ["类型", "名称", "文书号", "日期", "认定机关"], rows, (20, 40, 44, 24, 46))

    _heading(pdf, "三、决定")
    pdf.set_font(FAMILY, size=13)
    pdf.cell(0, 8, OUTCOMES[content["outcome"]], new_x="LMARGIN", new_y="NEXT")
    if content["reason"]:
        _paragraph(pdf, f"理由：{content['reason']}")
    _paragraph(pdf, CONSEQUENCES[content["outcome"]])
    _paragraph(
        pdf,
        "依据：《信用修复管理办法》（国家发展改革委令第36号）；《关于健全社会信用体系的意见》（中办发〔2025〕22号）。",
        size=8.5,
        color=MUTED,
    )
    pdf.ln(6)
    pdf.set_font(FAMILY, size=11)
    pdf.cell(0, 7, content["authority"], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, content["decided_on"] or "", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

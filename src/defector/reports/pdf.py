"""A status report as PDF (fpdf2: pure Python, no system library), from its stored contents.

The PDF says what the report's page says, from the same rows (``ReportView.rows``): cryptonyms,
codes, labels, counts and times in UTC — no true name, since the contents never hold one. It is
drawn with the PDF's standard Helvetica, whose encoding is Latin-1: a character outside it (a
comment in Cyrillic) is written as ``?`` rather than failing the export. Its text streams are
compressed as usual; the tests read them back by inflating each stream.
"""

from __future__ import annotations

from typing import Final

from fpdf import FPDF

from defector.reports.queries.reports import ReportView

#: The widths of the two columns of a section's table, in millimetres, and its line height.
ITEM_WIDTH: Final = 75
VALUE_WIDTH: Final = 105
LINE: Final = 6


def latin1(text: object) -> str:
    """Text the standard fonts can draw: Latin-1, anything else as ``?``."""
    return str(text).encode("latin-1", "replace").decode("latin-1")


def render(view: ReportView) -> bytes:
    """The report as the bytes of a PDF file."""
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(view.title))
    pdf.set_creator("Defector Program case system")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(0, 8, latin1(view.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(
        0,
        5,
        latin1(
            "DCID No. 4/21, 6d: keep the Interagency Defector Committee, Washington, informed "
            "concerning each defector, including the status of exploitation. Generated from "
            f"the case on {view.as_of}."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    sections: dict[str, list[tuple[str, str]]] = {}
    for heading, item, value in view.rows():
        sections.setdefault(heading, []).append((item, "-" if value == "" else str(value)))
    for heading, rows in sections.items():
        pdf.ln(3)
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.cell(0, 7, latin1(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        with pdf.table(
            col_widths=(ITEM_WIDTH, VALUE_WIDTH),
            first_row_as_headings=False,
            text_align="LEFT",
            line_height=LINE,
        ) as table:
            for item, value in rows:
                row = table.row()
                row.cell(latin1(item))
                row.cell(latin1(value))
    return bytes(pdf.output())

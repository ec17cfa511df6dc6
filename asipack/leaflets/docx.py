"""Write a page's rendered HTML as a Word document (.docx) that HR can edit and sign.

The input is the same HTML body the website and the leaflets show (a page rendered by
asipack.render.PageRenderer), so one source feeds all three. The document holds the page's
words only: no clinic footer, no QR code, no pictures.

What becomes what:
  h1, h2, h3             Word's "Heading 1", "Heading 2", "Heading 3" styles (h4-h6: "Heading 3")
  p, li, td, th          paragraphs, "List Bullet" / "List Number" paragraphs (each <ol> starts
                         again at 1), table cells in the "Table Grid" style; bold and italic kept
  a blank to fill in     a plain-text content control (a Word form field, tag "blank") showing an
                         underlined space, so it is visible on paper and selected with one click:
                         <span class="blank"></span> (or "blank wide") and any run of four or
                         more underscores ("____") in the text
  <div class="lines">    a content control (tag "lines") around three ruled, empty paragraphs
                         (two for <div class="lines two">)
  <div class="page-break">  a page break
  checklist items        a tick box content control (tag "tick") before the item's text
  empty table cells      left empty, in rows tall enough to write in

The bytes are the same for the same input: the document's dates are fixed and every file in
the zip carries the same timestamp. The file is written to a temporary name and renamed, so a
failure never leaves half a document.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path

import docx
import lxml.html
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from asipack.model.files import atomic_file

__all__ = ["write_docx"]

FIXED_TIME = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)  # created and modified, for stable bytes
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
LANGUAGE_TAGS = {"id": "id-ID", "en": "en-GB"}  # page language -> the tag Word uses for spelling
FIELD_LABEL = {"id": "Isi di sini", "en": "Fill in here"}  # a blank's name when no label precedes it
BLANK_WIDTH = {"narrow": 24, "wide": 48}  # a blank's width, in non-breaking spaces
UNDERSCORES = re.compile(r"_{4,}")
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 3, "h5": 3, "h6": 3}
BLOCKS = {"p", "ul", "ol", "table", "div", "figure", "blockquote", "hr", "pre", "details", "section"} | set(HEADINGS)
ROW_HEIGHT = Mm(9)  # table rows a pen can write in, as on the printed form


def write_docx(html: str, *, title: str, lang: str, target: Path) -> None:
    """Write a rendered page (its HTML body) to target as an editable .docx in the page's language."""
    document = docx.Document()
    setup_document(document, title=title, lang=lang)
    writer = _Writer(document, lang)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    writer.blocks(root)
    buffer = io.BytesIO()
    document.save(buffer)
    with atomic_file(Path(target)) as partial:
        partial.write_bytes(stable_zip(buffer.getvalue()))


def setup_document(document, *, title: str, lang: str) -> None:
    """Set A4 pages, the language Word checks spelling in, and fixed core properties."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    tag = LANGUAGE_TAGS.get(lang, lang)
    run_defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = run_defaults.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_defaults.append(language)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        language.set(qn(attribute), tag)
    document.styles["Normal"].font.size = Pt(11)
    properties = document.core_properties
    properties.title = title
    properties.language = tag
    properties.author = "asipack"
    properties.last_modified_by = "asipack"
    properties.created = properties.modified = FIXED_TIME
    properties.revision = 1
    properties.comments = ""


def stable_zip(data: bytes) -> bytes:
    """Return the same zip with one fixed timestamp on every entry, so equal input gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            copy.writestr(entry, source.read(item.filename))
    return out.getvalue()


def classes(element) -> set[str]:
    """Return an element's CSS classes."""
    return set((element.get("class") or "").split())


def is_blank(element) -> bool:
    """Tell whether an element is a blank to write on: <span class="blank">."""
    return element.tag == "span" and "blank" in classes(element)


class _Writer:
    """Walk the HTML tree and append Word paragraphs, lists and tables to one document."""

    def __init__(self, document, lang: str):
        self.document = document
        self.lang = lang
        self.field_ids = iter(range(1, 1_000_000))
        self.list_number_ids: dict[int, int] = {}

    # --- blocks ------------------------------------------------------------------------------
    def blocks(self, element, *, container=None, list_level: int = 0) -> None:
        """Write the block children of an element (text between blocks becomes a paragraph)."""
        container = container if container is not None else self.document
        loose: list = []  # inline content waiting for a paragraph
        if element.text and element.text.strip():
            loose.append(element.text)
        for child in element:
            if not isinstance(child.tag, str):  # a comment
                if child.tail and child.tail.strip():
                    loose.append(child.tail)
                continue
            if child.tag in BLOCKS:
                self.flush(loose, container)
                self.block(child, container=container, list_level=list_level)
                if child.tail and child.tail.strip():
                    loose.append(child.tail)
            else:
                loose.append(child)
                if child.tail:
                    loose.append(child.tail)
        self.flush(loose, container)

    def flush(self, loose: list, container) -> None:
        """Write waiting inline content as one paragraph."""
        if any(isinstance(part, str) and part.strip() or not isinstance(part, str) for part in loose):
            paragraph = container.add_paragraph()
            for part in loose:
                if isinstance(part, str):
                    self.text(paragraph, part)
                else:
                    self.inline(paragraph, part)
        loose.clear()

    def block(self, element, *, container, list_level: int) -> None:
        """Write one block element."""
        tag = element.tag
        if tag in HEADINGS:
            paragraph = container.add_paragraph(style=f"Heading {HEADINGS[tag]}")
            self.inlines(paragraph, element)
        elif tag == "p":
            paragraph = container.add_paragraph()
            self.inlines(paragraph, element)
        elif tag in ("ul", "ol"):
            self.list(element, container=container, level=list_level, checklist=False)
        elif tag == "table":
            self.table(element, container=container)
        elif tag == "div" and "lines" in classes(element):
            self.lines(container, count=2 if "two" in classes(element) else 3)
        elif tag == "div" and "page-break" in classes(element):
            container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif tag == "div" and "checklist" in classes(element):
            for child in element:
                if child.tag in ("ul", "ol"):
                    self.list(child, container=container, level=list_level, checklist=True)
                elif isinstance(child.tag, str):
                    self.block(child, container=container, list_level=list_level)
        elif tag == "figure" or tag == "hr":
            return  # pictures and rules have no place in a document to edit
        elif tag == "div" and "admonition" in classes(element):
            self.blocks(element, container=container, list_level=list_level)
        else:
            self.blocks(element, container=container, list_level=list_level)

    def list(self, element, *, container, level: int, checklist: bool) -> None:
        """Write a list: bullets, numbers (starting again at 1), or tick boxes."""
        numbered = element.tag == "ol" and not checklist
        depth = "" if level == 0 else f" {min(level + 1, 3)}"
        style = ("List Number" if numbered else "List Bullet") + depth
        if checklist:
            style = "List Paragraph"
        number_id = self.restarted_numbering(style) if numbered else None
        for item in element:
            if item.tag != "li":
                continue
            paragraph = container.add_paragraph(style=style)
            if number_id is not None:
                self.set_numbering(paragraph, number_id, level=0)
            if checklist:
                self.tick_box(paragraph)
            nested = []
            inline_item = lxml.html.fragment_fromstring("<div></div>")
            inline_item.text = item.text
            for child in item:
                if isinstance(child.tag, str) and child.tag in ("ul", "ol"):
                    nested.append(child)
                else:
                    inline_item.append(child)  # moves the child (and its tail) out of the item
            self.inlines(paragraph, inline_item)
            for sub in nested:
                self.list(sub, container=container, level=level + 1, checklist=checklist)

    def table(self, element, *, container) -> None:
        """Write a table in the Table Grid style: header cells bold, empty rows tall enough to write in."""
        rows = element.findall(".//tr")
        if not rows:
            return
        width = max(len([c for c in row if c.tag in ("td", "th")]) for row in rows)
        table = container.add_table(rows=0, cols=width)
        table.style = self.document.styles["Table Grid"]
        for row in rows:
            cells = [c for c in row if c.tag in ("td", "th")]
            added = table.add_row()
            if any(not cell.text_content().strip() for cell in cells):
                added.height = ROW_HEIGHT  # a row with a box to fill in
            for index, cell in enumerate(cells):
                target = added.cells[index]
                paragraph = target.paragraphs[0]
                self.inlines(paragraph, cell, bold=cell.tag == "th")
        container.add_paragraph()  # Word joins two tables that touch

    def lines(self, container, *, count: int = 3) -> None:
        """Write ruled lines to write on (three unless told), inside one content control."""
        anchor = container.add_paragraph()  # put in place by python-docx (before the section properties)
        sdt = self.content_control(tag="lines", label=FIELD_LABEL.get(self.lang, "Fill in here"), kind="richText")
        content = OxmlElement("w:sdtContent")
        sdt.append(content)
        for _ in range(count):
            paragraph = OxmlElement("w:p")
            properties = OxmlElement("w:pPr")
            borders = OxmlElement("w:pBdr")
            bottom = OxmlElement("w:bottom")
            for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "555555")):
                bottom.set(qn(key), value)
            borders.append(bottom)
            properties.append(borders)
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:before"), "240")
            spacing.set(qn("w:after"), "0")
            properties.append(spacing)
            paragraph.append(properties)
            content.append(paragraph)
        anchor._p.addprevious(sdt)
        anchor._p.getparent().remove(anchor._p)

    # --- inline content --------------------------------------------------------------------
    def inlines(self, paragraph: Paragraph, element, *, bold: bool = False, italic: bool = False) -> None:
        """Write an element's text and inline children into a paragraph."""
        if element.text:
            self.text(paragraph, element.text, bold=bold, italic=italic)
        for child in element:
            if isinstance(child.tag, str):
                self.inline(paragraph, child, bold=bold, italic=italic)
            if child.tail:
                self.text(paragraph, child.tail, bold=bold, italic=italic)

    def inline(self, paragraph: Paragraph, element, *, bold: bool = False, italic: bool = False) -> None:
        """Write one inline element: a blank, a line break, or formatted text."""
        tag = element.tag
        if is_blank(element):
            self.blank(paragraph, wide="wide" in classes(element))
        elif tag == "br":
            paragraph.add_run().add_break(WD_BREAK.LINE)
        elif tag == "img":
            return
        elif tag in ("ul", "ol", "table", "div", "p"):
            self.inlines(paragraph, element, bold=bold, italic=italic)
        else:
            self.inlines(paragraph, element, bold=bold or tag in ("strong", "b"), italic=italic or tag in ("em", "i"))

    def text(self, paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False) -> None:
        """Write text (whitespace collapsed as a browser would); runs of underscores become blanks."""
        text = re.sub(r"\s+", " ", text)
        if not paragraph.runs and not paragraph._p.findall(qn("w:sdt")):
            text = text.lstrip()
        pieces = UNDERSCORES.split(text)
        for index, piece in enumerate(pieces):
            if piece:
                run = paragraph.add_run(piece)
                run.bold = bold or None
                run.italic = italic or None
            if index < len(pieces) - 1:
                self.blank(paragraph, wide=False)

    def label_before(self, paragraph: Paragraph) -> str:
        """Return the words just before a blank, to name the field ("Company", "Date")."""
        words = "".join(run.text for run in paragraph.runs).strip()
        tail = re.split(r"[.:]\s+(?=\S)", words)[-1] if words else ""
        tail = tail.strip().rstrip(":").strip()
        return tail[-40:] if tail else FIELD_LABEL.get(self.lang, "Fill in here")

    def blank(self, paragraph: Paragraph, *, wide: bool) -> None:
        """Append a fill-in field: a plain-text content control showing an underlined blank."""
        sdt = self.content_control(tag="blank", label=self.label_before(paragraph), kind="text")
        content = OxmlElement("w:sdtContent")
        run = OxmlElement("w:r")
        run_properties = OxmlElement("w:rPr")
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        run_properties.append(underline)
        run.append(run_properties)
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = "\u00a0" * BLANK_WIDTH["wide" if wide else "narrow"]
        run.append(text)
        content.append(run)
        sdt.append(content)
        paragraph._p.append(sdt)

    def tick_box(self, paragraph: Paragraph) -> None:
        """Append a tick box content control (Word 2010 and later, LibreOffice 7 and later)."""
        sdt = OxmlElement("w:sdt")
        properties = OxmlElement("w:sdtPr")
        tag = OxmlElement("w:tag")
        tag.set(qn("w:val"), "tick")
        properties.append(tag)
        identifier = OxmlElement("w:id")
        identifier.set(qn("w:val"), str(next(self.field_ids)))
        properties.append(identifier)
        checkbox = OxmlElement("w14:checkbox")
        checked = OxmlElement("w14:checked")
        checked.set(qn("w14:val"), "0")
        checkbox.append(checked)
        for name, code in (("w14:checkedState", "2612"), ("w14:uncheckedState", "2610")):
            state = OxmlElement(name)
            state.set(qn("w14:val"), code)
            state.set(qn("w14:font"), "Segoe UI Symbol")
            checkbox.append(state)
        properties.append(checkbox)
        sdt.append(properties)
        content = OxmlElement("w:sdtContent")
        run = OxmlElement("w:r")
        fonts = OxmlElement("w:rFonts")
        for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(key), "Segoe UI Symbol")
        run_properties = OxmlElement("w:rPr")
        run_properties.append(fonts)
        run.append(run_properties)
        text = OxmlElement("w:t")
        text.text = "\u2610"
        run.append(text)
        content.append(run)
        sdt.append(content)
        paragraph._p.append(sdt)
        paragraph.add_run("\u00a0")

    def content_control(self, *, tag: str, label: str, kind: str):
        """Return a <w:sdt> with its properties: a name, a tag, an id, and its kind."""
        sdt = OxmlElement("w:sdt")
        properties = OxmlElement("w:sdtPr")
        alias = OxmlElement("w:alias")
        alias.set(qn("w:val"), label)
        properties.append(alias)
        tag_element = OxmlElement("w:tag")
        tag_element.set(qn("w:val"), tag)
        properties.append(tag_element)
        identifier = OxmlElement("w:id")
        identifier.set(qn("w:val"), str(next(self.field_ids)))
        properties.append(identifier)
        if kind == "text":  # a blank: what is typed replaces the underlined space, and stays underlined
            run_properties = OxmlElement("w:rPr")
            underline = OxmlElement("w:u")
            underline.set(qn("w:val"), "single")
            run_properties.append(underline)
            properties.insert(0, run_properties)
            properties.append(OxmlElement("w:showingPlcHdr"))
            properties.append(OxmlElement("w:text"))
        sdt.append(properties)
        return sdt

    # --- numbering -------------------------------------------------------------------------
    def restarted_numbering(self, style: str) -> int:
        """Return a new numbering instance for a numbered list style, starting at 1."""
        numbering = self.document.part.numbering_part.element
        style_element = self.document.styles[style].element
        style_num = style_element.find(qn("w:pPr")).find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
        abstract = None
        for num in numbering.findall(qn("w:num")):
            if num.get(qn("w:numId")) == style_num:
                abstract = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        used = [int(num.get(qn("w:numId"))) for num in numbering.findall(qn("w:num"))]
        new_id = max(used) + 1
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(new_id))
        abstract_id = OxmlElement("w:abstractNumId")
        abstract_id.set(qn("w:val"), abstract)
        num.append(abstract_id)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), "1")
        override.append(start)
        num.append(override)
        numbering.append(num)
        return new_id

    @staticmethod
    def set_numbering(paragraph: Paragraph, number_id: int, *, level: int) -> None:
        """Point a paragraph at a numbering instance."""
        properties = paragraph._p.get_or_add_pPr()
        numbering = properties.get_or_add_numPr()
        numbering.get_or_add_ilvl().val = level
        numbering.get_or_add_numId().val = number_id

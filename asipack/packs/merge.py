"""Join tagged PDFs page by page with pikepdf, keeping their structure trees (PDF/UA).

Copying a page from one PDF into another at the object level is fast (no layout, no
re-drawing), but it carries only the page: the structure tree that makes the page accessible
stays behind in the source. So after copying pages, the trees are joined by hand:

* the source's top-level structure elements that belong to the copied pages (WeasyPrint makes
  one set per page, each naming its page in /Pg) become kids of the destination's /Document
  element, in page order, with /P pointing at it;
* each copied page gets a fresh /StructParents key, and each copied annotation a fresh
  /StructParent key, after the destination's existing ones; the /ParentTree maps those keys to
  the copied elements, and /ParentTreeNextKey moves past them.

Pages are copied before their elements, so QPDF's foreign-object copier maps every /Pg and
/Obj reference to the page and annotation copies. The top-level elements are detached from
their parent while they are copied, so the copier never walks up into the rest of the source
tree (which may describe other pages, even other people's).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pikepdf

from asipack.model.errors import AsipackError

Objgen = tuple[int, int]


class MergeError(AsipackError):
    """A PDF cannot be joined without losing its tags (it is untagged or its tree is unusual)."""


@dataclass
class Structure:
    """The parts of a tagged PDF's structure tree that joining pages needs."""

    root: pikepdf.Dictionary  # /StructTreeRoot
    document: pikepdf.Dictionary  # the /Document element every top-level element hangs from
    parent_tree: pikepdf.NumberTree
    # per page: the elements whose parent is the document element. Most are its kids; some
    # are not (WeasyPrint maps page-margin content, such as page numbers, to elements that
    # point at the document element but are left out of its kids), and they are kept that way.
    tops_by_page: dict[Objgen, list[pikepdf.Dictionary]]
    kids: set[Objgen]


def structure(pdf: pikepdf.Pdf, *, with_pages: bool = True) -> Structure:
    """Return a tagged PDF's structure root, document element, parent tree and top elements per page.

    Finding each page's elements walks the whole tree; a destination does not need it
    (with_pages=False).
    """
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary) or "/ParentTree" not in root:
        raise MergeError("the PDF has no structure tree (it is not tagged), so its pages cannot keep their tags")
    top = root.get("/K")
    if isinstance(top, pikepdf.Array):
        if len(top) != 1:
            raise MergeError(f"the structure tree has {len(top)} top-level elements; expected one /Document element")
        top = top[0]
    if not isinstance(top, pikepdf.Dictionary) or top.get("/S") != pikepdf.Name.Document:
        raise MergeError("the structure tree does not start with a /Document element")
    kids = top.get("/K", pikepdf.Array())
    if not isinstance(kids, pikepdf.Array):
        kids = pikepdf.Array([kids])
        top.K = kids
    parent_tree = pikepdf.NumberTree(root.ParentTree)
    if not with_pages:
        return Structure(root, top, parent_tree, {}, set())
    document = top.objgen
    tops: dict[Objgen, pikepdf.Dictionary] = {kid.objgen: kid for kid in kids if isinstance(kid, pikepdf.Dictionary)}
    for _, entry in parent_tree.items():
        for element in entry if isinstance(entry, pikepdf.Array) else [entry]:
            seen = 0
            while isinstance(element, pikepdf.Dictionary) and "/P" in element and element.P.objgen != document:
                element = element.P
                seen += 1
                if seen > 1000:
                    raise MergeError("the structure tree has a loop in its /P links")
            if isinstance(element, pikepdf.Dictionary) and element.get("/P") is not None:
                tops.setdefault(element.objgen, element)
    tops_by_page: dict[Objgen, list[pikepdf.Dictionary]] = {}
    for element in tops.values():
        page = element.get("/Pg")
        if page is None:
            raise MergeError("a top-level structure element does not name its page (/Pg)")
        tops_by_page.setdefault(page.objgen, []).append(element)
    return Structure(root, top, parent_tree, tops_by_page, {kid.objgen for kid in kids})


def copy_object(dest: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """Copy an object from another PDF: indirect ones through QPDF's copier, direct ones by hand."""
    if isinstance(value, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)) and value.is_indirect:
        return dest.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([copy_object(dest, item) for item in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: copy_object(dest, item) for key, item in value.items()})
    return value


def next_parent_key(tree: Structure) -> int:
    """Return the first unused key of a parent tree."""
    if "/ParentTreeNextKey" in tree.root:
        return int(tree.root.ParentTreeNextKey)
    return max((int(key) for key in tree.parent_tree.keys()), default=-1) + 1


def kid_position(pdf: pikepdf.Pdf, tree: Structure, at: int) -> int:
    """Return where the elements of pages inserted at page `at` go among the document's kids."""
    if at == 0:
        return 0
    if at >= len(pdf.pages):
        return len(tree.document.K)
    index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    return sum(1 for kid in tree.document.K if index.get(kid.Pg.objgen, 0) < at)


@contextlib.contextmanager
def detached(kids: list[pikepdf.Dictionary]) -> Iterator[None]:
    """Remove the /P link of some structure elements for a while, so copying them stops there."""
    parents = []
    for kid in kids:
        parents.append(kid.get("/P"))
        if "/P" in kid:
            del kid["/P"]
    try:
        yield
    finally:
        for kid, parent in zip(kids, parents):
            if parent is not None:
                kid.P = parent


def insert_pages(dest: pikepdf.Pdf, source: pikepdf.Pdf, pages: Sequence[int], *, at: int, source_tree: Structure | None = None) -> None:
    """Copy some pages of a tagged PDF into another tagged PDF at position `at`, with their tags.

    `source_tree` may be passed when many copies are taken from one source (it is read once).
    """
    tree = structure(dest, with_pages=False)
    source_tree = source_tree or structure(source)
    key = next_parent_key(tree)
    position = kid_position(dest, tree, at)
    wanted = [source.pages[number] for number in pages]
    moving = [element for page in wanted for element in source_tree.tops_by_page.get(page.obj.objgen, [])]
    with detached(moving):
        for offset, page in enumerate(wanted):
            dest.pages.insert(at + offset, page)
            copy = dest.pages[at + offset]
            if "/StructParents" in page.obj:
                entry = source_tree.parent_tree.get(int(page.obj.StructParents))
                copy.obj.StructParents = key
                if entry is not None:
                    tree.parent_tree[key] = copy_object(dest, entry)
                key += 1
            for annotation in copy.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    entry = source_tree.parent_tree.get(int(annotation.StructParent))
                    annotation.StructParent = key
                    if entry is not None:
                        tree.parent_tree[key] = copy_object(dest, entry)
                    key += 1
        copies = [(dest.copy_foreign(element), element.objgen in source_tree.kids) for element in moving]
    kids = []
    for element_copy, is_kid in copies:
        element_copy.P = tree.document
        if is_kid:
            kids.append(element_copy)
    for offset, kid in enumerate(kids):
        tree.document.K.insert(position + offset, kid)
    tree.root.ParentTreeNextKey = key
    merge_role_maps(tree.root, source_tree.root, dest)


def merge_role_maps(dest_root: pikepdf.Dictionary, source_root: pikepdf.Dictionary, dest: pikepdf.Pdf) -> None:
    """Carry over the source's /RoleMap and /ClassMap entries the destination lacks."""
    for name in ("/RoleMap", "/ClassMap"):
        if name not in source_root:
            continue
        if name not in dest_root:
            dest_root[name] = pikepdf.Dictionary()
        for key, value in source_root[name].items():
            if key not in dest_root[name]:
                dest_root[name][key] = copy_object(dest, value)


def add_blank_page(pdf: pikepdf.Pdf, like: pikepdf.Page) -> int:
    """Append a blank page the size of another; return its index.

    A blank page is paper, not content: it has no marked content, no /StructParents and no
    structure element, so in PDF/UA terms it is an artifact and the structure tree is untouched.
    Packs use it so that every part starts on the front of a sheet when printed double-sided.
    """
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=pikepdf.Array([float(value) for value in like.mediabox]),
        Resources=pikepdf.Dictionary(),
        Contents=pdf.make_stream(b""),
    )
    pdf.pages.append(pikepdf.Page(page))
    return len(pdf.pages) - 1


def pad_to_even(pdf: pikepdf.Pdf) -> None:
    """Add a blank page when a PDF has an odd number of pages, so what follows starts on a front side."""
    if len(pdf.pages) % 2:
        add_blank_page(pdf, pdf.pages[-1])


def is_blank(page: pikepdf.Page) -> bool:
    """Tell whether a page is one of the blank pages added for double-sided printing."""
    contents = page.obj.get("/Contents")
    return "/StructParents" not in page.obj and isinstance(contents, pikepdf.Stream) and not contents.read_bytes()


def append_pdf(dest: pikepdf.Pdf, source: pikepdf.Pdf) -> None:
    """Copy every page of a tagged PDF to the end of another, with their tags."""
    insert_pages(dest, source, range(len(source.pages)), at=len(dest.pages))


@contextlib.contextmanager
def inserted(
    dest: pikepdf.Pdf, source: pikepdf.Pdf, pages: Sequence[int], *, at: int = 0, source_tree: Structure | None = None
) -> Iterator[None]:
    """Insert tagged pages for the length of a with-block, then take them out again.

    Many packs that share one base are written this way without re-reading the base for each.
    Afterwards the base's page tree, structure tree and bookmarks (even if changed inside the
    block) are as they were, so nothing inserted is reachable any more and a later save cannot
    write it.
    """
    tree = structure(dest, with_pages=False)
    kids = list(tree.document.K)
    next_key = next_parent_key(tree)
    had_next_key = "/ParentTreeNextKey" in tree.root
    outlines = dest.Root.get("/Outlines")
    outline_entries = dict(outlines.items()) if isinstance(outlines, pikepdf.Dictionary) else None  # pikepdf edits it in place
    count = len(dest.pages)
    try:
        insert_pages(dest, source, pages, at=at, source_tree=source_tree)
        yield
    finally:
        added = len(dest.pages) - count
        if added:
            del dest.pages[at : at + added]
        tree.document.K = pikepdf.Array(kids)
        for key in range(next_key, next_parent_key(tree)):
            if key in tree.parent_tree:
                del tree.parent_tree[key]
        if had_next_key:
            tree.root.ParentTreeNextKey = next_key
        elif "/ParentTreeNextKey" in tree.root:
            del tree.root["/ParentTreeNextKey"]
        if outlines is None or outline_entries is None:
            if "/Outlines" in dest.Root:
                del dest.Root["/Outlines"]
        else:
            for name in list(outlines.keys()):
                del outlines[name]
            for name, value in outline_entries.items():
                outlines[name] = value
            dest.Root.Outlines = outlines


def set_metadata(pdf: pikepdf.Pdf, *, title: str, author: str, subject: str | None = None) -> None:
    """Set the title, author and subject in the document info and the XMP metadata alike.

    PDF/UA needs the title in the XMP metadata; its identification (pdfuaid:part) is kept.
    """
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = title
        meta["dc:creator"] = [author] if author else []
        if subject:
            meta["dc:description"] = subject
        elif "dc:description" in meta:
            del meta["dc:description"]
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Author"] = author
    if subject:
        pdf.docinfo["/Subject"] = subject
    elif "/Subject" in pdf.docinfo:
        del pdf.docinfo["/Subject"]


def set_outline(pdf: pikepdf.Pdf, entries: Sequence[tuple[str, int]]) -> None:
    """Replace the bookmarks with one entry per part: (title, index of its first page)."""
    with pdf.open_outline() as outline:
        outline.root.clear()
        outline.root.extend(pikepdf.OutlineItem(title, page) for title, page in entries)


def save(pdf: pikepdf.Pdf, target: Path | BinaryIO) -> None:
    """Write a joined PDF: identical input gives identical bytes.

    Object streams pack the many small structure elements: the file is about half the size and,
    with less to write, quicker to save than without them.
    """
    pdf.save(target, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate, fix_metadata_version=False)

#!/usr/bin/env python3
"""Writes the hostile workbooks of tests/fuzz/corpus/fuzz_xlsx/ (seeds for
fuzz_xlsx, replayed by every test build and valgrind): each one aims at a cap
or an edge of core/mission/xlsx.c. Run it again after changing it; the files
are committed so that the tests need no Python.

usage: tests/fuzz/xlsx-seeds.py [DIR]"""
import os
import sys
import zipfile

WB = '<workbook><workbookPr date1904="%s"/><sheets><sheet r:id="rId1"/></sheets></workbook>'
RELS = ('<Relationships><Relationship Id="rId1" Target="%s"/></Relationships>')
DATE_STYLES = ('<styleSheet><numFmts><numFmt numFmtId="164" formatCode="yyyy/m/d"/>'
               '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
               '<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/>'
               '<xf numFmtId="14"/><xf numFmtId="20"/></cellXfs></styleSheet>')


def sheet(rows):
    return '<worksheet><sheetData>%s</sheetData></worksheet>' % ''.join(rows)


def write(path, parts, date1904="0", sheet_target="worksheets/sheet1.xml", raw=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", WB % date1904)
        z.writestr("xl/_rels/workbook.xml.rels", RELS % sheet_target)
        for name, text in parts.items():
            z.writestr(name, text)
    if raw:
        raw(path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_xlsx")
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)

    # one shared string named by every cell of many rows: capped by row and in all
    cells = ''.join('<c t="s"><v>0</v></c>' for _ in range(64))
    write(p("shared-string-multiplied.xlsx"), {
        "xl/sharedStrings.xml": "<sst><si><t>%s</t></si></sst>" % ("x" * 1000),
        "xl/worksheets/sheet1.xml": sheet('<row r="%d">%s</row>' % (r, cells)
                                          for r in range(1, 200)),
    })
    # an entity expansion: refused at the DOCTYPE
    write(p("doctype-entities.xlsx"), {
        "xl/sharedStrings.xml": '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
                                '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                                '<sst><si><t>&b;</t></si></sst>',
        "xl/worksheets/sheet1.xml": sheet(['<row r="1"><c t="s"><v>0</v></c></row>']),
    })
    # line breaks of every kind and quotes in cells: the row map and quoting
    def inl(ref, text):
        return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, text)
    write(p("line-breaks-and-quotes.xlsx"), {
        "xl/worksheets/sheet1.xml": sheet([
            '<row r="1">%s%s</row>' % (inl("A1", "a"), inl("B1", "b")),
            '<row r="2">%s%s</row>' % (inl("A2", "x\ny"), inl("B2", 'say "hi"\r\nz')),
            '<row r="4">%s%s</row>' % (inl("A4", "\r\r\n\n"), inl("B4", '"')),
            '<row r="5">%s</row>' % inl("A5", "&#13;lone CR&#13;"),
        ]),
    })
    # numbers in date-styled cells that are no dates: nan, inf, hex, negative,
    # past 9999-12-31, rounding past the last second; a 1904 workbook
    values = ["nan", "inf", "-inf", "0x1p3", "-1", "1e308", "2958465.99999999",
              "2958466", "60", "0", "45000.5", "1.", "-0", "1E+", ""]
    rows = []
    for r, v in enumerate(values, 1):
        rows.append('<row r="%d">%s</row>' % (r, "".join(
            '<c r="%s%d" s="%d"><v>%s</v></c>' % ("ABCDE"[s], r, s, v) for s in range(5))))
    for date1904, name in (("0", "date-serials.xlsx"), ("1", "date-serials-1904.xlsx")):
        write(p(name), {"xl/styles.xml": DATE_STYLES, "xl/worksheets/sheet1.xml": sheet(rows)},
              date1904=date1904)
    # shared string indexes that do not exist, cell references out of range
    write(p("bad-references.xlsx"), {
        "xl/sharedStrings.xml": "<sst><si><t>only</t></si></sst>",
        "xl/worksheets/sheet1.xml": sheet([
            '<row r="1"><c r="XFD1" t="s"><v>0</v></c><c r="A1" t="s"><v>0</v></c></row>',
            '<row r="3"><c r="XFE3"><v>1</v></c><c r="B3" t="s"><v>-1</v></c></row>',
            '<row r="2"><c r="B2" t="s"><v>99</v></c></row>',
            '<row r="1048577"><c r="A1048577"><v>1</v></c></row>',
        ]),
    })
    # rich text and phonetic runs (rPh is not part of the text); a sheet by an
    # absolute target; booleans, errors, formulas
    write(p("rich-phonetic-absolute.xlsx"), {
        "xl/sharedStrings.xml": '<sst><si><r><t>张</t></r><r><t>三</t></r>'
                                '<rPh sb="0" eb="1"><t>ちょう</t></rPh></si></sst>',
        "xl/sheets/data.xml": sheet([
            '<row r="1"><c t="s"><v>0</v></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c>'
            '<c><f>1+1</f><v>2</v></c><c t="str"><f>"a"</f><v>a</v></c></row>',
        ]),
    }, sheet_target="/xl/sheets/data.xml")
    # a workbook cut short, as by an interrupted copy
    def cut(path):
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[:len(data) * 2 // 3])
    write(p("cut-short.xlsx"), {
        "xl/worksheets/sheet1.xml": sheet(['<row r="1"><c><v>1</v></c></row>'] * 50),
    }, raw=cut)
    # deep nesting and a huge attribute
    write(p("deep-nesting.xlsx"), {
        "xl/worksheets/sheet1.xml": "<worksheet>" + "<a>" * 5000 + "</a>" * 5000 +
                                    '<sheetData><row r="1" x="%s"><c><v>1</v></c></row>'
                                    "</sheetData></worksheet>" % ("y" * 60000),
    })


if __name__ == "__main__":
    main()

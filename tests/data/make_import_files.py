"""Writes the import test files in this folder (run once; the files are committed):
``.venv/bin/python tests/data/make_import_files.py``."""

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent

GOOD = [
    ["Company", "Country", "City", "Email", "Contact", "Tags", "Employees", "Dual use"],
    ["Optronique Lyon SAS", "France", "Lyon", "marie@optronique.example", "Marie Curie",
     "du.6, sg.video-surveillance", "50-249", "yes"],
    ["Optronique Lyon SAS", "France", "Lyon", "paul@optronique.example", "Paul Martin", "", "", ""],
    ["Präzision Enz GmbH", "Deutschland", "Pforzheim", "anna@praezision-enz.example",
     "Anna Schäfer", "du.2; ml.16", "10-49", "nein"],
    ["Sécurité Périmètre SA", "FR", "Paris", "luc@securite.example", "Luc Bernard",
     "sg.perimeter", "", "non"],
]


def write_csv(name, rows, delimiter=",", encoding="utf-8"):
    text = "\r\n".join(delimiter.join(_quote(c, delimiter) for c in row) for row in rows) + "\r\n"
    (HERE / name).write_bytes(text.encode(encoding))


def _quote(cell, delimiter):
    return f'"{cell}"' if delimiter in cell or '"' in cell else cell


def write_xlsx(name, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Registrations"
    for row in rows:
        sheet.append(row)
    workbook.save(HERE / name)


def main():
    write_csv("import_comma_utf8.csv", GOOD)
    german = [["Firma", "Land", "Stadt", "E-Mail", "Ansprechpartner", "Tags", "Mitarbeiter",
               "Dual use"]] + GOOD[1:]
    write_csv("import_semicolon_bom.csv", german, ";", "utf-8-sig")
    write_csv("import_semicolon_cp1252.csv", german, ";", "cp1252")
    write_xlsx("import_good.xlsx", GOOD)
    errors = [GOOD[0],
              ["Optronique Lyon SAS", "Frankriech", "Lyon", "marie@optronique.example", "Marie",
               "du.6", "", ""],
              ["Drohnen Nord GmbH", "Germany", "Kiel", "not-an-email", "Jan", "du.99", "", ""],
              ["", "France", "Lille", "x@lille.example", "X", "", "", ""],
              ["Blue SAS", "France", "Brest", "marie@optronique.example", "M", "", "huge",
               "maybe"]]
    write_csv("import_errors.csv", errors)
    write_xlsx("import_errors.xlsx", errors)
    write_csv("import_header_only.csv", [GOOD[0]])
    write_csv("import_duplicate_headers.csv", [["Company", "Country", "Company", "Email"],
                                               ["A", "FR", "B", "a@a.example"]])
    write_csv("import_no_email_column.csv", [row[:3] for row in GOOD])
    (HERE / "import_empty.csv").write_bytes(b"")
    (HERE / "import_not_a_workbook.xlsx").write_bytes(b"Company,Country\nA,FR\n")
    (HERE / "import_workbook_named.csv").write_bytes((HERE / "import_good.xlsx").read_bytes())
    write_csv("denied_parties_eu.csv", [
        ["Entity_LogicalId", "NameAlias_WholeName", "Address_CountryIso2Code", "Programme"],
        ["13", "Optronique Lyon", "FR", "TEST"],
        ["14", "Rostec State Corporation", "RU", "RUS"],
        ["15", "", "KP", "PRK"]], ";")


if __name__ == "__main__":
    main()

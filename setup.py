"""Builds the translation catalogues into the wheel; everything else is in pyproject.toml.

The compiled ``.mo`` files are not in git (they would drift from the ``.po`` files people
edit), so ``pip install .`` and ``pip wheel .`` compile them here, as ``make translations``
does for a checkout.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    def run(self):
        super().run()
        catalogues = Path(self.build_lib, "matchmaker", "translations")
        for po_path in catalogues.glob("*/LC_MESSAGES/*.po"):
            with po_path.open("rb") as po_file:
                catalogue = read_po(po_file)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalogue, use_fuzzy=True)  # as `make translations` does


setup(cmdclass={"build_py": BuildPyWithCatalogues})

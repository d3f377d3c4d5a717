"""Where the package's own data lives: lexicons, pairs and the demo, inside the package.

Found through ``importlib.resources`` so an installed wheel (or a cluster worker) reads the same
files as a checkout; a user's own directory can override it by setting.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# setuptools installs the package as plain files, so the traversable is a real directory.
PACKAGE_DATA = Path(str(resources.files("pipeline").joinpath("data")))

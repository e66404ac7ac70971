"""Hypothesis keeps its caches outside the working tree (it would create .hypothesis/)."""

import tempfile
from pathlib import Path

from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "metodset-hypothesis")

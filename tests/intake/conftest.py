import pytest

from tests.builders import VIGNETTES as VIGNETTE_PATHS
from tests.builders import VIGNETTES_2026_11, load_vignette

VIGNETTES = {path.stem: load_vignette(path) for path in VIGNETTE_PATHS}


# Entered through the forms, which ask the questions of rules 2026.11.1 until they gain
# the new ones: the vignettes written for that version (their references up to date).
@pytest.fixture(params=sorted(path.stem for path in VIGNETTES_2026_11))
def vignette(request) -> dict:
    return VIGNETTES[request.param]

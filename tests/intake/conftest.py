import pytest

from tests.builders import VIGNETTES as VIGNETTE_PATHS
from tests.builders import load_vignette

VIGNETTES = {path.stem: load_vignette(path) for path in VIGNETTE_PATHS}


# Every vignette, entered through the forms (tests.intake.formdata.as_the_forms_ask).
@pytest.fixture(params=sorted(VIGNETTES))
def vignette(request) -> dict:
    return VIGNETTES[request.param]

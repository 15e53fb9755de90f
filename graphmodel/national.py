"""The fixed national layer every graph shares: the NHS CB and the service categories (seed S1).

These are statutory facts, not data: the NHS Commissioning Board itself commissions general
practice, pharmacy, dentistry and specialised services for the whole of England.
"""

from __future__ import annotations

from datetime import date

from graphmodel.dataset import Dataset, Location
from graphmodel.model import (
    NHS_CB_SERVICES,
    NHSCB,
    Relationship,
    RelType,
    Service,
    ServiceCategory,
)

# Health and Care Act 2022: integrated care boards established, CCGs abolished, on 1 July 2022
ICBS_ESTABLISHED = date(2022, 7, 1)
NHS_CB_CODE = "X24"  # the ODS code of the NHS Commissioning Board (later NHS England)
ENGLAND = "england"  # the population qualifier for national commissioning
ORIGIN = Location("national architecture (seed S1)")


def service_code(category: ServiceCategory | str) -> str:
    return f"SVC-{ServiceCategory(category).value}"


def add_national_layer(dataset: Dataset) -> None:
    """Add the NHS CB, the nine service categories and what the NHS CB commissions directly."""
    dataset.add_node(NHSCB(code=NHS_CB_CODE, name="NHS Commissioning Board"), ORIGIN)
    for category in ServiceCategory:
        label = category.value.replace("_", " ")
        dataset.add_node(Service(code=service_code(category), name=label.capitalize()), ORIGIN)
    for category in NHS_CB_SERVICES:
        dataset.add_relationship(
            Relationship(
                source=NHS_CB_CODE,
                target=service_code(category),
                rel=RelType.COMMISSIONS,
                qualifier=ENGLAND,
            ),
            ORIGIN,
        )

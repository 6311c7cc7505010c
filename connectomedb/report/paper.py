"""The report's paper-faithful tables: the plasticity and target-specificity analyses with the
restrictions and tests of Motta et al. 2019 (docs/paper.md), each labelled with its conditions.
"""

from __future__ import annotations

import pandas as pd

from connectomedb.stores.sql import Connection

#: Random pairings of the plasticity control in the report (the library's default is 5000).
REPORT_DRAWS = 1000


def paper_tables(conn: Connection, dataset: str) -> list[tuple[str, str, pd.DataFrame]]:
    """(title, conditions, table) for each paper-faithful analysis of ``dataset``."""
    from connectomedb.analyses.plasticity import plasticity
    from connectomedb.analyses.specificity import specificity

    p = plasticity(conn, dataset=dataset, draws=REPORT_DRAWS, seed=0)
    s = specificity(conn, dataset=dataset)
    plast_conditions = (
        f"{p['conditions'].iloc[0]}; {REPORT_DRAWS} random pairings, seed 0. "
        "Paper: the plasticity analysis of same-axon same-dendrite pairs."
    )
    spec_conditions = (
        f"{s['conditions'].iloc[0] if len(s) else 'no axon at the thresholds'}. "
        "Paper: Fig. 4 (axonal target specificity)."
    )
    return [
        (
            "Synaptic plasticity: ASI similarity of same-axon same-dendrite pairs",
            plast_conditions,
            p.drop(columns="conditions"),
        ),
        (
            "Target specificity against the binomial null model of target choice",
            spec_conditions,
            s.drop(columns="conditions"),
        ),
    ]

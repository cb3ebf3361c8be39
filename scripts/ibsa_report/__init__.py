"""ibsa_report: data, statistics and site build for the IBSA criminal-justice report."""



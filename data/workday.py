"""The Census 2021 workday population of every area the dashboard shows.

The ONS defines an area's workday population as its usual residents, minus the
employed residents who work elsewhere, plus the people who work there; with the
place-of-work counts (ODWP01EW) that is residents - origin + destination, where both
counts put home workers at home. The ONS publishes it for local authorities and
MSOAs, which nest in boroughs but not in wards, so:

- boroughs come straight from the local-authority counts and Census residents;
- MSOAs from the MSOA counts and the residents of their LSOAs;
- LSOAs (small areas) get a share of their MSOA's employed residents and workplace
  population in proportion to their residents, so every LSOA of an MSOA has the
  MSOA's ratio of workday population to residents;
- wards are the sum of their LSOAs through the ONS best-fit lookup;
- BCUs and London are the sums of their boroughs (London: the 32 the MPS polices,
  like its residents).

The apportioning assumes that an MSOA's jobs are spread like its residents. Jobs
cluster (a shopping centre, an office block, a hospital), so a ward holding only the
busy part of an MSOA is understated and one holding only its quiet part overstated:
a ward's ratio is the residents-weighted average of its MSOAs' ratios and can never
be more extreme than the most extreme of them. Wards and LSOAs are marked
`estimated`; boroughs and MSOAs are not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.areas import BCUS, LONDON_CODE, MPS_BOROUGHS, bcu_code, borough_code
from data.frames import WORKDAY_COLUMNS, empty

# The MSOA and local-authority files are perturbed separately by the ONS's
# disclosure control (cell key perturbation) and the LSOA and local-authority
# residents likewise, so a borough's MSOAs add up to its own workday population
# only approximately: within 0.07% (210 people, Lambeth) on the 2021 files. A
# difference over 0.25% is more than perturbation explains; losing a single LSOA of
# about 1,500 residents would move a borough of 200,000 by 0.75%.
SUM_TOLERANCE = 0.0025

_SUMMED = ["residents", "employed_residents", "workplace", "workday_population"]


def _frame(rows: pd.DataFrame, level: str, estimated: bool) -> pd.DataFrame:
    out = rows.assign(level=level, estimated=estimated)
    if "name" not in out.columns:
        out["name"] = None
    out = out[WORKDAY_COLUMNS].copy()
    out["residents"] = out["residents"].astype("int64")
    for column in ("employed_residents", "workplace", "workday_population"):
        out[column] = out[column].astype("float64")
    return out


def _with_workday(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(
        workday_population=rows["residents"] - rows["employed_residents"] + rows["workplace"]
    )


def _residents(population: pd.DataFrame, level: str) -> pd.Series:
    rows = population[(population["level"] == level) & (population["age_band"] == "all")]
    return rows.groupby("area_code")["value"].sum()


def workday_population(
    workplace: pd.DataFrame,
    population: pd.DataFrame,
    msoa_lookup: pd.DataFrame,
    ward_lookup: pd.DataFrame,
    msoa_names: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Workday population by borough, MSOA, LSOA, ward, BCU and London, and warnings.

    `workplace` holds the place-of-work counts (data.frames.WORKPLACE_COLUMNS),
    `population` the canonical Census population, `msoa_lookup` London's LSOAs with
    their MSOA, `ward_lookup` the best-fit LSOA-to-ward lookup.
    """
    warnings: list[str] = []
    parts: list[pd.DataFrame] = []

    borough_res = _residents(population, "borough")
    lad = workplace[workplace["level"] == "borough"].set_index("area_code")
    lad = lad[lad.index.isin(borough_res.index)]
    if not lad.empty:
        rows = lad[["employed_residents", "workplace"]].assign(residents=borough_res)
        boroughs = _frame(_with_workday(rows).rename_axis("area_code").reset_index(),
                          "borough", False)  # fmt: skip
        parts.append(boroughs)
    else:
        boroughs = empty(WORKDAY_COLUMNS)

    lsoa_res = _residents(population, "lsoa")
    links = msoa_lookup[msoa_lookup["lsoa_code"].isin(lsoa_res.index)]
    msoa = workplace[workplace["level"] == "msoa"].set_index("area_code")
    london_msoas = set(links["msoa_code"])
    absent = sorted(london_msoas - set(msoa.index))
    if absent and not msoa.empty:
        warnings.append(
            f"the place-of-work counts have no row for {len(absent)} London MSOA"
            f"{'s' if len(absent) > 1 else ''} ({', '.join(absent[:10])}"
            f"{', ...' if len(absent) > 10 else ''}); their LSOAs and wards have no workday "
            "population"
        )
    msoa = msoa[msoa.index.isin(london_msoas)]
    if not msoa.empty:
        msoa_res = lsoa_res.reindex(links["lsoa_code"]).groupby(links["msoa_code"].to_numpy()).sum()
        rows = msoa[["employed_residents", "workplace"]].assign(residents=msoa_res)
        rows = _with_workday(rows).rename_axis("area_code").reset_index()
        if msoa_names is not None and not msoa_names.empty:
            rows["name"] = rows["area_code"].map(msoa_names.set_index("msoa_code")["msoa_name"])
        msoas = _frame(rows, "msoa", False)
        parts.append(msoas)
        lsoas = apportioned(msoas, lsoa_res, links)
        parts.append(lsoas)
        wards = ward_sums(lsoas, ward_lookup)
        parts.append(wards)
        if not boroughs.empty:
            warnings += borough_differences(msoas, boroughs, links)

    if not boroughs.empty:
        parts += [bcu_sums(boroughs), london_sum(boroughs)]
    if not parts:
        return empty(WORKDAY_COLUMNS), warnings
    out = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    return out[WORKDAY_COLUMNS], warnings


def apportioned(
    msoas: pd.DataFrame, lsoa_residents: pd.Series, links: pd.DataFrame
) -> pd.DataFrame:
    """Each LSOA's share of its MSOA's employed residents and workplace population, in
    proportion to its residents; LSOAs of an MSOA with no residents get none."""
    by_msoa = msoas.set_index("area_code")
    rows = links[links["msoa_code"].isin(by_msoa.index)]
    residents = lsoa_residents.reindex(rows["lsoa_code"]).to_numpy(dtype=float)
    msoa_residents = by_msoa["residents"].reindex(rows["msoa_code"]).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(msoa_residents > 0, residents / msoa_residents, np.nan)
    employed = share * by_msoa["employed_residents"].reindex(rows["msoa_code"]).to_numpy()
    workplace = share * by_msoa["workplace"].reindex(rows["msoa_code"]).to_numpy()
    out = pd.DataFrame(
        {
            "area_code": rows["lsoa_code"].to_numpy(),
            "residents": residents,
            "employed_residents": employed,
            "workplace": workplace,
        }
    )
    return _frame(_with_workday(out), "lsoa", True)


def ward_sums(lsoas: pd.DataFrame, ward_lookup: pd.DataFrame) -> pd.DataFrame:
    """Wards as the sum of the LSOAs the best-fit lookup gives them; a ward with an LSOA
    that has no figure gets none (min_count), rather than a part-sum."""
    joined = lsoas.merge(ward_lookup[["lsoa_code", "ward_code"]], left_on="area_code",
                         right_on="lsoa_code")  # fmt: skip
    wards_all = ward_lookup.groupby("ward_code").size()
    summed = joined.groupby("ward_code")[_SUMMED].sum(min_count=1)
    counted = joined.groupby("ward_code").size()
    complete = counted.reindex(summed.index) == wards_all.reindex(summed.index)
    summed.loc[~complete, _SUMMED] = np.nan
    summed = summed.dropna(subset=["residents"])
    return _frame(summed.rename_axis("area_code").reset_index(), "ward", True)


def bcu_sums(boroughs: pd.DataFrame) -> pd.DataFrame:
    members = {borough_code(b): bcu_code(name) for name, bs in BCUS.items() for b in bs}
    rows = boroughs.assign(area_code=boroughs["area_code"].map(members)).dropna(
        subset=["area_code"]
    )
    counts = rows.groupby("area_code").size()
    summed = rows.groupby("area_code")[_SUMMED].sum()
    sizes = pd.Series({bcu_code(name): len(bs) for name, bs in BCUS.items()})
    summed = summed[counts.reindex(summed.index) == sizes.reindex(summed.index)]
    return _frame(summed.rename_axis("area_code").reset_index(), "bcu", False)


def london_sum(boroughs: pd.DataFrame) -> pd.DataFrame:
    """London as the MPS sees it: its 32 boroughs (the City has its own police)."""
    mps = boroughs[boroughs["area_code"].isin(MPS_BOROUGHS)]
    if len(mps) != len(MPS_BOROUGHS):
        return empty(WORKDAY_COLUMNS)
    summed = mps[_SUMMED].sum().to_frame().T.assign(area_code=LONDON_CODE)
    return _frame(summed, "london", False)


def borough_differences(
    msoas: pd.DataFrame, boroughs: pd.DataFrame, links: pd.DataFrame
) -> list[str]:
    """Boroughs whose MSOAs add up to more than SUM_TOLERANCE away from their own
    workday population: more than the ONS's perturbation explains."""
    parent = links.drop_duplicates("msoa_code").set_index("msoa_code")["borough_code"]
    summed = msoas.groupby(msoas["area_code"].map(parent))["workday_population"].sum()
    own = boroughs.set_index("area_code")["workday_population"]
    both = pd.DataFrame({"msoas": summed, "own": own}).dropna()
    gap = (both["msoas"] - both["own"]) / both["own"]
    return [
        f"the MSOAs of {code} add up to a workday population of {row.msoas:,.0f}, "
        f"{abs(gap[code]):.1%} {'above' if gap[code] > 0 else 'below'} the borough's own "
        f"{row.own:,.0f}; more than the Census's disclosure control explains "
        f"({SUM_TOLERANCE:.2%}): check that the MSOA and local-authority files are of "
        "the same table"
        for code, row in both.iterrows()
        if abs(gap[code]) > SUM_TOLERANCE
    ]

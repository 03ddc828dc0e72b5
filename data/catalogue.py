"""The measure catalogue: every figure the dashboard can show, with its definition.

The Monthly Crime Dashboard files (knife and gun) share one long layout and are told
apart only by `crime_type` and `crime_subtype`. Adding a measure from such a file is
a change to this catalogue and nothing else: the reader maps (crime type, subtype)
to a measure id through `dashboard_measure_id`, and reports any subtype it does not
know instead of dropping it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Measure:
    id: str
    group: str  # knife, gun, outcomes, context
    label: str
    definition: str
    unit: str  # offences, victims, outcomes
    levels: tuple[str, ...]
    source: str
    # Young-victim measures are also shown per 1,000 residents aged 0-24.
    young: bool = False
    # For positive outcomes: the offences measure they are a rate of.
    outcome_of: str | None = None
    # How the measure reaches the store when no public file holds it.
    arrival: str | None = None
    # Spellings of the subtype in Monthly Crime Dashboard files.
    subtypes: tuple[str, ...] = field(default=())


KNIFE_SOURCE = "MPS Monthly Crime Dashboard, knife crime data (London Datastore)"
GUN_SOURCE = "MPS Monthly Crime Dashboard, other crime data: gun crime (London Datastore)"
GUN_ARRIVAL = (
    "The MPS publishes gun crime in the Monthly Crime Dashboard's 'other crime' file, "
    "which has no public copy here yet. It appears once MOPAC staff upload that file."
)

_DASHBOARD_LEVELS = ("london", "borough", "ward")

_KNIFE = (
    Measure(
        "knife_crime",
        "knife",
        "Knife crime",
        "An offence of murder, manslaughter, attempted murder, threats to kill, wounding "
        "or GBH, ABH, sexual assault, rape or robbery in which a knife or sharp instrument "
        "is used, threatened or intimated. Possession offences are not included.",
        "offences",
        _DASHBOARD_LEVELS,
        KNIFE_SOURCE,
        subtypes=("Knife Crime",),
    ),
    Measure(
        "knife_crime_injury",
        "knife",
        "Knife crime with injury",
        "Knife crime in which the knife or sharp instrument was used to injure.",
        "offences",
        _DASHBOARD_LEVELS,
        KNIFE_SOURCE,
        subtypes=("Knife Crime with Injury",),
    ),
    Measure(
        "knife_crime_injury_robbery",
        "knife",
        "Knife crime with injury (personal robbery)",
        "Personal robbery in which a knife or sharp instrument was used to injure.",
        "offences",
        _DASHBOARD_LEVELS,
        KNIFE_SOURCE,
        subtypes=("Knife Crime with Injury (Personal Robbery)",),
    ),
    Measure(
        "knife_injury_victims_1_24",
        "knife",
        "Knife injury victims aged 1-24",
        "Victims, not offences, aged 1 to 24, injured with a knife or sharp instrument.",
        "victims",
        _DASHBOARD_LEVELS,
        KNIFE_SOURCE,
        young=True,
        subtypes=("Knife Injury Victims (1-24)",),
    ),
    Measure(
        "knife_injury_victims_1_24_non_da",
        "knife",
        "Knife injury victims aged 1-24, non domestic abuse",
        "Victims, not offences, aged 1 to 24, injured with a knife or sharp instrument, "
        "excluding domestic abuse. The headline measure of the risk to young people.",
        "victims",
        _DASHBOARD_LEVELS,
        KNIFE_SOURCE,
        young=True,
        subtypes=("Knife Injury Victims (non DA 1-24)", "Knife Injury Victims (1-24 non DA)"),
    ),
)

_GUN = (
    Measure(
        "gun_crime",
        "gun",
        "Gun crime",
        "Violence, robbery, burglary or sexual offences in which a firearm is fired, used "
        "as a blunt instrument or used as a threat (real, imitation and air weapons).",
        "offences",
        _DASHBOARD_LEVELS,
        GUN_SOURCE,
        arrival=GUN_ARRIVAL,
        subtypes=("Gun Crime", "Firearms", "Gun Crime (All)"),
    ),
    Measure(
        "gun_crime_robbery",
        "gun",
        "Gun crime (personal robbery)",
        "Personal robbery in which a firearm is fired, used as a blunt instrument or used "
        "as a threat.",
        "offences",
        _DASHBOARD_LEVELS,
        GUN_SOURCE,
        arrival=GUN_ARRIVAL,
        subtypes=("Gun Crime (Personal Robbery)", "Gun Crime Personal Robbery"),
    ),
    Measure(
        "lethal_barrelled_discharges",
        "gun",
        "Lethal barrelled firearm discharges",
        "A discharge of a weapon that can fire a missile with more than one joule of "
        "kinetic energy; air weapons and imitations are excluded.",
        "offences",
        _DASHBOARD_LEVELS,
        GUN_SOURCE,
        arrival=GUN_ARRIVAL,
        subtypes=(
            "Lethal Barrelled Firearm Discharges",
            "Lethal Barrel Discharges",
            "Lethal Barrelled Discharges",
            "Lethal Barrel Discharge",
        ),
    ),
    Measure(
        "non_lethal_discharges",
        "gun",
        "Non-lethal discharges",
        "A discharge of a firearm that is not a lethal barrelled firearm, such as an air "
        "weapon or an imitation.",
        "offences",
        _DASHBOARD_LEVELS,
        GUN_SOURCE,
        arrival=GUN_ARRIVAL,
        subtypes=(
            "Non-Lethal Discharges",
            "Non Lethal Discharges",
            "Non-Lethal Barrelled Discharges",
            "Non-Lethal Barrel Discharges",
            "Non Lethal Barrel Discharge",
        ),
    ),
)


def _outcomes_of(measure: Measure) -> Measure:
    return Measure(
        f"{measure.id}_outcomes",
        "outcomes",
        f"Positive outcomes: {measure.label[0].lower()}{measure.label[1:]}",
        f"Charges, cautions and other positive outcomes recorded in the month for "
        f"{measure.label.lower()}. The positive outcome rate is outcomes divided by "
        "offences in the same period; an outcome may relate to an offence from an "
        "earlier month.",
        "outcomes",
        measure.levels,
        measure.source,
        outcome_of=measure.id,
        arrival=measure.arrival,
        subtypes=measure.subtypes,
    )


_RECORDED_SOURCE = "MPS Recorded Crime: Geographic Breakdown (London Datastore)"
_HOMICIDE_SOURCE = "MPS Homicide Dashboard data, victims (London Datastore)"

_CONTEXT = (
    Measure(
        "possession_of_weapons",
        "context",
        "Possession of weapons offences",
        "Offences of possessing an article with a blade or point, a firearm or another "
        "offensive weapon. These depend strongly on police activity such as stop and "
        "search, so a rise can mean more enforcement rather than more weapons.",
        "offences",
        ("london", "borough", "ward", "lsoa"),
        _RECORDED_SOURCE,
    ),
    Measure(
        "violence_against_the_person",
        "context",
        "Violence against the person",
        "All recorded violence against the person (homicide, violence with and without "
        "injury, stalking and harassment). Context for weapon-enabled violence.",
        "offences",
        ("london", "borough", "ward", "lsoa"),
        _RECORDED_SOURCE,
    ),
    Measure(
        "homicide_knife",
        "context",
        "Homicide victims killed with a knife or sharp implement",
        "Victims of murder, manslaughter or infanticide whose method of killing was "
        "recorded as a knife or sharp implement, by the month the homicide was recorded.",
        "victims",
        ("london", "borough"),
        _HOMICIDE_SOURCE,
    ),
    Measure(
        "homicide_shooting",
        "context",
        "Homicide victims killed by shooting",
        "Victims of murder, manslaughter or infanticide whose method of killing was "
        "recorded as shooting, by the month the homicide was recorded.",
        "victims",
        ("london", "borough"),
        _HOMICIDE_SOURCE,
    ),
)

MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        *_KNIFE,
        *_GUN,
        # Positive outcomes are recorded against offences, not victims.
        *(_outcomes_of(m) for m in (*_KNIFE, *_GUN) if m.unit == "offences"),
        *_CONTEXT,
    )
}

# Recorded-crime categories (major text) that become measures.
RECORDED_CRIME_MEASURES: dict[str, str] = {
    "POSSESSION OF WEAPONS": "possession_of_weapons",
    "VIOLENCE AGAINST THE PERSON": "violence_against_the_person",
}

HOMICIDE_METHODS: dict[str, str] = {
    "Knife or Sharp Implement": "homicide_knife",
    "Shooting": "homicide_shooting",
}

DASHBOARD_CRIME_TYPES = {"knife crime": "knife", "gun crime": "gun"}
DASHBOARD_MEASURE_COLUMN = {"offences": "", "positive outcomes": "_outcomes"}


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


_SUBTYPE_INDEX: dict[tuple[str, str], str] = {
    (m.group, _key(s)): m.id for m in (*_KNIFE, *_GUN) for s in m.subtypes
}


def dashboard_measure_id(crime_type: str, crime_subtype: str, measure: str) -> str | None:
    """The catalogue id for one Monthly Crime Dashboard series, or None if unknown.

    `measure` is the file's measure column: "Offences" or "Positive Outcomes".
    """
    group = DASHBOARD_CRIME_TYPES.get(_key(crime_type))
    suffix = DASHBOARD_MEASURE_COLUMN.get(_key(measure))
    if group is None or suffix is None:
        return None
    base = _SUBTYPE_INDEX.get((group, _key(crime_subtype)))
    return None if base is None else base + suffix


def measure(measure_id: str) -> Measure:
    try:
        return MEASURES[measure_id]
    except KeyError:
        raise KeyError(f"unknown measure {measure_id!r}") from None

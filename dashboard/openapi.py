"""The OpenAPI 3 description of the public API (/api/v1/openapi.json)."""

from __future__ import annotations

from data.areas import LEVELS, LONDON_CODE

_VERSIONED = {
    "data_version": {
        "type": "integer",
        "description": "The published data version the answer was worked out from",
    },
    "latest_month": {
        "type": ["string", "null"],
        "pattern": r"^\d{4}-\d{2}$",
        "description": "The latest month of any figure in that version (YYYY-MM)",
    },
}


def _answer(data: dict, description: str) -> dict:
    return {
        "description": description,
        "headers": {
            "ETag": {"$ref": "#/components/headers/ETag"},
            "Cache-Control": {"$ref": "#/components/headers/CacheControl"},
            "X-RateLimit-Remaining": {"$ref": "#/components/headers/RateLimitRemaining"},
        },
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["data_version", "data"],
                    "properties": {**_VERSIONED, "data": data},
                }
            }
        },
    }


_ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "429": {"$ref": "#/components/responses/TooManyRequests"},
    "503": {"$ref": "#/components/responses/NothingPublished"},
}


def _param(name: str, description: str, *, required: bool = False, where: str = "query",
           **schema) -> dict:  # fmt: skip
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": {"type": "string", **schema},
    }


_MONTHLY = {
    "type": "object",
    "required": ["measure", "area", "months", "total"],
    "properties": {
        "measure": {"type": "string"},
        "label": {"type": "string"},
        "unit": {"type": "string", "enum": ["offences", "victims", "outcomes"]},
        "area": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "name": {"type": "string"},
                "level": {"type": "string", "enum": list(LEVELS)},
            },
        },
        "first_month": {"type": "string", "description": "First month the measure covers"},
        "last_month": {"type": "string", "description": "Last month the measure covers"},
        "months": {
            "type": "array",
            "description": "Every month covered, in order: 0 means none were recorded",
            "items": {
                "type": "object",
                "required": ["month", "value"],
                "properties": {
                    "month": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                    "value": {"type": "integer", "minimum": 0},
                },
            },
        },
        "total": {"type": "integer", "description": "The sum of the months listed"},
        "note": {"type": "string"},
    },
}

_SERIES_PARAMS = [
    _param("level", "The level of the area: needed only for UNALLOCATED (offences the MPS "
           "could not place in an area of that level)", enum=list(LEVELS)),
    _param("from", "First month to list (YYYY-MM)", pattern=r"^\d{4}-\d{2}$"),
    _param("to", "Last month to list (YYYY-MM)", pattern=r"^\d{4}-\d{2}$"),
]  # fmt: skip


def spec(server_url: str = "/") -> dict:
    """The description, with the server it is served from."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "London Weapon-Enabled Crime Dashboard: open data API",
            "version": "1.0.0",
            "description": (
                "Read-only figures of the dashboard's published data version: the measures, "
                "the areas with their Census 2021 populations, and each measure's monthly "
                "counts for an area, from which every count and rate the pages show can be "
                "worked out (a rate per 1,000 residents is 1,000 x count / population). "
                "Every answer names the data version it comes from. Requests are limited "
                "per client address; a refused request gets 429 with Retry-After. The whole "
                "version can be downloaded as CSV and Parquet with a data dictionary."
            ),
            "license": {
                "name": "Open Government Licence v3.0",
                "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            },
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/measures": {
                "get": {
                    "operationId": "measures",
                    "summary": "Every measure, its definition and the months it covers",
                    "responses": {
                        "200": _answer(
                            {"type": "array", "items": {"$ref": "#/components/schemas/Measure"}},
                            "The measures",
                        ),
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/areas": {
                "get": {
                    "operationId": "areas",
                    "summary": "Areas with their populations",
                    "parameters": [
                        _param(
                            "level",
                            "Only areas of this level (small areas, lsoa, only when asked for)",
                            enum=list(LEVELS),
                        ),
                        _param(
                            "parent",
                            "Only areas inside this area (a code), e.g. the wards of a borough",
                        ),
                    ],
                    "responses": {
                        "200": _answer(
                            {"type": "array", "items": {"$ref": "#/components/schemas/Area"}},
                            "The areas",
                        ),
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/series": {
                "get": {
                    "operationId": "series",
                    "summary": "A measure's monthly counts for an area",
                    "parameters": [
                        _param("measure", "A measure id (see /api/v1/measures)", required=True),
                        _param(
                            "area", f"An area code, e.g. {LONDON_CODE} for London", required=True
                        ),
                        *_SERIES_PARAMS,
                    ],
                    "responses": {"200": _answer(_MONTHLY, "The monthly counts"), **_ERRORS},
                }
            },
            "/api/v1/series/{measure}/{area}": {
                "get": {
                    "operationId": "seriesByPath",
                    "summary": "The same as /api/v1/series, with the measure and area in the path",
                    "parameters": [
                        _param("measure", "A measure id", where="path"),
                        _param("area", "An area code", where="path"),
                        *_SERIES_PARAMS,
                    ],
                    "responses": {"200": _answer(_MONTHLY, "The monthly counts"), **_ERRORS},
                }
            },
            "/api/v1/versions": {
                "get": {
                    "operationId": "versions",
                    "summary": "Every version the public has seen, newest first",
                    "responses": {
                        "200": _answer(
                            {"type": "array", "items": {"$ref": "#/components/schemas/Version"}},
                            "The published versions",
                        ),
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/download": {
                "get": {
                    "operationId": "download",
                    "summary": "Redirects to the current version's download",
                    "responses": {
                        "302": {"description": "The download of the current version"},
                        "429": _ERRORS["429"],
                        "503": _ERRORS["503"],
                    },
                }
            },
            "/api/v1/download/{name}": {
                "get": {
                    "operationId": "downloadVersion",
                    "summary": "A published version as a zip: every table as CSV and "
                    "Parquet, a data dictionary and a README",
                    "parameters": [
                        _param("name", "london-weapon-crime-data-v{version}.zip", where="path")
                    ],
                    "responses": {
                        "200": {
                            "description": "The zip",
                            "content": {
                                "application/zip": {
                                    "schema": {"type": "string", "format": "binary"}
                                }
                            },
                        },
                        "404": _ERRORS["404"],
                        "429": _ERRORS["429"],
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Measure": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "group": {
                            "type": "string",
                            "enum": ["knife", "gun", "outcomes", "context"],
                        },
                        "label": {"type": "string"},
                        "definition": {"type": ["string", "null"]},
                        "unit": {"type": "string"},
                        "levels": {"type": "array", "items": {"type": "string"}},
                        "source": {"type": "string"},
                        "young": {"type": "boolean"},
                        "outcome_of": {"type": ["string", "null"]},
                        "published": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "level": {"type": "string"},
                                    "first_month": {"type": "string"},
                                    "last_month": {"type": "string"},
                                },
                            },
                        },
                        "arrival": {"type": ["string", "null"]},
                    },
                },
                "Area": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "level": {"type": "string", "enum": list(LEVELS)},
                        "parent_code": {"type": ["string", "null"]},
                        "bcu": {"type": ["string", "null"]},
                        "covered": {"type": "boolean"},
                        "caveat": {"type": ["string", "null"]},
                        "population": {"type": ["number", "null"]},
                        "population_0_24": {"type": ["number", "null"]},
                        "workday_population": {"type": ["number", "null"]},
                    },
                },
                "Version": {
                    "type": "object",
                    "properties": {
                        "version": {"type": "integer"},
                        "current": {"type": "boolean"},
                        "created_at": {"type": "string"},
                        "published_at": {"type": "string"},
                        "latest_month": {"type": ["string", "null"]},
                        "download": {"type": "string"},
                        "files": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "data_version": {"type": ["integer", "null"]},
                        "error": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "integer"},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
            },
            "headers": {
                "ETag": {
                    "description": "Changes when the data version does",
                    "schema": {"type": "string"},
                },
                "CacheControl": {
                    "description": "How long the answer may be kept",
                    "schema": {"type": "string"},
                },
                "RateLimitRemaining": {
                    "description": "Requests left before the limit",
                    "schema": {"type": "integer"},
                },
            },
            "responses": {
                "BadRequest": _error("A parameter is unknown, repeated or malformed"),
                "NotFound": _error("No such measure or area, or no figures for it"),
                "TooManyRequests": {
                    **_error("Too many requests from this address"),
                    "headers": {
                        "Retry-After": {
                            "description": "Seconds to wait",
                            "schema": {"type": "integer"},
                        }
                    },
                },
                "NothingPublished": _error("No data version has been published yet"),
            },
        },
    }


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }

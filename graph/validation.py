"""pydantic's refusals, said in French: one table for the API and the imports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def french_reason(error: Mapping[str, Any]) -> str:
    """pydantic's reason for a refused value, in French.

    >>> french_reason({"type": "string_too_long", "ctx": {"max_length": 2}, "msg": "…"})
    'au plus 2 caractères'
    >>> french_reason({"type": "literal_error", "ctx": {"expected": "'a' or 'b'"}})
    "valeur parmi : 'a' ou 'b'"
    >>> french_reason({"type": "value_error", "msg": "Value error, clé invalide « x »"})
    'clé invalide « x »'
    """
    ctx = error.get("ctx") or {}
    kind = str(error.get("type", ""))
    messages = {
        "missing": "valeur obligatoire",
        "string_too_long": f"au plus {ctx.get('max_length')} caractères",
        "string_too_short": f"au moins {ctx.get('min_length')} caractère(s)",
        "string_pattern_mismatch": f"forme attendue : {ctx.get('pattern')}",
        "int_parsing": "nombre entier attendu",
        "float_parsing": "nombre attendu",
        "bool_parsing": "vrai ou faux attendu (true, false)",
        "greater_than_equal": f"au moins {ctx.get('ge')}",
        "less_than_equal": f"au plus {ctx.get('le')}",
        "enum": f"valeur parmi : {ctx.get('expected')}",
        "literal_error": "valeur parmi : " + str(ctx.get("expected")).replace(" or ", " ou "),
        **dict.fromkeys(("date_parsing", "date_from_datetime_parsing",
                         "date_from_datetime_inexact", "date_type"),
                        "date attendue sous la forme AAAA-MM-JJ"),
        "json_invalid": "JSON illisible",
        "model_attributes_type": "objet JSON attendu",
        "dict_type": "objet JSON attendu",
        "list_type": "liste attendue",
        "string_type": "texte attendu",
        "int_type": "nombre entier attendu",
        "float_type": "nombre attendu",
        "bool_type": "vrai ou faux attendu (true, false)",
        "too_long": f"au plus {ctx.get('max_length')} éléments",
    }
    if kind in messages:
        return messages[kind]
    message = str(error.get("msg", ""))
    return message.removeprefix("Value error, ") if kind == "value_error" else message

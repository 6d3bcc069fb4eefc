"""Personal data (RGPD), by the model's rules: which properties of a record are personal,
and what public outputs call a person. Kinds are compared as their string values (a
:class:`graph.model.NodeKind` is one), so this module needs nothing else of the model."""

from __future__ import annotations

from typing import Any

PERSON = "person"

#: Contact fields, whatever a file calls them: personal data (RGPD) on any node.
CONTACT_PROPERTIES = frozenset({
    "email", "courriel", "mail", "e_mail", "adresse_mail", "adresse_electronique",
    "telephone", "tel", "phone", "mobile", "portable", "fax", "telecopie",
    "adresse_personnelle", "home_address", "date_naissance", "birth_date", "birthday",
})
#: On a person, what a public function makes public; everything else about them is personal.
PERSON_PUBLIC_PROPERTIES = frozenset({"function", "role", "mandate", "since", "until"})
#: A record may declare more of its properties personal: ``{"personal": ["adresse"]}``.
PERSONAL_MARK = "personal"


def personal_properties(kind: str, props: dict[str, Any]) -> frozenset[str]:
    """The properties of a record that are personal data, by the model's rules: contact
    fields on any kind, every property of a person but its public function, and any
    property the record itself declares personal.

    >>> sorted(personal_properties("organisation", {"courriel": "a@b.fr", "sigle": "X"}))
    ['courriel']
    >>> sorted(personal_properties("person", {"function": "maire", "ville_natale": "Niort"}))
    ['ville_natale']
    >>> sorted(personal_properties("commune", {"personal": ["note"], "note": "x"}))
    ['note', 'personal']
    """
    found = {name for name in props if name in CONTACT_PROPERTIES}
    if kind == PERSON:
        found |= {name for name in props if name not in PERSON_PUBLIC_PROPERTIES}
    declared = props.get(PERSONAL_MARK)
    if declared is not None:
        found |= {PERSONAL_MARK} | ({str(d) for d in declared} & props.keys()
                                    if isinstance(declared, list) else set())
    return frozenset(found)


#: What public outputs call a person whose data is held on their consent (not a public
#: function): their name is personal data too.
PRIVATE_NAME = "contact (nom non public)"


def public_name(kind: str, name: str, props: dict[str, Any]) -> str:
    """The name public outputs show.

    >>> public_name("person", "Jean Petit", {"legal_basis": "consentement"})
    'contact (nom non public)'
    >>> public_name("person", "Anne Maire", {"legal_basis": "fonction publique"})
    'Anne Maire'
    """
    if kind == PERSON and props.get("legal_basis") == "consentement":
        return PRIVATE_NAME
    return name

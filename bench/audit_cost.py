"""What the audit trail costs a write: the same records upserted with their images kept
(a user's import: undoable) and without (a reference load: counted only), then the undo.

    .venv/bin/python bench/audit_cost.py            # writes bench/audit_cost.md

Real data: the 34,969 communes of the bundled national reference, on SQLite, side by
side in one run (fresh database each time, same records, same batch size); best of three.
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.history import undo
from graph.model import Node
from graph.sqlite_store import SqliteStore
from ingest.reference.load import geography

RUNS = 3


def once(folder: Path, nodes: list[Node], images: bool
         ) -> tuple[float, float | None, int, int]:
    """Seconds to write, seconds to undo (if undoable), the audit entry's size as JSON and
    as stored (compressed when long: ``graph.audit.pack``)."""
    store = SqliteStore(folder / f"audit-{images}-{time.monotonic_ns()}.db")
    try:
        start = time.perf_counter()
        with store.audited("import" if images else "reference", images=images) as entry:
            store.upsert_nodes(nodes, batch_size=500)
        written = time.perf_counter() - start
        size = len(store.audit_entries()[-1].model_dump_json())
        stored = len(store._audit_data()[-1])
        undone = None
        if images:
            start = time.perf_counter()
            undo(store, entry.id)
            undone = time.perf_counter() - start
        return written, undone, size, stored
    finally:
        store.close()


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def main() -> None:
    nodes = [n for n in geography()[0] if n.kind.value == "commune"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain = min((once(folder, nodes, False) for _ in range(RUNS)), key=lambda r: r[0])
        kept = min((once(folder, nodes, True) for _ in range(RUNS)), key=lambda r: r[0])
    lines = ["# Coût de l'historique des écritures", "",
             f"Machine : {platform.platform()}, Python {platform.python_version()}. "
             "Commande : `.venv/bin/python bench/audit_cost.py`.", "",
             f"Les {_n(len(nodes))} communes du référentiel national écrites sur une base SQLite "
             f"neuve, par lots de 500, meilleur de {RUNS} essais, dans une même exécution.", "",
             "| écriture | durée | lignes/s | entrée d'historique (JSON) | gardée en base "
             "| annulation |",
             "|---|---|---|---|---|---|",
             f"| comptée seulement (chargement de référence) | {plain[0]:.2f} s | "
             f"{_n(len(nodes) / plain[0])} | {plain[2]} caractères | {plain[3]} caractères "
             "| non annulable |",
             f"| avec l'état avant/après (import d'un utilisateur) | {kept[0]:.2f} s | "
             f"{_n(len(nodes) / kept[0])} | {kept[2] / 1e6:.1f} M caractères | "
             f"{kept[3] / 1e6:.1f} M caractères (compressée) | {kept[1]:.2f} s |", "",
             f"Surcoût de l'état avant/après : ×{kept[0] / plain[0]:.2f} sur l'écriture. "
             "Un import d'utilisateur fait quelques centaines à quelques milliers de lignes : "
             "le surcoût s'y compte en dixièmes de seconde ; les chargements de référence ne "
             "gardent que les comptes. L'annulation relit chaque enregistrement et les relations "
             "de chaque nœud créé (une requête par nœud) : quelques secondes pour ce lot "
             "national, bien moins pour un tableur."]
    out = Path(__file__).with_name("audit_cost.md")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()

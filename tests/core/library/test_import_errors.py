"""An import's OS errors name the side that failed: the source read, or the library written."""

from __future__ import annotations

from app.core.library.importer import import_paths
from app.core.library.records import ImportOptions
from tests.core.library.conftest import small_vae
from tests.model_files import write_safetensors


def test_a_source_gone_before_the_move_is_a_read_problem(src, library, catalog, registry):
    """Hashing reads the open file; the move then finds the name gone: the source's fault."""
    vae = write_safetensors(src / "vae.safetensors", small_vae(seed=61))

    def vanish(done: int, total: int | None) -> None:
        if total and done >= total and vae.exists():
            vae.unlink()  # the user deleted it while the app was hashing

    (outcome,) = import_paths(
        [vae], ImportOptions(mode="move"), catalog=catalog, registry=registry, progress=vanish
    )
    assert outcome.action == "refused"
    assert outcome.reason == "cannot read: it is not there (moved, renamed or deleted?)"
    assert "library" not in outcome.reason


def test_a_file_in_the_way_of_the_library_is_a_write_problem(src, library, catalog, registry):
    library.mkdir(parents=True)
    (library / "VAE").write_text("in the way")
    vae = write_safetensors(src / "vae.safetensors", small_vae(seed=62))
    (outcome,) = import_paths([vae], ImportOptions(mode="move"), catalog=catalog, registry=registry)
    assert outcome.action == "refused"
    assert outcome.reason.startswith(f"cannot write to the library {library / 'VAE'}")
    assert vae.exists() and (library / "VAE").read_text() == "in the way"

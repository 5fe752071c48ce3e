from pathlib import Path

from app.core.paths import app_paths


def test_everything_lives_under_vae_manager_home(app_home: Path) -> None:
    paths = app_paths().ensure()
    for location in (
        paths.data_dir,
        paths.config_dir,
        paths.cache_dir,
        paths.log_dir,
        paths.catalog_db,
        paths.library_dir,
        paths.user_registry,
        paths.settings_file,
    ):
        assert location.is_relative_to(app_home), location
    assert paths.data_dir.is_dir() and paths.log_dir.is_dir()


def test_platformdirs_used_without_override(monkeypatch) -> None:
    monkeypatch.delenv("VAE_MANAGER_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", "/tmp/xdg-data-test")
    paths = app_paths()
    assert paths.data_dir == Path("/tmp/xdg-data-test/VAE Manager")

"""VAE Manager: find, verify, download, preview and link Stable Diffusion VAE files."""

__version__ = "0.1.0"
APP_NAME = "VAE Manager"

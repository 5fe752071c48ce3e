"""One preview engine per VAE family group (see :mod:`app.preview.loading` for the choice).

:mod:`.base` holds what every engine offers; :mod:`app.preview.engine` is our own KL
engine (SD1/SDXL, SD3/FLUX.1, x4 upscaler), :mod:`.flux2` adds FLUX.2's latent
statistics to it, :mod:`.diffusers_support` runs diffusers' implementations
(:mod:`.tiny`, :mod:`.hunyuan_image`, :mod:`.wan`, stage A in :mod:`.cascade`), and
:mod:`.cascade` also holds Stable Cascade's previewer, which diffusers lacks.
"""

"""Every previewed image family at its real size: our loading path against diffusers, same run.

For each family a random-weight model at the released architecture's size is written
in the original single-file layout (as ComfyUI loads it), opened through the preview's
loader (app.preview.loading), and decoded; the reference is diffusers' class (or, where
diffusers has none, ComfyUI's architecture as tests/preview/family_models.py writes it)
holding the same weights, called directly. Reported per family: latent channels, the
largest absolute difference (fp32) and the decode time of each, as the minimum of
``--repeats`` runs after one warm-up (CPU time on a shared machine is noisy; the
minimum is the steadiest figure). Latents give a 256x256 image (64x64 latent cells or
fewer for every family).

    python benchmarks/family_decode.py
    python benchmarks/family_decode.py --families flux2 wan2.1 --repeats 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

IMAGE = 256


def _cases():
    import diffusers
    import torch

    from tests import model_files as mf
    from tests.preview import family_models as fm

    def kl():
        ldm = mf.ldm_vae_state_dict(ch=128, seed=0)
        dif = mf.diffusers_vae_state_dict(ch=128, seed=0)
        config = {k: v for k, v in mf.diffusers_vae_config(ch=128).items() if k[0] != "_"}
        ref = diffusers.AutoencoderKL(**config).eval()
        ref.load_state_dict(dif)
        return "sd1", ldm, (1, 4, 32, 32), lambda z: ref.decode(z).sample

    def flux2():
        sd, ref = fm.flux2_pair(ch=128, ch_mult=(1, 2, 4, 4))
        return "flux2", sd, (1, 128, 16, 16), lambda z: fm.flux2_reference_decode(ref, z)

    def tiny():
        decoder, _, ref = fm.tiny_pair(16)
        return "taef1", decoder, (1, 16, 32, 32), lambda z: ref.decode(z).sample

    def taef2():
        ref = fm.taef2_decoder()
        return "taef2", ref.state_dict(), (1, 32, 32, 32), lambda z: ref(z) * 2 - 1

    def hunyuan():
        sd, ref = fm.hunyuan_image_pair(real=True)
        return "hunyuan-image-2.1", sd, (1, 64, 8, 8), lambda z: ref.decode(z).sample

    def wan(family, channels, cells):
        def build():
            sd, ref = fm.wan_pair(family, real=True)
            shape = (1, channels, 1, cells, cells)
            return family, sd, shape, lambda z: ref.decode(z).sample[:, :, 0]

        return build

    def stage_a():
        sd, ref = fm.stage_a_pair(real=True)
        return "stable-cascade-stage-a", sd, (1, 4, 64, 64), lambda z: ref.decode(z).sample * 2 - 1

    def dc_ae():
        sd, ref = fm.dcae_pair(fm.DCAE_REAL)
        return "dc-ae", sd, (1, 32, 8, 8), lambda z: ref.decode(z).sample

    def refiner():
        sd, ref = fm.refiner_pair(real=True)
        return (
            "hunyuan-image-2.1-refiner",
            sd,
            (1, 32, 1, 16, 16),
            lambda z: ref.decode(z).sample[:, :, 0],
        )

    def taesana():
        decoder, _ = fm.taesana_reference()
        return "taesana", decoder.state_dict(), (1, 32, 8, 8), lambda z: decoder(z) * 2 - 1

    def previewer():
        ref = fm.previewer_reference(c_hidden=512)
        return "stable-cascade-previewer", ref.state_dict(), (1, 16, 32, 32), ref

    del torch
    return {
        "sd1": kl,
        "flux2": flux2,
        "taef1": tiny,
        "taef2": taef2,
        "hunyuan-image-2.1": hunyuan,
        "wan2.1": wan("wan2.1", 16, 32),
        "qwen-image": wan("qwen-image", 16, 32),
        "wan2.2": wan("wan2.2", 48, 16),
        "stable-cascade-stage-a": stage_a,
        "stable-cascade-previewer": previewer,
        "dc-ae": dc_ae,
        "hunyuan-image-2.1-refiner": refiner,
        "taesana": taesana,
    }


def _best(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def _measure(engine, native, reference, z, repeats: int) -> tuple[float, float, float]:
    """Max abs difference, and our and the reference's best decode times."""
    import torch

    with torch.inference_mode():
        expected = reference(z)
        got = engine.decode(native, dtype=torch.float32).tensor
        ours = _best(lambda: engine.decode(native, dtype=torch.float32), repeats)
        theirs = _best(lambda: reference(z), repeats)
    return float((got - expected).abs().max()), ours, theirs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="*", help="family ids (default: all)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import torch

    from app.preview.loading import open_engine
    from tests.model_files import write_safetensors

    torch.set_num_threads(args.threads)
    cases = _cases()
    print("| family | channels | max abs diff | ours (s) | diffusers (s) | ratio |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name in args.families or list(cases):
            family, weights, shape, reference = cases[name]()
            path = write_safetensors(
                Path(folder) / f"{name}.safetensors",
                {k: v.contiguous() for k, v in weights.items()},
            )
            engine = open_engine(path, torch.device("cpu"), family)
            z = torch.randn(shape, generator=torch.Generator().manual_seed(0))
            # FLUX.2's reference takes the pipeline's packed latent; every other one the native
            native = engine.native_latent(z, scaled=False, name="z") if family == "flux2" else z
            diff, ours, theirs = _measure(engine, native, reference, z, args.repeats)
            print(
                f"| {family} | {shape[1]} | {diff:.1e} | {ours:.3f} | {theirs:.3f} "
                f"| {ours / theirs:.2f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Decode speed and memory: our VAE engine against diffusers' AutoencoderKL, same run.

Both decode the same random-weight SD VAE (real shapes: ch=128, ch_mult 1,2,4,4, two
resnets per level, 4 latent channels) and the same latent, in the same dtype, under
torch.inference_mode. Each engine runs in its own subprocess so its memory is its own:

- CPU peak = the rise of the process's RSS high-water mark during the decodes (Linux:
  VmHWM is reset through /proc/self/clear_refs first; elsewhere ru_maxrss is used).
- CUDA peak = torch.cuda.max_memory_allocated during the decodes minus what was
  allocated before (the weights), i.e. the activations' peak.

Time is the median of --repeats decodes after --warmup decodes. Ratios are ours /
diffusers: below 1.0 means ours is faster or leaner. On CPU the process CPU time
is printed too: on a machine shared with other jobs it is the steadier figure.
--rounds N spawns both sides N times, alternating which goes first, and ends with
each ratio's min / median / max over the rounds and the load average seen.

    python benchmarks/decode.py                      # CPU (and CUDA if present), 64x64
    python benchmarks/decode.py --device cpu --rounds 5
    python benchmarks/decode.py --device cuda --sizes 64 128 --repeats 10
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BLOCKS = (128, 256, 512, 512)
ENGINES = ("ours", "diffusers")
LAYOUTS = {"ours": None, "ours-nchw": False, "ours-nhwc": True}


def main() -> int:
    args = _parser().parse_args()
    if args.worker:
        print(json.dumps(_work(args)))
        return 0
    import torch

    devices = args.device or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])
    with tempfile.TemporaryDirectory() as tmp:
        weights = Path(tmp) / "vae.safetensors"
        _write_weights(weights)
        for device in devices:
            dtype = args.dtype or ("fp32" if device == "cpu" else _gpu_dtype())
            for size in args.sizes:
                rounds = []
                for index in range(args.rounds):
                    order = ENGINES if index % 2 == 0 else ENGINES[::-1]
                    results = {e: _spawn(e, device, dtype, size, weights, args) for e in order}
                    _print_row(device, dtype, size, results)
                    rounds.append((results, os.getloadavg()[0]))
                if args.rounds > 1:
                    _print_summary(device, rounds)
                for variant in ("ours-nchw", "ours-nhwc") if args.layouts else ():
                    extra = _spawn(variant, device, dtype, size, weights, args)
                    _print_row(
                        device,
                        dtype,
                        size,
                        {"ours": extra, "diffusers": results["diffusers"]},
                        variant,
                    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", action="append", choices=("cpu", "cuda"))
    parser.add_argument("--dtype", choices=("fp32", "fp16", "bf16"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[64], help="latent sides")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds of both sides")
    parser.add_argument("--worker", choices=(*LAYOUTS, "diffusers"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--layouts", action="store_true", help="also time ours in NCHW and NHWC explicitly"
    )
    parser.add_argument("--weights", type=Path, help=argparse.SUPPRESS)
    return parser


def _gpu_dtype() -> str:
    import torch

    return "bf16" if torch.cuda.is_bf16_supported() else "fp16"


def _write_weights(path: Path) -> None:
    """diffusers' own initialisation (seeded) for the SD1.x VAE config, saved once."""
    import torch
    from diffusers import AutoencoderKL
    from safetensors.torch import save_file

    torch.manual_seed(0)
    vae = AutoencoderKL(**_diffusers_config())
    save_file({k: v.contiguous() for k, v in vae.state_dict().items()}, str(path))


def _diffusers_config() -> dict:
    n = len(BLOCKS)
    return {
        "block_out_channels": BLOCKS,
        "down_block_types": ("DownEncoderBlock2D",) * n,
        "up_block_types": ("UpDecoderBlock2D",) * n,
        "layers_per_block": 2,
        "latent_channels": 4,
        "norm_num_groups": 32,
    }


def _spawn(engine: str, device: str, dtype: str, size: int, weights: Path, args) -> dict:
    command = [
        sys.executable, __file__, "--worker", engine, "--device", device, "--dtype", dtype,
        "--sizes", str(size), "--weights", str(weights),
        "--repeats", str(args.repeats), "--warmup", str(args.warmup),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{engine} on {device} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _work(args) -> dict:
    import torch

    device, size = torch.device(args.device[0]), args.sizes[0]
    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[args.dtype]
    if args.worker in LAYOUTS:
        decode = _load_ours(args.weights, device, dtype, LAYOUTS[args.worker])
    else:
        decode = _load_diffusers(args.weights, device, dtype)
    latent = torch.randn(1, 4, size, size, generator=torch.Generator().manual_seed(1))
    latent = latent.to(device=device, dtype=dtype)
    with torch.inference_mode():
        for _ in range(args.warmup):
            decode(latent)
        _sync(device)
        before = _memory_mark(device)
        times, cpu_times = [], []
        for _ in range(args.repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            out = decode(latent)
            _sync(device)
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
        peak = _memory_peak(device, before)
        finite = bool(torch.isfinite(out).all())
    return {
        "seconds": statistics.median(times),
        "cpu_seconds": statistics.median(cpu_times),
        "peak_mb": peak / 2**20,
        "finite": finite,
    }


def _load_ours(weights: Path, device, dtype, channels_last: bool | None):
    import torch
    from safetensors.torch import load_file

    from app.preview.engine import VaeEngine

    engine = VaeEngine(load_file(str(weights)), device, channels_last=channels_last)
    model, channels_last = engine.model(dtype), engine.channels_last

    def decode(latent):
        if channels_last:
            latent = latent.contiguous(memory_format=torch.channels_last)
        return model.decode(latent)

    return decode


def _load_diffusers(weights: Path, device, dtype):
    from diffusers import AutoencoderKL
    from safetensors.torch import load_file

    vae = AutoencoderKL(**_diffusers_config())
    vae.load_state_dict(load_file(str(weights)))
    vae = vae.to(device=device, dtype=dtype).eval()
    return lambda latent: vae.decode(latent).sample


def _sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _memory_mark(device) -> int:
    import torch

    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        return torch.cuda.memory_allocated(device)
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        return _status_kib("VmRSS") * 1024
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _memory_peak(device, before: int) -> int:
    import torch

    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) - before
    try:
        return _status_kib("VmHWM") * 1024 - before
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise OSError(f"{field} not in /proc/self/status")


def _print_row(device: str, dtype: str, size: int, results: dict, name: str = "ours") -> None:
    ours, ref = results["ours"], results["diffusers"]
    print(
        f"{device:4s} {dtype:4s} latent {size}x{size} -> {size * 8}x{size * 8}: "
        f"{name} {ours['seconds']:.3f} s, {ours['peak_mb']:.0f} MB | "
        f"diffusers {ref['seconds']:.3f} s, {ref['peak_mb']:.0f} MB | "
        f"ratio time {ours['seconds'] / ref['seconds']:.2f}x, "
        f"memory {ours['peak_mb'] / max(ref['peak_mb'], 1e-9):.2f}x"
        + (f", cpu-time {ours['cpu_seconds'] / ref['cpu_seconds']:.2f}x" if device == "cpu" else "")
        + ("" if ours["finite"] and ref["finite"] else "  (NON-FINITE OUTPUT)"),
        flush=True,
    )


def _print_summary(device: str, rounds: list[tuple[dict, float]]) -> None:
    """min / median / max of each ratio over the rounds, with the load average seen."""
    ratios = {"time": "seconds", "memory": "peak_mb"}
    if device == "cpu":
        ratios["cpu-time"] = "cpu_seconds"
    parts = []
    for label, field in ratios.items():
        values = sorted(r["ours"][field] / max(r["diffusers"][field], 1e-9) for r, _ in rounds)
        parts.append(
            f"{label} {values[0]:.2f} / {statistics.median(values):.2f} / {values[-1]:.2f}"
        )
    loads = [load for _, load in rounds]
    print(
        f"{len(rounds)} rounds, ratio min / median / max: "
        + ", ".join(parts)
        + f" (load average {min(loads):.1f}-{max(loads):.1f})",
        flush=True,
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    raise SystemExit(main())

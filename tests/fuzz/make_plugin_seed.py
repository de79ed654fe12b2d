#!/usr/bin/env python3
"""Writes the tiny valid TorchScript encoder plug-in fuzz_plugin loads (a few KB) and, as its
seed, the plug-in's reference file (the format DRAGON Studio checks, see
tests/fixtures/export_encoder_plugins.py).
usage: make_plugin_seed.py PLUGIN.pt SEED.json"""
import os
import sys

import torch


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Parameter(torch.randn(16, 4, generator=torch.Generator().manual_seed(3)))

    @torch.jit.export
    def sample_rate(self) -> int:
        return 8000

    @torch.jit.export
    def embedding_dim(self) -> int:
        return 4

    @torch.jit.export
    def embed_audio(self, x: torch.Tensor) -> torch.Tensor:
        frames = x[:, : (x.shape[1] // 400) * 400].reshape(x.shape[0], -1, 400)[:, :, :16]
        return torch.tanh(frames @ self.proj)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.embed_audio(x)


plugin, seed = sys.argv[1], sys.argv[2]
torch.jit.save(torch.jit.script(Tiny().eval()), plugin)
# The reference file exactly as the test exporter writes it, then moved to the seed's place.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from export_encoder_plugins import write_reference  # noqa: E402

write_reference(torch.jit.load(plugin), plugin)
os.replace(plugin + ".reference.json", seed)

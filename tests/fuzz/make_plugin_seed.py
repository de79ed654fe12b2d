#!/usr/bin/env python3
"""Writes the tiny valid TorchScript encoder plug-in fuzz_plugin loads (a few KB) and, as its
seed, the plug-in's reference file (the format DRAGON Studio checks, see
tests/fixtures/export_encoder_plugins.py).
usage: make_plugin_seed.py PLUGIN.pt SEED.json"""
import json
import math
import sys
import zlib

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
module = torch.jit.script(Tiny().eval())
torch.jit.save(module, plugin)
sr = module.sample_rate()
probe = 0.5 * torch.sin(2 * math.pi * 440.0 * (torch.arange(sr, dtype=torch.float32) / sr)).unsqueeze(0)
with torch.no_grad():
    out = module.embed_audio(probe)[0]
with open(plugin, "rb") as f:
    crc = zlib.crc32(f.read())
with open(seed, "w") as f:
    json.dump({"format": "dragon-plugin-reference-1", "file_crc32": crc, "tolerance": 1e-4,
               "embed_audio": out.tolist()}, f)

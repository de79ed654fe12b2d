#!/usr/bin/env python3
"""Writes a tiny valid TorchScript encoder plug-in (a few KB) as the fuzz_plugin seed."""
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
        frames = x[:, : (x.shape[1] // 16) * 16].reshape(x.shape[0], -1, 16)
        return torch.tanh(frames @ self.proj)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.embed_audio(x)


torch.jit.save(torch.jit.script(Tiny().eval()), sys.argv[1])

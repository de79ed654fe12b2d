#!/usr/bin/env python3
"""One DRAGON round in Python on Debian's python3-torch, mirroring `dragon bench-round`: the
pocket model's architecture and shapes (text encoder + transformer denoiser, v-prediction,
cosine schedule), DDIM with classifier-free guidance (cond and uncond in one batch), pocket
CLAP's audio tower on log-mel, per-song FAD with scipy's sqrtm (as fadtk computes it), and
the Diffusion-DPO update on the guided (CFG) prediction with the passes' gradients accumulated
into one AdamW step (policy forward/backward, frozen reference forward), as `dragon train` does;
with CONFIG_JSON's anchorWeight > 0 also the pretraining anchor (anchorBatch corpus rows per pass,
the plain conditional denoising loss, weighted into each pass's loss; random latents stand in for
the corpus clips that our round renders, so Python's anchor data costs it nothing).
Weights are random (timing only). The synthesiser decode exists only in C++, so the decode
phase is not compared. Prints one JSON line with median seconds per phase.
Threads as ours (core/model/ComputeThreads): with OpenBLAS's own pthread pool, torch's operators
on one thread and OpenBLAS on THREADS; "plain" instead runs torch.set_num_threads(THREADS) with
OpenBLAS left at its default (both pools on all cores, the oversubscribed set-up).
usage: dragon_round.py CONFIG_JSON [REPEAT] [THREADS] [plain]
"""
import ctypes
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from scipy import linalg


class Block(torch.nn.Module):
    def __init__(self, width, heads, mlp):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = torch.nn.LayerNorm(width), torch.nn.LayerNorm(width)
        self.qkv, self.proj = torch.nn.Linear(width, 3 * width), torch.nn.Linear(width, width)
        self.fc1, self.fc2 = torch.nn.Linear(width, mlp * width), torch.nn.Linear(mlp * width, width)

    def forward(self, x, pad):
        b, n, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        s = q @ k.transpose(-2, -1) / math.sqrt(d // self.heads)
        if pad is not None:
            s = s.masked_fill(pad.view(b, 1, 1, n), -1e9)
        h = x + self.proj((s.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d))
        return h + self.fc2(F.gelu(self.fc1(self.norm2(h))))


class Pocket(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        w, self.c = c["width"], c
        self.emb = torch.nn.Embedding(c["vocabulary"], w)
        self.first = torch.nn.Parameter(torch.randn(1, 1, w) * 0.02)
        self.tpos = torch.nn.Parameter(torch.randn(1, c["maxTokens"] + 1, w) * 0.02)
        self.tblocks = torch.nn.ModuleList([Block(w, c["heads"], c["mlpRatio"]) for _ in range(c["textLayers"])])
        self.tnorm = torch.nn.LayerNorm(w)
        n = c["frames"] // c["patch"]
        self.inp = torch.nn.Linear(c["channels"] * c["patch"], w)
        self.out = torch.nn.Linear(w, c["channels"] * c["patch"])
        self.time1, self.time2 = torch.nn.Linear(256, w), torch.nn.Linear(w, w)
        self.pos = torch.nn.Parameter(torch.randn(1, n, w) * 0.02)
        self.blocks = torch.nn.ModuleList([Block(w, c["heads"], c["mlpRatio"]) for _ in range(c["layers"])])
        self.norm = torch.nn.LayerNorm(w)

    def text(self, ids):
        b = ids.shape[0]
        x = torch.cat([self.first.expand(b, 1, -1), self.emb(ids)], 1) + self.tpos[:, : ids.shape[1] + 1]
        pad = torch.cat([torch.zeros(b, 1, dtype=torch.bool), ids == 0], 1)
        for blk in self.tblocks:
            x = blk(x, pad)
        return self.tnorm(x), pad

    def denoise(self, x, t, text, tpad):
        c = self.c
        b, n, p = x.shape[0], c["frames"] // c["patch"], c["patch"]
        tok = self.inp(x.view(b, c["channels"], n, p).permute(0, 2, 1, 3).reshape(b, n, -1)) + self.pos
        freqs = torch.exp(torch.arange(128) * (-math.log(10000.0) / 128))
        ang = (t * 1000.0).unsqueeze(1) * freqs.unsqueeze(0)
        tt = self.time2(F.silu(self.time1(torch.cat([ang.sin(), ang.cos()], 1)))).unsqueeze(1)
        h = torch.cat([tt, text, tok], 1)
        pad = torch.cat([torch.zeros(b, 1, dtype=torch.bool), tpad, torch.zeros(b, n, dtype=torch.bool)], 1)
        for blk in self.blocks:
            h = blk(h, pad)
        o = self.out(self.norm(h[:, -n:]))
        return o.view(b, n, c["channels"], p).permute(0, 2, 1, 3).reshape(b, c["channels"], n * p)


class ClapAudio(torch.nn.Module):
    def __init__(self, width=128, dim=128, mels=64, tokens=71):
        super().__init__()
        self.c1 = torch.nn.Conv1d(mels, width, 5, 2, 2)
        self.c2 = torch.nn.Conv1d(width, width, 5, 2, 2)
        self.pos = torch.nn.Parameter(torch.randn(1, tokens, width) * 0.02)
        self.blocks = torch.nn.ModuleList([Block(width, 4, 4) for _ in range(2)])
        self.norm, self.proj = torch.nn.LayerNorm(width), torch.nn.Linear(width, dim)

    def forward(self, mel):
        x = F.gelu(self.c2(F.gelu(self.c1(mel)))).transpose(1, 2)
        x = x + self.pos[:, : x.shape[1]]
        for b in self.blocks:
            x = b(x, None)
        return self.proj(self.norm(x))


def cosine_acp(steps=1000, s=0.008):
    f = lambda t: math.cos((t / steps + s) / (1 + s) * math.pi / 2) ** 2
    return torch.tensor([min(max(f(i + 1) / f(0), 1e-5), 0.99999) for i in range(steps)], dtype=torch.float32)


def mel_filterbank(sr=24000, n_fft=1024, mels=64):
    hz2mel = lambda h: 2595 * np.log10(1 + h / 700)
    mel2hz = lambda m: 700 * (10 ** (m / 2595) - 1)
    pts = mel2hz(np.linspace(hz2mel(0), hz2mel(sr / 2), mels + 2))
    freqs = np.linspace(0, sr / 2, n_fft // 2 + 1)
    fb = np.zeros((mels, len(freqs)))
    for m in range(mels):
        l, c, r = pts[m], pts[m + 1], pts[m + 2]
        fb[m] = np.maximum(0, np.minimum((freqs - l) / (c - l), (r - freqs) / (r - c)))
    return torch.tensor(fb, dtype=torch.float32)


def fad(mu1, s1, frames):
    mu2, s2 = frames.mean(0), np.cov(frames, rowvar=False)
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean.real))


def use_threads(n, plain):
    if not plain:
        try:
            blas = ctypes.CDLL("libopenblas.so.0")
            if blas.openblas_get_parallel() == 1:
                blas.openblas_set_num_threads(n)
                torch.set_num_threads(1)
                return f"torch 1 + OpenBLAS {n} (own pool)"
        except OSError:
            pass
    torch.set_num_threads(n)
    return f"torch {n}" + (" (plain)" if plain else "")


def main():
    cfg = json.load(open(sys.argv[1]))
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    threads = use_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2, len(sys.argv) > 4 and sys.argv[4] == "plain")
    torch.manual_seed(0)
    c = cfg["model"]
    policy, reference = Pocket(c), Pocket(c)
    reference.load_state_dict(policy.state_dict())
    for p in reference.parameters():
        p.requires_grad_(False)
    clap = ClapAudio()
    opt = torch.optim.AdamW(policy.parameters(), lr=1e-5, weight_decay=0.0)
    acp = cosine_acp()
    fb = mel_filterbank()
    window = torch.hann_window(1024)
    B = cfg["prompts"] * cfg["seeds"]
    steps, guidance, passes = cfg["demoSteps"], cfg["guidance"], cfg["passes"]
    # The token ids of the C++ round's prompts (0-padded to maxTokens, as the tokenizer writes
    # them), one row per sample; older round.json files without them: random full-length ids.
    if "ids" in cfg:
        ids = torch.tensor([cfg["ids"][p] for p in range(cfg["prompts"]) for _ in range(cfg["seeds"])])
    else:
        ids = torch.randint(1, c["vocabulary"], (B, c["maxTokens"]))
    anchor_weight, anchor_batch = cfg.get("anchorWeight", 0.0), cfg.get("anchorBatch", 8)
    anchor_ids = torch.tensor(cfg["anchorIds"]) if anchor_weight > 0 else None
    ref_frames = np.random.default_rng(0).standard_normal((16 * 71, 128))
    mu_ref, s_ref = ref_frames.mean(0), np.cov(ref_frames, rowvar=False)
    times = {"sample": [], "encode": [], "reward": [], "update": []}
    for _ in range(repeat):
        # 1. Sampling: DDIM, CFG with cond + uncond in one batch.
        t0 = time.perf_counter()
        with torch.no_grad():
            x = torch.randn(B, c["channels"], c["frames"])
            text, pad = policy.text(torch.cat([ids, torch.zeros_like(ids)]))
            ts = [int((999) - i * 1000 / steps) for i in range(steps)]
            for i, t in enumerate(ts):
                nxt = ts[i + 1] if i + 1 < steps else -1
                out = policy.denoise(torch.cat([x, x]), torch.full((2 * B,), t / 1000.0), text, pad)
                cond, unc = out.chunk(2)
                v = unc + guidance * (cond - unc)
                a = float(acp[t]); an = float(acp[nxt]) if nxt >= 0 else 1.0
                x0 = (math.sqrt(a) * x - math.sqrt(1 - a) * v).clamp(-1, 1)
                eps = (x - math.sqrt(a) * x0) / math.sqrt(1 - a)
                x = math.sqrt(an) * x0 + math.sqrt(1 - an) * eps
        times["sample"].append(time.perf_counter() - t0)
        audio = torch.randn(B, 144000) * 0.1  # stands in for the C++-only synthesiser's output
        # 2. Encoding: log-mel + pocket-CLAP audio tower.
        t0 = time.perf_counter()
        with torch.no_grad():
            spec = torch.stft(audio, 1024, 512, window=window, center=True, pad_mode="reflect", return_complex=True)
            mel = torch.log((fb @ spec.abs() ** 2).clamp_min(1e-6))
            frames = clap(mel[:, :, :282]).numpy().astype(np.float64)
        times["encode"].append(time.perf_counter() - t0)
        # 3. Reward: per-song FAD per clip against the exemplar statistics (scipy sqrtm).
        t0 = time.perf_counter()
        rewards = [fad(mu_ref, s_ref, frames[i]) for i in range(B)]
        times["reward"].append(time.perf_counter() - t0)
        # 4. Update: best/worst per prompt -> 8 pairs; Diffusion-DPO, 2 passes.
        t0 = time.perf_counter()
        r = np.array(rewards).reshape(cfg["prompts"], cfg["seeds"])
        w = torch.tensor([p * cfg["seeds"] + int(np.argmin(r[p])) for p in range(cfg["prompts"])])
        l = torch.tensor([p * cfg["seeds"] + int(np.argmax(r[p])) for p in range(cfg["prompts"])])
        x0 = torch.cat([x[w], x[l]])
        pid = torch.cat([ids[w], ids[l]])
        P = len(w)
        opt.zero_grad()
        empty = torch.zeros_like(pid)
        for _ in range(passes):
            t = torch.randint(0, 1000, (P,)).repeat(2)
            noise = torch.randn(P, c["channels"], c["frames"]).repeat(2, 1, 1)
            a = acp[t].view(-1, 1, 1)
            xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
            target = a.sqrt() * noise - (1 - a).sqrt() * x0

            def guided_mse(model):
                tx, tp = model.text(torch.cat([pid, empty]))
                out = model.denoise(torch.cat([xt, xt]), torch.cat([t, t]) / 1000.0, tx, tp)
                cond, unc = out.chunk(2)
                return (unc + guidance * (cond - unc) - target).pow(2).flatten(1).mean(1)

            with torch.no_grad():
                ref = guided_mse(reference)
            mod = guided_mse(policy)
            inside = -0.5 * 5000.0 * ((mod[:P] - mod[P:]) - (ref[:P] - ref[P:]))
            loss = -F.logsigmoid(inside).mean()
            if anchor_ids is not None:
                rows = torch.randint(0, anchor_ids.shape[0], (anchor_batch,))
                z0 = torch.randn(anchor_batch, c["channels"], c["frames"])
                ta = torch.randint(0, 1000, (anchor_batch,))
                na = torch.randn_like(z0)
                aa = acp[ta].view(-1, 1, 1)
                tx, tp = policy.text(anchor_ids[rows])
                va = policy.denoise(aa.sqrt() * z0 + (1 - aa).sqrt() * na, ta / 1000.0, tx, tp)
                anchor = (va - (aa.sqrt() * na - (1 - aa).sqrt() * z0)).pow(2).flatten(1).mean(1)
                loss = loss + anchor_weight * anchor.mean()
            loss = loss / passes
            loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        opt.step()
        times["update"].append(time.perf_counter() - t0)
    med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
    med["torch"] = torch.__version__
    med["threads"] = threads
    med["anchor"] = anchor_weight
    print(json.dumps(med))


if __name__ == "__main__":
    main()

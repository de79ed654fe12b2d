#pragma once

#include <memory>
#include <string>
#include <torch/torch.h>

namespace dragon {

class Generator;

// A generator from a spec, like createEncoder: "" or "pocket" (the bundled pocket model), the
// path of a pocket-model checkpoint (pretrain output, policy.pt, best-policy.pt), or the path of
// a TorchScript generator plug-in (TorchScriptGenerator; a run's policy.pt of such a model is
// one too). Throws std::runtime_error naming the file and what is wrong.
std::unique_ptr<Generator> createGenerator(const std::string &spec);
// The bundled pocket model's checkpoint (DRAGON_POCKET_CHECKPOINT overrides).
std::string bundledPocketCheckpoint();

// "auto" (CUDA when this libtorch has it and a GPU is present, else the CPU), "cpu", "cuda" or
// "cuda:N". Throws std::runtime_error for a malformed spec or a CUDA device this build or
// machine does not have.
torch::Device resolveDevice(const std::string &spec);

} // namespace dragon

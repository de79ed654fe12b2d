#include "encoders/EmbeddingTensors.h"

namespace dragon {

Embedding embeddingFromFrames(const torch::Tensor &frames, const torch::Tensor &clip)
{
    const auto f = frames.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    const auto c =
        (clip.defined() ? clip.detach() : f.mean(0)).to(torch::kCPU, torch::kFloat32).contiguous();
    Embedding e;
    e.frames = int(f.size(0));
    e.dimension = int(f.size(1));
    e.frameData.assign(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
    e.clip.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    return e;
}

} // namespace dragon

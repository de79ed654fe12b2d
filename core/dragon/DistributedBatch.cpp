#include "dragon/DistributedBatch.h"

#include "dragon/DistributedGroup.h"

#include <cstring>

namespace dragon {

DistributedBatch
DistributedBatch::gather(DistributedGroup &group, const std::vector<int64_t> &order,
                         const std::vector<std::string> &prompts, const torch::Tensor &myLatents,
                         const std::vector<AudioBuffer> &myAudio, const RewardBatch &myBatch)
{
    DistributedBatch out;
    if (!group.active()) {
        out.latents = myLatents;
        out.audio = myAudio;
        out.rewardBatch = myBatch;
        return out;
    }
    const auto where = torch::tensor(order, torch::kInt64);
    auto toGlobal = [&](const torch::Tensor &gathered) {
        return torch::zeros_like(gathered).index_copy_(0, where, gathered);
    };
    out.latents = toGlobal(group.allGather(myLatents.to(torch::kCPU).contiguous()));
    const int64_t samples = int64_t(myAudio.front().frames());
    auto packed = torch::zeros({int64_t(myAudio.size()), samples});
    for (std::size_t i = 0; i < myAudio.size(); ++i)
        std::memcpy(packed[int64_t(i)].data_ptr<float>(), myAudio[i].interleaved().data(),
                    sizeof(float) *
                        std::size_t(std::min<int64_t>(samples, int64_t(myAudio[i].frames()))));
    const auto allAudio = toGlobal(group.allGather(packed));
    for (int64_t i = 0; i < allAudio.size(0); ++i) {
        const float *p = allAudio[i].data_ptr<float>();
        out.audio.emplace_back(std::vector<float>(p, p + samples), 1, myAudio.front().sampleRate());
    }
    RewardBatch &batch = out.rewardBatch;
    batch.prompts = prompts;
    if (!myBatch.embeddings.empty()) {
        const int dim = myBatch.embeddings.front().dimension;
        auto frames = torch::zeros({int64_t(myBatch.embeddings.size()), 1}, torch::kInt64);
        for (std::size_t i = 0; i < myBatch.embeddings.size(); ++i)
            frames[int64_t(i)][0] = myBatch.embeddings[i].frames;
        const auto allFrames = toGlobal(group.allGather(frames));
        const int64_t most = allFrames.max().item<int64_t>();
        auto rows = torch::zeros({int64_t(myBatch.embeddings.size()), most * dim + dim});
        for (std::size_t i = 0; i < myBatch.embeddings.size(); ++i) {
            const auto &e = myBatch.embeddings[i];
            std::memcpy(rows[int64_t(i)].data_ptr<float>(), e.frameData.data(),
                        sizeof(float) * e.frameData.size());
            std::memcpy(rows[int64_t(i)].data_ptr<float>() + most * dim, e.clip.data(),
                        sizeof(float) * std::size_t(dim));
        }
        const auto allRows = toGlobal(group.allGather(rows));
        for (int64_t i = 0; i < allRows.size(0); ++i) {
            Embedding e;
            e.frames = int(allFrames[i][0].item<int64_t>());
            e.dimension = dim;
            const float *p = allRows[i].data_ptr<float>();
            e.frameData.assign(p, p + int64_t(e.frames) * dim);
            e.clip.assign(p + most * dim, p + most * dim + dim);
            batch.embeddings.push_back(std::move(e));
        }
    }
    if (!myBatch.loudnessLufs.empty()) {
        const auto lufs = torch::tensor(myBatch.loudnessLufs, torch::kFloat64).unsqueeze(1);
        const auto all = toGlobal(group.allGather(lufs));
        for (int64_t i = 0; i < all.size(0); ++i)
            batch.loudnessLufs.push_back(all[i][0].item<double>());
    }
    return out;
}

} // namespace dragon

#pragma once

#include "audio/AudioBuffer.h"
#include "rewards/Reward.h"

#include <string>
#include <torch/torch.h>
#include <vector>

namespace dragon {

class DistributedGroup;

// A round's samples after every rank generated and scored its share: latents, audio,
// embeddings and loudness of all ranks, in the plan's global sample order. With one process
// it is the rank's own batch.
struct DistributedBatch
{
    torch::Tensor latents; // [N, C, T] on the CPU (multi-process) or the generator's device
    std::vector<AudioBuffer> audio;
    RewardBatch rewardBatch;

    // `order` lists the global index of each row as all-gathered (rank 0's share first, see
    // RoundPlan::gatherOrder); `prompts` are the plan's, in global order. Every rank gets the
    // same batch. Mono clips of equal length (what generators produce) are assumed.
    static DistributedBatch gather(DistributedGroup &group, const std::vector<int64_t> &order,
                                   const std::vector<std::string> &prompts,
                                   const torch::Tensor &myLatents,
                                   const std::vector<AudioBuffer> &myAudio,
                                   const RewardBatch &myBatch);
};

} // namespace dragon

#pragma once

#include "rewards/Reward.h"

#include <map>
#include <memory>
#include <mutex>

namespace dragon {

class Encoder;

// CLAP score: cosine between each sample's clip embedding and its prompt's text embedding
// under a cross-modal encoder (higher is better). Throws EncoderError at construction if the
// encoder has no text tower. Prompt embeddings are memoised.
class ClapScoreReward : public Reward
{
public:
    explicit ClapScoreReward(std::shared_ptr<Encoder> encoder);
    std::string name() const override { return "clap"; }
    RewardKind kind() const override { return RewardKind::Instance; }
    RewardDirection direction() const override { return RewardDirection::HigherIsBetter; }
    std::vector<double> scoreEach(const RewardBatch &batch) const override;

private:
    std::shared_ptr<Encoder> m_encoder;
    mutable std::mutex m_mutex;
    mutable std::map<std::string, std::vector<float>> m_prompts;
};

} // namespace dragon

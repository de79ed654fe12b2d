#pragma once

#include "audio/AudioBuffer.h"
#include "encoders/ExemplarSetEmbedder.h"
#include "rewards/Reward.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dragon {

class Encoder;
struct Project;

// The reward of a run, built from the project's definition: the reward encoder (when a term
// needs embeddings), the exemplar sets' embeddings (through the embedding cache at `cacheDir`,
// so a project's runs and its Reward tab share them), and the combined reward. score() turns
// clips into what the reward reads (embeddings, loudness). Throws std::runtime_error or
// std::invalid_argument when the definition cannot work (naming the term or the set).
class TrainingReward
{
public:
    using Log = std::function<void(const std::string &)>;
    TrainingReward(const Project &project, const std::string &cacheDir, const Log &log);

    const Reward &reward() const { return *m_reward; }
    std::shared_ptr<Reward> shared() const { return m_reward; }
    // The reward encoder (null when no term needs embeddings) and the exemplar sets' embeddings
    // by set id, for views that score exemplars themselves (the reward preview).
    std::shared_ptr<Encoder> encoder() const { return m_encoder; }
    const std::map<std::string, ExemplarEmbeddings> &exemplars() const { return m_exemplars; }
    // Embeddings (when the reward needs an encoder) and loudness (when a term needs it) of
    // `audio`; `encodeSeconds` (optional) gets the time spent.
    RewardBatch score(const std::vector<AudioBuffer> &audio,
                      const std::vector<std::string> &prompts,
                      double *encodeSeconds = nullptr) const;

    // Multi-term rewards standardise each term with statistics frozen on the base model's first
    // batch (WeightedReward::freezeScales), so rounds and evaluations share one scale. True when
    // the reward has terms to scale and they are not frozen yet.
    bool needsScales() const;
    void freezeScales(const RewardBatch &batch);
    // The frozen scales as text (checkpoints carry it; "" when there is nothing to freeze) and
    // back; throws std::runtime_error for text that does not fit this reward.
    std::string scalesText() const;
    void restoreScales(const std::string &text);

private:
    std::shared_ptr<Encoder> m_encoder;
    std::shared_ptr<Reward> m_reward;
    std::map<std::string, ExemplarEmbeddings> m_exemplars;
};

} // namespace dragon

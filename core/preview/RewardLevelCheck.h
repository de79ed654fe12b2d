#pragma once

#include "audio/AudioBuffer.h"
#include "rewards/LevelResponse.h"
#include "rewards/Reward.h"

#include <functional>
#include <string>
#include <vector>

namespace dragon {

// Whether a reward can be won by turning clips up or down rather than by what they play: each
// clip of a batch is turned by a gain (float samples, no clipping) and scored again, and its
// utility is compared with its utility at 0 dB, against the spread of the utilities between the
// clips (LevelResponse). Set terms (dataset FAD, KID, Vendi) score a clip by its contribution
// to the batch, so for them one clip at a time is turned and the rest of the batch left as it
// was: the incentive a training round sees for that clip.
class RewardLevelCheck
{
public:
    // Clips -> what the reward reads of them (embeddings, loudness), as TrainingReward::score.
    using Scorer = std::function<RewardBatch(const std::vector<AudioBuffer> &)>;
    // A batch -> one utility per clip (higher is better), with any scales frozen beforehand.
    using Utilities = std::function<std::vector<double>(const RewardBatch &)>;

    // `batch` is `score(audio)`; `perClipOnly`: the utilities of a clip depend on that clip alone
    // (no set term), so each gain re-scores the whole batch at once. One LevelResponse per gain.
    static std::vector<LevelResponse> measure(const std::vector<AudioBuffer> &audio,
                                              const RewardBatch &batch, const Scorer &score,
                                              const Utilities &utilities, bool perClipOnly,
                                              const std::vector<double> &gainsDb);
    // One sentence for the user, or "" when the utilities do not spread over the batch (or are
    // not finite). `loudnessTerm`: the reward has a loudness term, so following level is meant.
    static std::string reading(const std::vector<LevelResponse> &responses, bool loudnessTerm);
};

} // namespace dragon

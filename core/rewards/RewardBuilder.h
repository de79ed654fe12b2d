#pragma once

#include "rewards/Reward.h"
#include "rewards/RewardDefinition.h"

#include <map>
#include <memory>

namespace dragon {

class Encoder;
struct ExemplarEmbeddings;

// Builds a Reward from a definition, the encoder and the embeddings of the exemplar sets it
// names (set id -> embeddings). One term without "away" gives that reward itself (raw units);
// anything else gives a WeightedReward. Throws std::invalid_argument (or EncoderError) with a
// message naming the term and what is missing.
class RewardBuilder
{
public:
    static std::shared_ptr<Reward>
    build(const RewardDefinition &definition, std::shared_ptr<Encoder> encoder,
          const std::map<std::string, ExemplarEmbeddings> &exemplars);
    static std::shared_ptr<Reward>
    buildTerm(const RewardTerm &term, std::shared_ptr<Encoder> encoder,
              const std::map<std::string, ExemplarEmbeddings> &exemplars);
};

} // namespace dragon

#include "rewards/RewardParameter.h"

#include "rewards/RewardDefinition.h"

#include <cmath>
#include <map>

namespace dragon {

const RewardParameter *rewardParameterOf(const std::string &type)
{
    static const std::map<std::string, RewardParameter> parameters = {
        {"exemplar-similarity",
         {"top-k", "top-k ", "", "centroid", 0, kMaxTopK, 0, 1,
          "0: cosine to the set's centroid; k: mean of the k closest exemplars",
          [](const RewardTerm &t) { return double(t.topK); },
          [](RewardTerm &t, double v) { t.topK = int(std::lround(v)); }}},
        {"loudness",
         {"the loudness target", "", " LUFS", "", -70, 0, 2, 1,
          "Integrated loudness (EBU R128) the clips are pulled toward",
          [](const RewardTerm &t) { return t.targetLufs; },
          [](RewardTerm &t, double v) { t.targetLufs = v; }}},
        {"vendi",
         {"the Vendi order q", "q ", "", "", 0.01, 100, 2, 0.5,
          "Order of the Vendi score: 1 counts every kind of output alike, below 1 rare kinds "
          "weigh more, above 1 common kinds do",
          [](const RewardTerm &t) { return t.vendiOrder; },
          [](RewardTerm &t, double v) { t.vendiOrder = v; }}},
    };
    const auto it = parameters.find(type);
    return it == parameters.end() ? nullptr : &it->second;
}

} // namespace dragon

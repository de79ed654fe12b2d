#include "TestProjects.h"

#include "model/CorpusGenerator.h"

namespace fixtures {

std::vector<std::string> corpusCaptions(std::uint64_t firstSeed, int count, int phrasing)
{
    const dragon::CorpusGenerator corpus;
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i)
        out.push_back(
            dragon::CorpusGenerator::caption(corpus.generate(firstSeed + std::uint64_t(i)),
                                             std::uint64_t(phrasing < 0 ? i : phrasing)));
    return out;
}

dragon::RewardDefinition loudnessReward(double targetLufs)
{
    dragon::RewardDefinition reward;
    reward.encoder = "mel-stats";
    dragon::RewardTerm loud;
    loud.type = "loudness";
    loud.targetLufs = targetLufs;
    reward.terms = {loud};
    return reward;
}

} // namespace fixtures

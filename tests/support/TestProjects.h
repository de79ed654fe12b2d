#pragma once

#include "rewards/RewardDefinition.h"

#include <cstdint>
#include <string>
#include <vector>

// Prompts and rewards the training tests share, so each test states only what it changes.
namespace fixtures {

// Captions of the synthetic corpus's pieces firstSeed, firstSeed + 1, ...: the i-th in phrasing
// i, or all in `phrasing` when it is given (held-out eval prompts use one phrasing).
std::vector<std::string> corpusCaptions(std::uint64_t firstSeed, int count, int phrasing = -1);
// A loudness target on the mel-stats encoder: a reward strong enough to show within a few
// rounds, and cheap to score.
dragon::RewardDefinition loudnessReward(double targetLufs);

} // namespace fixtures

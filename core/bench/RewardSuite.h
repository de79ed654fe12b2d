#pragma once

#include "project/Project.h"
#include "rewards/RewardDefinition.h"

#include <string>
#include <vector>

namespace dragon {

// One exemplar set of the reward-suite benchmark: real recorded music from a Debian package (cut
// to clips by the bench's set-up) or text descriptions (embedded by pocket CLAP's text tower).
struct SuiteSet
{
    std::string id;                 // the set id the suite's reward terms name
    std::string name;               // shown in tables
    std::string debianPackage;      // audio sets: where the music comes from ("" for text)
    std::string sourceDir;          // audio sets: the installed tracks
    std::vector<std::string> texts; // text sets: the descriptions
};

// One of the 20 rewards (issue 14, the DRAGON paper's variety): its definition, its kind, the
// half it belongs to and, for the FAD rewards, the cell (encoder x set) of the per-song vs
// dataset FAD table.
struct SuiteReward
{
    std::string name;   // "per-song-fad/pocket-clap/drascula"
    std::string kind;   // RewardTypeInfo::kind of its term
    bool tuned = false; // in the half the per-kind settings were chosen on (else held out)
    // Not one of the 20: a reward of a kind the tuned half lacks (exemplar similarity), run only
    // to choose that kind's settings (`--half extra`); never in the 20's averages.
    bool extra = false;
    RewardDefinition reward;
    std::string fadCell; // "pocket-clap x drascula" for per-song and dataset FAD, else ""
};

// The suite: 20 rewards over 3 sets and 3 encoders. Pure data; RewardSuiteTest checks its shape.
class RewardSuite
{
public:
    static const std::vector<SuiteSet> &sets();
    static const std::vector<SuiteReward> &rewards();
    // The tuning extras (SuiteReward::extra): exemplar-similarity rewards other than the held-out
    // half's (other sets, encoders and modes), for choosing that kind's settings without
    // looking at the held-out rows.
    static const std::vector<SuiteReward> &extras();
    // What a call with `--half HALF` runs over: the extras for "extra", else the 20.
    static const std::vector<SuiteReward> &candidates(const std::string &half);
    // Sets as a project holds them, with the given clips for the audio sets (set id -> files).
    static std::vector<ExemplarSet>
    projectSets(const std::vector<std::pair<std::string, std::vector<std::string>>> &clips);
};

} // namespace dragon

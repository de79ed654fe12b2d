#pragma once

#include <string>
#include <vector>

namespace dragon {

struct Project;

// Static facts about each reward type, for forms, validation and the CLI.
struct RewardTypeInfo
{
    std::string key; // "clap", "exemplar-similarity", ...
    std::string label;
    std::string kind; // "instance", "instance-to-distribution", "distribution-to-distribution"
    bool needsExemplars = false;
    bool needsTextTower = false;
    bool lowerIsBetter = false;
};
const std::vector<RewardTypeInfo> &rewardTypes();
const RewardTypeInfo *findRewardType(const std::string &key);

// One term of a reward as the user defines it (stored in the project).
constexpr int kMaxTopK = 100000;

struct RewardTerm
{
    std::string type = "exemplar-similarity";
    std::string exemplarSet; // set id, for types that need exemplars
    bool away = false;       // move away from it (negative exemplars / inverted direction)
    double weight = 1.0;
    int topK = 0;              // exemplar-similarity: 0 = centroid, at most kMaxTopK
    double targetLufs = -14.0; // loudness
    double vendiOrder = 1.0;   // vendi
    bool operator==(const RewardTerm &o) const;
};

struct RewardDefinition
{
    std::string encoder = "pocket-clap";
    std::vector<RewardTerm> terms;

    // Human-readable problems (empty: usable). `encoderHasText` says whether the chosen encoder
    // has a text tower; text exemplars and CLAP scores need one.
    std::vector<std::string> validate(const Project &project, bool encoderHasText) const;
    std::string toJson() const;
    // Throws JsonFormatError (a std::runtime_error) naming the bad field; never a library
    // exception.
    static RewardDefinition fromJson(const std::string &json);
    bool operator==(const RewardDefinition &o) const;
    // Whether any term is of `type` ("loudness": the reward means to move level).
    bool hasTerm(const std::string &type) const;
};

} // namespace dragon

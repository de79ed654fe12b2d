#pragma once

#include "project/TrainingSettings.h"
#include "rewards/RewardDefinition.h"

#include <string>
#include <vector>

namespace dragon {

struct ExemplarItem
{
    enum class Kind
    {
        Audio,
        Text
    };
    Kind kind = Kind::Audio;
    std::string path; // audio: absolute path in memory (relative only inside the file)
    std::string text; // text: the prompt or description
    // Last known facts about the audio, kept in the file so a missing file still shows them.
    double durationSeconds = 0.0;
    int sampleRate = 0;
    int channels = 0;
    bool missing = false; // set when loading: the file was not found; never dropped

    static ExemplarItem audio(std::string absolutePath);
    static ExemplarItem textItem(std::string text);
    bool operator==(const ExemplarItem &other) const;
};

struct ExemplarSet
{
    std::string id;
    std::string name;
    std::vector<ExemplarItem> items;
    bool operator==(const ExemplarSet &other) const;
};

// The document behind a `.dragon` file (see ProjectFile for the on-disk form).
struct Project
{
    std::string name;
    std::vector<ExemplarSet> exemplarSets;
    std::vector<std::string> trainPrompts;
    std::vector<std::string> evalPrompts;
    RewardDefinition reward; // the encoder and the reward terms
    TrainingSettings training;

    ExemplarSet *findSet(const std::string &id);
    const ExemplarSet *findSet(const std::string &id) const;
    // A set id not used yet in this project ("set-1", "set-2", ...).
    std::string newSetId() const;
    bool operator==(const Project &other) const;
};

} // namespace dragon

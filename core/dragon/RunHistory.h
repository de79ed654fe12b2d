#pragma once

#include "dragon/DragonEvents.h"

#include <string>
#include <vector>

namespace dragon {

struct Project;

// What the Train tab lists of a project's past runs, read back from their folders (RunFolder's
// layout). Reading never throws: a damaged row is skipped, a folder without a readable
// config.json is listed with the reason and cannot be resumed.
struct RunSummary
{
    std::string folder; // absolute
    std::string name;   // the folder name (its start time, YYYYmmdd-HHMMSS)
    std::string reward; // the reward in words, sets by name ("" when the config is unreadable)
    bool loudnessTerm = false; // the reward has a loudness term: moving level is what it asks
    int roundsDone = 0, roundsPlanned = 0;
    double emaDecay = 0; // above 0: the run evaluated and saved its EMA copy (DragonConfig)
    bool evaluated = false;
    EvalStats lastEval;     // the newest row of eval.jsonl, when evaluated
    bool resumable = false; // a readable config and fewer rounds done than planned
    std::string state;      // "finished", "stopped at round N", "no round finished", "damaged: ..."
};

class RunHistory
{
public:
    // Every run under `runsDir`, newest first.
    static std::vector<RunSummary> list(const std::string &runsDir);
    static RunSummary summarise(const std::string &folder);
    // The rows of metrics.jsonl and eval.jsonl as the live events carried them (the fields the
    // dashboard plots and reports), in round order.
    static std::vector<RoundStats> rounds(const std::string &folder);
    static std::vector<EvalStats> evaluations(const std::string &folder);
    // The audition clips on disk (round-NNNNNN-plus.wav / -minus.wav with their .json: prompt,
    // seed, reward), oldest round first.
    static std::vector<AuditionClip> auditions(const std::string &folder);
    // The reward of a definition in words, e.g. "Exemplar similarity (cosine) toward 'Warm'".
    static std::string describeReward(const Project &project);
};

} // namespace dragon

#pragma once

#include "dragon/RunCheckpoint.h"

#include <filesystem>
#include <functional>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace dragon {

class DemoBuilder;
class Generator;

// The checkpoints/ folder of a run: what a round's training state is (the policy's weights, the
// optimizer, the round counter, the label baseline, the EMA copy), written as a RunCheckpoint
// (checksummed, atomic, synced) named round-NNNNNN.pt, the newest `keep` kept; and resume: the
// newest file that loads and holds finite weights wins, older ones are tried when it is damaged
// (the policy is reset to `restore`'s weights between attempts, so a half-read file leaves
// nothing behind). Per-round randomness derives from (seed, round), so no RNG state is saved.
class CheckpointStore
{
public:
    CheckpointStore(std::filesystem::path dir, int keep);

    struct State
    {
        Generator &policy;
        torch::optim::Optimizer &optimizer;
        Generator *ema; // may be null
        DemoBuilder &demo;
        std::string &rewardScales; // frozen scales of a multi-term reward (TrainingReward), or ""
    };
    // Throws std::runtime_error naming the file (a full disk, a read-only folder); the previous
    // checkpoints are then untouched.
    void save(int round, const State &state, const std::string &journal) const;

    struct Resumed
    {
        bool resumed = false;
        int round = 0;
        std::string file; // name of the checkpoint resumed from
        RunCheckpoint::Contents contents;
    };
    using Log = std::function<void(const std::string &)>;
    // Loads the newest usable checkpoint into `state` (nothing when there is none).
    // `removeTemporaries`: delete writers' temporary files a kill left behind (the writer only).
    Resumed resume(const State &state, Generator &restore, const Log &log,
                   bool removeTemporaries) const;

    // round-*.pt files, oldest first.
    std::vector<std::filesystem::path> files() const;
    std::filesystem::path pathFor(int round) const;

private:
    // Empty when loaded; else why the file cannot be used.
    std::string load(const std::filesystem::path &path, const State &state, int &round,
                     RunCheckpoint::Contents &contents) const;

    std::filesystem::path m_dir;
    int m_keep;
};

} // namespace dragon

#pragma once

#include <string>
#include <torch/torch.h>

namespace dragon {

// The file format of a run checkpoint (checkpoints/round-NNNNNN.pt). Format 2 is a
// ChecksummedFile around the training state (an archive: policy, optimizer, counters, ...),
// whose "journal" record holds the metrics rows of every round the state includes, so that the
// checkpoint alone says which rows belong to the run (a kill between the checkpoint and the
// metrics file, or a metrics file that could not be written, loses no row of a saved round).
// The checksum is verified before libtorch parses anything. Writes are atomic and synced.
// Format 1 files (no frame, no journal) are still read.
class RunCheckpoint
{
public:
    static constexpr const char *kFormat = "dragon-run-checkpoint-2";
    static constexpr const char *kLegacyFormat = "dragon-run-checkpoint-1";

    // Adds the format and journal records to `state` and writes it. Throws std::runtime_error
    // naming the path and the cause (for example a full disk); the previous file at `path`, if
    // any, is then untouched.
    static void write(const std::string &path, torch::serialize::OutputArchive &state,
                      const std::string &journal);

    struct Contents
    {
        bool verified = false; // false: an older file without a checksum (or sidecar)
        bool hasJournal =
            false; // false: a format 1 file (its metrics rows live only in metrics.jsonl)
        std::string journal;
    };
    // Reads `path` into `state`. Throws std::runtime_error naming the file: unreadable, not a run
    // checkpoint, or damaged (checksum mismatch).
    static Contents read(const std::string &path, torch::serialize::InputArchive &state);
};

} // namespace dragon

#pragma once

#include "util/ChecksummedFile.h"

#include <string>
#include <torch/serialize/archive.h>

namespace dragon {

// The one writer and reader of libtorch archives on disk: model checkpoints
// (HalfPrecisionCheckpoint: pocket.pt, pocket-clap.pt, policy.pt, best-policy.pt), run
// checkpoints (RunCheckpoint) and the pretraining and pocket-CLAP training states
// (train-state.pt). Written inside a ChecksummedFile frame, atomically and synced (a kill or a
// full disk keeps the previous file); read only after the checksum matched, so a damaged file is
// refused as damaged and never reaches libtorch's parsers.
class ArchiveFile
{
public:
    // Throws std::runtime_error naming the path.
    static void write(const std::string &path, torch::serialize::OutputArchive &archive);
    // `what` completes "not a readable checkpoint (damaged, truncated or not WHAT: cause)", e.g.
    // "a run checkpoint". Throws std::runtime_error naming the path.
    static ChecksummedFile::Integrity
    read(const std::string &path, torch::serialize::InputArchive &archive, const std::string &what);
};

} // namespace dragon

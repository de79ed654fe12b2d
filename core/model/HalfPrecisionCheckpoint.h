#pragma once

#include "util/ChecksummedFile.h"

#include <string>
#include <torch/torch.h>

namespace dragon {

// Model files stored in half precision with a "format" tag and a JSON "config" record (the
// pocket model and pocket CLAP, policy.pt, best-policy.pt). Written as a ChecksummedFile
// (atomic, synced, checksum verified before libtorch parses anything); files written before
// the frame existed load as they are, verified when a sidecar NAME.xxh3 lies beside them (the
// bundled checkpoints have one).
class HalfPrecisionCheckpoint
{
public:
    // Copies `weights` into `halfModule` (a freshly built module of the same architecture),
    // converts it to half precision and writes it with the tags.
    static void save(const torch::nn::Module &weights, torch::nn::Module &halfModule,
                     const std::string &format, const std::string &configJson,
                     const std::string &path);

    // Opens `path` and checks its integrity and format tag; returns the config JSON. Throws
    // std::runtime_error naming the file: missing, damaged (checksum), unreadable/truncated, or
    // not a `what` checkpoint.
    static std::string open(const std::string &path, const std::string &format,
                            const std::string &what, torch::serialize::InputArchive &archive);

    // Reads the half-precision weights into `halfModule` (built for the config), checks shapes
    // and finiteness, and copies them as float32 into `target`. Throws std::runtime_error.
    static void loadWeights(torch::serialize::InputArchive &archive, torch::nn::Module &halfModule,
                            torch::nn::Module &target, const std::string &path);

    // How the file at `path` is verified on load (reads it; throws like open() when damaged).
    static ChecksummedFile::Integrity integrity(const std::string &path);
};

} // namespace dragon

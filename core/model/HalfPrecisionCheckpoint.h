#pragma once

#include <torch/torch.h>

#include <string>

namespace dragon {

// Model files stored in half precision with a "format" tag and a JSON "config" record (the
// pocket model and pocket CLAP). Writing is atomic and synced (AtomicFileWriter). Each file
// carries an XXH3 checksum of its weights ("checksum" record, 16 hex digits), verified on load.
class HalfPrecisionCheckpoint
{
public:
    // Copies `weights` into `halfModule` (a freshly built module of the same architecture),
    // converts it to half precision and writes it with the tags.
    static void save(const torch::nn::Module &weights, torch::nn::Module &halfModule, const std::string &format,
                     const std::string &configJson, const std::string &path);

    // Opens `path` and checks its format tag; returns the config JSON. Throws std::runtime_error
    // naming the file: missing, unreadable/truncated, or not a `what` checkpoint.
    static std::string open(const std::string &path, const std::string &format, const std::string &what,
                            torch::serialize::InputArchive &archive);

    // Reads the half-precision weights into `halfModule` (built for the config), verifies the
    // checksum (the file's record, else a sidecar `path.xxh3`, else none), checks shapes and
    // finiteness, and copies them as float32 into `target`. Throws std::runtime_error naming
    // the file ("damaged" for a checksum mismatch).
    static void loadWeights(torch::serialize::InputArchive &archive, torch::nn::Module &halfModule,
                            torch::nn::Module &target, const std::string &path);

    // XXH3 over every parameter's name and bytes, in order (the record save() writes).
    static std::uint64_t weightsChecksum(const torch::nn::Module &module);
    // Copies `weights` into `halfModule`, converts it to half precision and returns its
    // checksum: what a file of these weights records (half -> float -> half is lossless).
    static std::uint64_t halfChecksum(const torch::nn::Module &weights, torch::nn::Module &halfModule);
    // How a file's weights can be verified: its own record, a sidecar, or not at all.
    enum class Integrity { Record, Sidecar, None };
    static Integrity integrity(const std::string &path);
    static std::string sidecarPath(const std::string &path);
};

} // namespace dragon

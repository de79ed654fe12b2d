#pragma once

#include <torch/torch.h>

#include <string>

namespace dragon {

// Model files stored in half precision with a "format" tag and a JSON "config" record (the
// pocket model and pocket CLAP). Writing goes through a temporary file and a rename.
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

    // Reads the half-precision weights into `halfModule` (built for the config), checks shapes
    // and finiteness, and copies them as float32 into `target`. Throws std::runtime_error.
    static void loadWeights(torch::serialize::InputArchive &archive, torch::nn::Module &halfModule,
                            torch::nn::Module &target, const std::string &path);
};

} // namespace dragon

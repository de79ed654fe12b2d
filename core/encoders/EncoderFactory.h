#pragma once

#include "encoders/Encoder.h"

#include <memory>
#include <string>
#include <vector>

namespace dragon {

struct EncoderChoice
{
    std::string key;   // what createEncoder takes
    std::string label; // for menus
    bool textTower = false;
};

// The built-in encoders: mel-stats, music-features, pocket-clap.
std::vector<EncoderChoice> builtInEncoders();

// "mel-stats", "music-features", "pocket-clap", "pocket-clap:CHECKPOINT", or the path of a
// TorchScript encoder (also "torchscript:PATH"). Throws EncoderError naming what is wrong.
std::unique_ptr<Encoder> createEncoder(const std::string &spec);

} // namespace dragon

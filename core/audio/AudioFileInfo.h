#pragma once

#include <cstdint>
#include <string>

namespace dragon {

// What a file holds, read from its header without decoding the audio.
struct AudioFileInfo
{
    std::string path;
    std::string formatName;   // container, e.g. "WAV", "FLAC", "OGG", "MPEG"
    std::string encodingName; // e.g. "16-bit PCM", "Vorbis", "Opus", "32-bit float"
    int sampleRate = 0;
    int channels = 0;
    std::int64_t frames = 0;
    std::int64_t fileBytes = 0;

    double durationSeconds() const { return sampleRate > 0 ? double(frames) / sampleRate : 0.0; }
};

// Limits applied to every file before any audio is decoded: a clear error beats a memory blow-up.
struct AudioLimits
{
    int minSampleRate = 1000;
    int maxSampleRate = 768000;
    int maxChannels = 64;
    double maxSeconds = 30.0 * 60.0; // whole-file decodes; longer files are refused by name
};

} // namespace dragon

#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Hand-made files for bad-input tests: libsndfile refuses to write most of these on purpose.
namespace fixtures {

// A canonical 44-byte RIFF/WAVE header followed by `data`. `formatTag` 1 = PCM, 3 = IEEE float.
// `declaredDataBytes` goes into the header (can be larger than data to fake truncation).
std::string wavBytes(int channels, std::uint32_t sampleRate, int bitsPerSample, int formatTag,
                     const std::string &data, std::uint32_t declaredDataBytes);
std::string floatWavBytes(const std::vector<float> &samples, int channels, std::uint32_t rate);
void writeFile(const std::string &path, const std::string &bytes);
std::string readFile(const std::string &path);
// A fresh temporary folder for one test (removed by the caller's QTemporaryDir in Qt tests).
} // namespace fixtures

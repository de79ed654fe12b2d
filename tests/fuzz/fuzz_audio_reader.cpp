// Audio files: probe, then a whole read with mixdown and resampling (the import path). Every
// failure must be an AudioError; anything else (another exception, a crash, a sanitizer report)
// is a finding.
#include "FuzzInputFile.h"
#include "audio/AudioError.h"
#include "audio/AudioFileReader.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size)
{
    const std::string path = writeFuzzInput(data, size, ".audio");
    dragon::AudioLimits limits;
    limits.maxSeconds = 120.0; // keeps each execution short; the limit logic is what is tested
    try {
        dragon::AudioFileReader::probe(path, limits);
        dragon::AudioReadOptions options;
        options.limits = limits;
        options.mixdownToMono = true;
        options.targetSampleRate = 16000;
        const dragon::AudioBuffer audio = dragon::AudioFileReader::read(path, options);
        if (audio.sampleRate() != 16000)
            std::abort();
    } catch (const dragon::AudioError &) {
    }
    return 0;
}

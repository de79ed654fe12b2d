#pragma once

#include <string>
#include <vector>

namespace dragon {

// The optional libraries this build was configured with (core/CMakeLists.txt): a lean core may
// lack PortAudio (no audio output) or libebur128 (no loudness measurement), and uses a bundled
// copy of xxHash when the system has none. Torch-free and Qt-free.
class BuildFeatures
{
public:
    static bool audioOutput(); // PortAudio
    static bool loudness();    // libebur128
    static bool bundledXxhash();

    // One line per feature, e.g. "audio output: PortAudio" / "audio output: off (configured
    // without PortAudio)", for `dragon --version` and the About box.
    static std::vector<std::string> summary();

    // The messages a missing feature gives at run time.
    static std::string missingAudioOutputMessage();
    static std::string missingLoudnessMessage();
};

} // namespace dragon

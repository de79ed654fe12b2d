#include "audio/AudioFileTypes.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

namespace dragon {

bool hasAudioExtension(const std::string &path)
{
    static const std::array<const char *, 14> extensions = {"wav",  "wave", "flac", "ogg",  "oga",
                                                            "opus", "mp3",  "aif",  "aiff", "aifc",
                                                            "w64",  "caf",  "au",   "snd"};
    std::string ext = std::filesystem::path(path).extension().string();
    if (ext.empty())
        return false;
    ext.erase(0, 1);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

} // namespace dragon

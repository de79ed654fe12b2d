#include "util/BundledResource.h"

#include <cstdlib>
#include <filesystem>

namespace dragon {

std::string bundledResource(const std::string &name, const char *envOverride)
{
    namespace fs = std::filesystem;
    if (envOverride)
        if (const char *env = std::getenv(envOverride))
            return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / "share/dragon-studio" / name;
        if (fs::exists(installed))
            return installed.string();
    }
    return std::string(DRAGON_SOURCE_DIR "/resources/") + name;
}

} // namespace dragon

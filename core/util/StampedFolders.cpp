#include "util/StampedFolders.h"

#include <algorithm>

namespace dragon {
namespace fs = std::filesystem;

std::string StampedFolders::create(const std::string &dir, const std::string &stamp)
{
    fs::path folder = fs::path(dir) / stamp;
    for (int n = 2; fs::exists(folder); ++n)
        folder = fs::path(dir) / (stamp + "-" + std::to_string(n));
    fs::create_directories(folder);
    return folder.string();
}

std::vector<fs::path> StampedFolders::withFile(const std::string &dir, const std::string &file)
{
    std::vector<fs::path> folders;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && fs::exists(it->path() / file, ec))
            folders.push_back(it->path());
    std::sort(folders.begin(), folders.end());
    return folders;
}

void StampedFolders::keepNewest(const std::string &dir, const std::string &file, int keep,
                                const fs::path &current)
{
    const auto folders = withFile(dir, file);
    for (std::size_t i = 0; i + std::size_t(std::max(keep, 0)) < folders.size(); ++i) {
        std::error_code ec;
        if (folders[i] != current)
            fs::remove_all(folders[i], ec);
    }
}

} // namespace dragon

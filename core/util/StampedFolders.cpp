#include "util/StampedFolders.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace dragon {
namespace fs = std::filesystem;

namespace {

// Sort key of a folder name: the stamp and the number create() added when the stamp was
// taken (1 for none), so that STAMP-10 comes after STAMP-2. Names that are not a stamp
// (ProjectFolder::runName: 15 characters, then -N or nothing) sort by their text.
std::tuple<std::string, long long> orderOf(const std::string &name)
{
    constexpr std::size_t kStamp = 15; // YYYYMMDD-HHMMSS
    const bool numbered = name.size() > kStamp + 1 && name.size() <= kStamp + 10 &&
                          name[kStamp] == '-' &&
                          std::all_of(name.begin() + kStamp + 1, name.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
    if (!numbered)
        return {name, 1};
    return {name.substr(0, kStamp), std::stoll(name.substr(kStamp + 1))};
}

} // namespace

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
    std::sort(folders.begin(), folders.end(), [](const fs::path &a, const fs::path &b) {
        return orderOf(a.filename().string()) < orderOf(b.filename().string());
    });
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

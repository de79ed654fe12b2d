#include "project/ProjectFolder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iomanip>
#include <sstream>

namespace dragon {
namespace fs = std::filesystem;

std::string ProjectFolder::dataDir(const std::string &projectPath)
{
    return projectPath + ".d";
}

std::string ProjectFolder::embeddingCache(const std::string &projectPath,
                                          const std::string &fallbackDir)
{
    if (projectPath.empty())
        return (fs::path(fallbackDir) / "embeddings").string();
    return (fs::path(dataDir(projectPath)) / "embeddings").string();
}

std::string ProjectFolder::runsDir(const std::string &projectPath)
{
    return (fs::path(dataDir(projectPath)) / "runs").string();
}

std::string ProjectFolder::previewsDir(const std::string &projectPath)
{
    return (fs::path(dataDir(projectPath)) / "previews").string();
}

std::string ProjectFolder::generationsDir(const std::string &projectPath)
{
    return (fs::path(dataDir(projectPath)) / "generations").string();
}

std::string ProjectFolder::runName(std::time_t when)
{
    std::tm local{};
    localtime_r(&when, &local);
    std::ostringstream name;
    name << std::put_time(&local, "%Y%m%d-%H%M%S");
    return name.str();
}

std::string ProjectFolder::displayStamp(const std::string &name)
{
    const bool stamp = name.size() >= 15 && name[8] == '-' &&
                       std::all_of(name.begin(), name.begin() + 8, ::isdigit) &&
                       std::all_of(name.begin() + 9, name.begin() + 15, ::isdigit);
    if (!stamp)
        return name;
    return name.substr(0, 4) + "-" + name.substr(4, 2) + "-" + name.substr(6, 2) + " " +
           name.substr(9, 2) + ":" + name.substr(11, 2) + ":" + name.substr(13, 2) +
           name.substr(15);
}

} // namespace dragon

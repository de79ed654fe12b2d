#include "util/AtomicFileWriter.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dragon {
namespace {

[[noreturn]] void fail(const std::string &path, const std::string &what, int error)
{
    throw std::runtime_error(path + ": " + what + " (" + std::strerror(error) + ")");
}

} // namespace

void AtomicFileWriter::write(const std::string &path, const std::string &contents,
                             Durability durability)
{
    const std::filesystem::path target(path);
    const std::filesystem::path folder =
        target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    std::string pattern = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0)
        fail(path, "cannot create a temporary file beside it", errno);
    const std::string temp(name.data());
    auto abandon = [&](const std::string &what, int error) {
        ::close(fd);
        ::unlink(temp.c_str());
        fail(path, what, error);
    };
    const char *data = contents.data();
    std::size_t left = contents.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            abandon("cannot write", errno);
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, 0644) != 0)
        abandon("cannot set permissions", errno);
    if (durability == Durability::Synced && ::fsync(fd) != 0)
        abandon("cannot flush to disk", errno);
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        fail(path, "cannot close", error);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        fail(path, "cannot replace the file", error);
    }
    if (durability == Durability::Fast)
        return;
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

} // namespace dragon

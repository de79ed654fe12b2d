#include "model/ArchiveFile.h"

#include "model/TorchLoadError.h"

#include <sstream>
#include <stdexcept>

namespace dragon {

void ArchiveFile::write(const std::string &path, torch::serialize::OutputArchive &archive)
{
    std::ostringstream bytes;
    archive.save_to(bytes);
    ChecksummedFile::write(path, bytes.str()); // temp, fsync, rename: a kill keeps the old file
}

ChecksummedFile::Integrity ArchiveFile::read(const std::string &path,
                                             torch::serialize::InputArchive &archive,
                                             const std::string &what)
{
    const ChecksummedFile::Contents file = ChecksummedFile::read(path); // "damaged" before parsing
    try {
        archive.load_from(file.payload.data(), file.payload.size());
    } catch (...) {
        throw std::runtime_error(path + ": not a readable checkpoint (damaged, truncated or not " +
                                 what + ": " + TorchLoadError::describeCurrent() + ")");
    }
    return file.integrity;
}

} // namespace dragon

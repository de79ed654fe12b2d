// Project files: parse; a project that loads must survive save and load unchanged.
#include "project/ProjectFile.h"

#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    const std::string where = "/nonexistent-fuzz-folder/fuzz.dragon";
    try {
        const dragon::Project project = dragon::ProjectFile::parse(text, where);
        const std::string saved = dragon::ProjectFile::serialise(project, where);
        const dragon::Project again = dragon::ProjectFile::parse(saved, where);
        if (!(again == project))
            std::abort(); // a round trip changed the document
    } catch (const dragon::ProjectError &) {
    }
    return 0;
}

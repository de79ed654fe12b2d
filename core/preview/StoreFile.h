#pragma once

#include "preview/PreviewStore.h"
#include "util/JsonObject.h"
#include "util/StrictJson.h"

#include <fstream>
#include <string>

namespace dragon {

// The frame every result file of core/preview is read in (preview.json, compare.json): open,
// parse strictly, check the "format" number, then `read(doc, object)`; any failure becomes a
// PreviewError that starts with the file's path.
template <class Read>
auto readStoreFile(const std::string &file, const char *what, int format, Read read)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw PreviewError(file + ": cannot be opened");
    try {
        const nlohmann::json doc = StrictJson::parse(in);
        const JsonObject o(doc, what);
        const int found = o.integer("format", 0, 0, 1000000);
        if (found != format)
            throw PreviewError("format " + std::to_string(found) + " (this version reads " +
                               std::to_string(format) + ")");
        return read(doc, o);
    } catch (const std::exception &error) { // JsonFormatError, PreviewError, the library's
        throw PreviewError(file + ": " + error.what());
    }
}

} // namespace dragon

#pragma once

#include "project/Project.h"

#include <nlohmann/json_fwd.hpp>
#include <stdexcept>
#include <string>

namespace dragon {

enum class ProjectErrorKind
{
    NotFound,
    Unreadable,
    Malformed,
    NewerVersion,
    WriteFailed
};

class ProjectError : public std::runtime_error
{
public:
    ProjectError(ProjectErrorKind kind, const std::string &path, const std::string &cause)
        : std::runtime_error(path + ": " + cause), m_kind(kind), m_path(path)
    {
    }
    ProjectErrorKind kind() const { return m_kind; }
    const std::string &path() const { return m_path; }

private:
    ProjectErrorKind m_kind;
    std::string m_path;
};

// Reads and writes `.dragon` files: JSON with "format" and "version" fields.
// Audio paths are written relative to the project's folder when the file lies inside it, plus the
// absolute path as a fallback; on load, the first that exists wins and items whose file exists
// under neither are kept and flagged `missing`. Saves are atomic (AtomicFileWriter). A file that
// cannot be parsed, or was written by a newer schema, is refused with a ProjectError and is never
// overwritten by save().
class ProjectFile
{
public:
    // 2: adds "reward" (encoder + reward terms). Version 1 files are read as before.
    static constexpr int kSchemaVersion = 2;
    static constexpr const char *kFormatTag = "dragon-studio-project";
    static constexpr const char *kExtension = ".dragon";
    // Versions above this are not a plausible schema number but a damaged field.
    static constexpr int kMaxReadableVersion = 1000000;

    static Project load(const std::string &path);
    static void save(const Project &project, const std::string &path);
    // The JSON text save() writes (paths made relative to `projectPath`'s folder).
    static std::string serialise(const Project &project, const std::string &projectPath);
    // Throws ProjectError (never a library exception) for anything that cannot be read.
    static Project parse(const std::string &text, const std::string &projectPath);

private:
    static Project parseDocument(const nlohmann::json &document, const std::string &projectPath);
};

} // namespace dragon
